import fs from 'node:fs';
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import { InputError } from './cli-error.js';

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
      throw new InputError(
        `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
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
