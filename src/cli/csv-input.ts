import fs from 'node:fs';
import { Readable } from 'node:stream';
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
 * `text`, when given, is read instead of the file (input already read, such as stdin).
 */
export async function openCsv(
  file: string,
  onSyntaxProblem: (problem: CsvSyntaxProblem) => void,
  text?: string,
): Promise<CsvInput> {
  const { stream, size } =
    text === undefined ? await openInput(file) : { stream: Readable.from([text]), size: null };
  const parser = stream.pipe(
    parse({
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      raw: true,
      record_delimiter: ['\r\n', '\n'],
    }),
  );
  stream.on('error', (error) => parser.destroy(error));
  // csv-parse's own line count takes a CRLF inside quotes for two lines: lines are counted
  // here from each record's raw text instead (blank lines before it, line breaks inside it).
  let nextLine = 1;
  parser.on('skip', (error: CsvError & { lines?: number }) => {
    onSyntaxProblem({ line: error.lines ?? nextLine, message: error.message });
    if (error.lines) nextLine = error.lines + 1;
  });
  let bytes = 0;
  const iterator = (async function* (): AsyncGenerator<CsvRecord> {
    for await (const { record, raw, info } of parser as AsyncIterable<{
      record: string[];
      raw: string;
      info: { bytes: number };
    }>) {
      const blank = /^(?:\r?\n)*/.exec(raw)?.[0] ?? '';
      const body = raw.slice(blank.length).replace(/(?:\r\n|\n|\r)$/, '');
      const line = nextLine + countLineBreaks(blank);
      nextLine = line + countLineBreaks(body) + 1;
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

function countLineBreaks(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  return count;
}
