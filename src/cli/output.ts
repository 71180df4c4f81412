import { showControlCharacters, unicodeEscape } from '../domain/clean-text.js';

/**
 * Rows a listing shows unless told otherwise (`--limit N`, `--all`): enough for any screen or
 * script's first look, few enough that a table of a million readers does not flood either.
 */
export const LISTED = 1000;

/** One column of a listing: its header and how a row's cell is read. */
export interface ListingColumn<T> {
  header: string;
  value: (row: T) => unknown;
}

/** Writes a listing: one JSON array with `--json`, else aligned columns for people. */
export function printListing<T extends object>(
  rows: T[],
  json: boolean,
  columns: ListingColumn<T>[],
): void {
  process.stdout.write(json ? `${formatJson(rows)}\n` : formatListing(rows, columns));
}

/**
 * A listing as aligned columns, a header line first, each line ended by `\n`. Cells come from
 * readers and publishers (a name, a headline), so a control character in one is shown as its
 * escape: it cannot move the cursor, retitle the terminal or break the table's lines.
 */
export function formatListing<T>(rows: T[], columns: ListingColumn<T>[]): string {
  if (rows.length === 0) return '(none)\n';
  const headers = columns.map((c) => showControlCharacters(c.header));
  const cells = rows.map((row) => columns.map((c) => formatCell(c.value(row))));
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...cells.map((r) => (r[i] ?? '').length)),
  );
  const line = (values: string[]) =>
    `${values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()}\n`;
  return [headers, ...cells].map(line).join('');
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (value instanceof Date) return value.toISOString();
  const text = Array.isArray(value) ? value.join(',') : String(value);
  return showControlCharacters(text);
}

/**
 * What JSON.stringify leaves raw although a terminal acts on it (DEL, the C1 controls, among
 * them a one-character CSI; the bidirectional controls, which reorder what is shown) or a
 * JavaScript parser before ES2019 breaks on it (U+2028, U+2029). It escapes C0 controls and
 * lone surrogates itself.
 */
const RAW_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

/**
 * JSON safe to pipe to a terminal: the same value JSON.parse reads back, with those characters
 * escaped too. They only occur inside strings, where `\u0085` is a valid escape.
 */
export function formatJson(value: unknown): string {
  return JSON.stringify(value).replace(RAW_IN_JSON, (character) => unicodeEscape(character));
}

/** Writes text for people, lines and tabs kept, other control characters shown as escapes. */
export function printLine(text: string): void {
  process.stdout.write(`${showControlCharacters(text, { allowNewlines: true })}\n`);
}

/**
 * A listing's rows up to `limit` (null: all). One row more than asked is read to know whether
 * there are more; only then are they counted, and stderr says so (stdout, `--json` above all,
 * holds the rows alone): "showing 1,000 of 20,345 deliveries; --limit N or --all for more".
 */
export async function readUpTo<T>(
  limit: number | null,
  rows: string,
  read: (limit: number | null) => Promise<T[]>,
  count: () => Promise<number>,
): Promise<T[]> {
  if (limit === null) return read(null);
  const found = await read(limit + 1);
  if (found.length <= limit) return found;
  // A row added or removed between the two reads: the count is at least what was seen.
  const total = Math.max(await count(), found.length);
  const shown = (n: number) => n.toLocaleString('en-US');
  process.stderr.write(
    `showing ${shown(limit)} of ${shown(total)} ${rows}; --limit N or --all for more\n`,
  );
  return found.slice(0, limit);
}
