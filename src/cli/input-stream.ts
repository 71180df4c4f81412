import fs from 'node:fs';
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import { type InputError, unreadableFileError } from './cli-error.js';

export interface InputLines {
  /** The input's lines, decoded as UTF-8: a byte sequence that is not becomes U+FFFD. */
  lines: AsyncIterable<string>;
  /** Bytes read so far. */
  bytesRead(): number;
  /** The size of a regular file; null for standard input or a pipe. */
  size: number | null;
}

/**
 * Opens a file argument, or standard input for `-`, to be read line by line. A file that
 * cannot be opened is bad input, said before anything else is done.
 *
 * The file is opened here, synchronously, and the stream given its descriptor: a stream that
 * opens the file itself says so in an 'open' event, once, whenever it happens. A reader that
 * waits for that event after other work (opening the database: a PostgreSQL connection takes
 * a few turns of the event loop) has missed it and waits for ever, and with nothing else left
 * to do Node ends the process silently with status 13.
 */
export function openInputLines(file: string): InputLines {
  let stream: Readable;
  let size: number | null = null;
  if (file === '-') {
    stream = process.stdin;
  } else {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
      const stat = fs.fstatSync(fd);
      if (stat.isDirectory()) throw Object.assign(new Error('a directory'), { code: 'EISDIR' });
      if (stat.isFile()) size = stat.size;
    } catch (error) {
      throw unreadableFile(file, error);
    }
    stream = fs.createReadStream(file, { fd, highWaterMark: 1 << 20 });
  }
  const input = stream;
  // The line reader is made when reading starts: lines it read before would be lost.
  async function* lines(): AsyncGenerator<string> {
    yield* readline.createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  }
  return {
    lines: lines(),
    bytesRead: () => (stream instanceof fs.ReadStream ? stream.bytesRead : 0),
    size,
  };
}

/** A file argument that cannot be read, said in words, with Node's code for a search. */
export function unreadableFile(file: string, error: unknown): InputError {
  return unreadableFileError(file, error);
}
