import fs from 'node:fs';
import { Readable } from 'node:stream';
import { type CsvError, parse } from 'csv-parse';
import { readSpreadsheetSafeCell } from '../domain/spreadsheet-safe-cell.js';
import { unreadableFile } from './input-stream.js';

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
 * skipped. A record csv-parse cannot read is reported to `onSyntaxProblem` and skipped. A cell
 * our exports wrote as text for spreadsheets (`'=…`) is read without that quote.
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
  // csv-parse counts the line a record ends on, but takes a CRLF inside quotes for two lines:
  // each one seen so far is taken off, then the record's own line breaks, to find its start.
  let crlfInQuotes = 0;
  let lastProblemLine = 0;
  parser.on('skip', (error: CsvError & { lines?: number }) => {
    const line = (error.lines ?? 0) - crlfInQuotes;
    // One bad record may raise several errors: each line is reported once.
    if (line !== lastProblemLine) onSyntaxProblem({ line, message: error.message });
    lastProblemLine = line;
  });
  let bytes = 0;
  const iterator = (async function* (): AsyncGenerator<CsvRecord> {
    for await (const { record, raw, info } of parser as AsyncIterable<{
      record: string[];
      raw: string;
      info: { bytes: number; lines: number };
    }>) {
      const body = raw.replace(/^[\r\n]+|[\r\n]+$/g, '');
      crlfInQuotes += body.split('\r\n').length - 1;
      const line = info.lines - crlfInQuotes - countLineBreaks(body);
      bytes = info.bytes;
      yield { line, cells: record.map(readSpreadsheetSafeCell) };
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
    const stat = await handle.stat();
    // A directory opens, and would say EISDIR only once read, from inside the parser.
    if (stat.isDirectory()) {
      await handle.close();
      throw Object.assign(new Error('a directory'), { code: 'EISDIR' });
    }
    return { stream: handle.createReadStream(), size: stat.isFile() ? stat.size : null };
  } catch (error) {
    throw unreadableFile(file, error);
  }
}

function countLineBreaks(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  return count;
}
