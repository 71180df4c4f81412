import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { type CsvError, parse } from 'csv-parse';
import { InputError } from './cli-error.js';

/** One record of a CSV file: its cells and the line it starts on (1 is the header). */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/** A line the CSV parser could not read (an unclosed quote, a stray one). */
export interface CsvSyntaxProblem {
  line: number;
  message: string;
}

export interface CsvInput {
  /** The header line's cells; empty for an empty file. */
  header: string[];
  /** The records after the header, read as they are asked for: memory stays flat. */
  records: AsyncIterable<CsvRecord>;
  /** Bytes read so far and the file's size (null for standard input), for a progress bar. */
  bytesRead(): number;
  size: number | null;
}

/**
 * Opens a CSV file (or standard input for `-`) with csv-parse: a byte-order mark is dropped,
 * quoted fields may hold commas, quotes and line breaks, lines may end in CRLF, blank lines are
 * skipped. A record csv-parse cannot read is reported to `onSyntaxProblem` and skipped.
 */
export async function openCsv(
  file: string,
  onSyntaxProblem: (problem: CsvSyntaxProblem) => void,
): Promise<CsvInput> {
  const { stream, size } = await openInput(file);
  const parser = stream.pipe(
    parse({
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
    }),
  );
  stream.on('error', (error) => parser.destroy(error));
  // csv-parse counts the line a record ends on; the next one starts after it and any blank lines.
  let lastLine = 0;
  let blankLines = 0;
  parser.on('skip', (error: CsvError & { lines?: number }) => {
    onSyntaxProblem({ line: error.lines ?? lastLine + 1, message: error.message });
    lastLine = error.lines ?? lastLine;
  });
  let bytes = 0;
  const iterator = (async function* (): AsyncGenerator<CsvRecord> {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number; empty_lines: number; bytes: number };
    }>) {
      const line = lastLine + 1 + (info.empty_lines - blankLines);
      lastLine = info.lines;
      blankLines = info.empty_lines;
      bytes = info.bytes;
      yield { line, cells: record };
    }
  })();
  const first = await iterator.next();
  return {
    header: first.done ? [] : first.value.cells,
    records: { [Symbol.asyncIterator]: () => iterator },
    bytesRead: () => bytes,
    size,
  };
}

async function openInput(file: string): Promise<{ stream: Readable; size: number | null }> {
  if (file === '-') return { stream: process.stdin, size: null };
  try {
    const handle = await fs.promises.open(file, 'r');
    const { size } = await handle.stat();
    return { stream: handle.createReadStream(), size };
  } catch (error) {
    throw new InputError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}
