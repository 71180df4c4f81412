import { once } from 'node:events';
import fs from 'node:fs';
import { spreadsheetSafeCell } from '../domain/spreadsheet-safe-cell.js';
import { unwritableFileError } from './cli-error.js';
import { formatJson } from './output.js';

/**
 * Writes rows as CSV on standard output with csv-stringify (a header line, then a line per
 * row, quoted where a cell needs it), waiting whenever the reader of the pipe is slower.
 * A cell a spreadsheet would run as a formula is written as text (spreadsheet-safe-cell.ts).
 */
export async function writeCsv<C extends string>(
  columns: readonly C[],
  rows: AsyncIterable<Record<C, string>>,
): Promise<void> {
  // Loaded here: a command that only writes a file (`--out`) does not pay for it.
  const { stringify } = await import('csv-stringify');
  const csv = stringify({
    header: true,
    columns: [...columns],
    cast: { string: (cell) => spreadsheetSafeCell(cell) },
  });
  csv.pipe(process.stdout);
  for await (const row of rows) if (!csv.write(row)) await once(csv, 'drain');
  csv.end();
  await once(csv, 'end');
}

/** Writes one JSON array on standard output, an element per line, as the items come. */
export async function writeJsonArray(items: AsyncIterable<unknown>): Promise<void> {
  let first = true;
  for await (const item of items) {
    const text = `${first ? '[' : ',\n'}${formatJson(item)}`;
    first = false;
    if (!process.stdout.write(text)) await once(process.stdout, 'drain');
  }
  process.stdout.write(first ? '[]\n' : ']\n');
}

/**
 * Writes a file the command line named (`--out FILE.html`); a path that cannot be written
 * (a folder that does not exist, a directory, no permission) is bad input, said in one line.
 */
export function writeOutputFile(file: string, content: string): void {
  try {
    fs.writeFileSync(file, content);
  } catch (error) {
    throw unwritableFileError(file, error);
  }
}
