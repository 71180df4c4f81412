import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { unreadableFile } from './input-stream.js';

/*
 * The messages of `bounces process FILE|DIR|-`, one at a time, so memory stays flat in the
 * mailbox's size: one `.eml` file, a directory of them, a maildir (its new/ and cur/), an mbox
 * (split with mbox-reader: `From ` lines, mboxrd unquoting), or standard input (one message,
 * or an mbox when it begins with a `From ` line, as an MTA's pipe may write it).
 */

export interface MailboxMessage {
  /** Where it came from, for the output: a path, `path#3` for an mbox's third, `-` for stdin. */
  name: string;
  raw: Buffer;
}

/** A message, or a file that could not be read (said in one line, naming the file). */
export type MailboxItem = { message: MailboxMessage } | { problem: string };

export interface Mailbox {
  /** What the argument turned out to be, for the summary line. */
  kind: 'message' | 'mbox' | 'directory' | 'maildir' | 'standard input';
  items: AsyncIterable<MailboxItem>;
}

/**
 * Opens a mailbox argument. A path that cannot be opened is bad input, said before anything
 * else is done; files inside a directory that cannot be read are items of their own, so the
 * others are still processed.
 */
export function openMailbox(target: string): Mailbox {
  if (target === '-') return { kind: 'standard input', items: streamItems(process.stdin, '-') };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch (error) {
    throw unreadableFile(target, error);
  }
  if (stat.isDirectory()) {
    const maildir = ['new', 'cur'].filter((sub) => isDirectory(path.join(target, sub)));
    if (maildir.length > 0) {
      return {
        kind: 'maildir',
        items: fileItems(
          maildir.map((sub) => path.join(target, sub)),
          () => true,
        ),
      };
    }
    return { kind: 'directory', items: fileItems([target], (name) => /\.eml$/i.test(name)) };
  }
  // Opened now: a file that cannot be read is said up front (see input-stream.ts).
  let fd: number;
  try {
    fd = fs.openSync(target, 'r');
  } catch (error) {
    throw unreadableFile(target, error);
  }
  const head = Buffer.alloc(5);
  const read = readHead(fd, head, target);
  const isMbox = head.subarray(0, read).toString('latin1') === 'From ';
  const stream = fs.createReadStream(target, { fd, highWaterMark: 1 << 20 });
  if (isMbox) return { kind: 'mbox', items: mboxItems(stream, target) };
  return { kind: 'message', items: wholeItem(stream, target) };
}

function readHead(fd: number, head: Buffer, target: string): number {
  try {
    return fs.readSync(fd, head, 0, head.length, 0);
  } catch (error) {
    fs.closeSync(fd);
    throw unreadableFile(target, error);
  }
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Each file of the folders, in name order (a maildir's names begin with the time it came),
 * read whole, one at a time. Dot files (a maildir's and editors' own) are left out, and so is
 * what `wanted` refuses.
 */
async function* fileItems(
  dirs: readonly string[],
  wanted: (name: string) => boolean,
): AsyncGenerator<MailboxItem> {
  for (const dir of dirs) {
    let names: string[];
    try {
      names = fs.readdirSync(dir).sort();
    } catch (error) {
      yield { problem: unreadableFile(dir, error).message };
      continue;
    }
    for (const name of names) {
      if (name.startsWith('.') || !wanted(name)) continue;
      const file = path.join(dir, name);
      try {
        if (!fs.statSync(file).isFile()) continue;
        const raw = fs.readFileSync(file);
        yield raw.length === 0 ? { problem: `${file}: empty` } : { message: { name: file, raw } };
      } catch (error) {
        yield { problem: unreadableFile(file, error).message };
      }
    }
  }
}

/** Standard input: an mbox when it begins with `From `, else one message. */
async function* streamItems(stream: Readable, name: string): AsyncGenerator<MailboxItem> {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let size = 0;
  try {
    while (size < 5) {
      const next = await chunks.next();
      if (next.done) break;
      head.push(Buffer.from(next.value));
      size += next.value.length;
    }
  } catch (error) {
    yield { problem: unreadableFile(name, error).message };
    return;
  }
  const first = Buffer.concat(head);
  // The bytes read to look, then the rest: one stream again.
  const whole = Readable.from(
    (async function* () {
      yield first;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
    })(),
  );
  if (first.subarray(0, 5).toString('latin1') === 'From ') yield* mboxItems(whole, name);
  else yield* wholeItem(whole, name);
}

async function* mboxItems(stream: Readable, name: string): AsyncGenerator<MailboxItem> {
  let n = 0;
  try {
    // Loaded when an mbox is read: the other commands of the module never need it.
    const { mboxReader } = await import('mbox-reader');
    for await (const message of mboxReader(stream)) {
      n++;
      yield { message: { name: `${name}#${n}`, raw: message.content } };
    }
  } catch (error) {
    yield { problem: unreadableFile(name, error).message };
    return;
  }
  if (n === 0) yield { problem: `${name}: an mbox with no message in it` };
}

async function* wholeItem(stream: Readable, name: string): AsyncGenerator<MailboxItem> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  } catch (error) {
    yield { problem: unreadableFile(name, error).message };
    return;
  }
  const raw = Buffer.concat(chunks);
  yield raw.length === 0 ? { problem: `${name}: empty` } : { message: { name, raw } };
}
