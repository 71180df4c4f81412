/*
 * CSV for the reports' downloads (RFC 4180: comma-separated, CRLF line ends, a field quoted
 * when it holds a comma, quote or line break). A cell that starts with `=`, `+`, `-`, `@`, a
 * tab or a carriage return is a formula to a spreadsheet; it is prefixed with `'` so it is
 * read as text (OWASP, "CSV injection"). Numbers are written as they are: a negative number
 * is a number, not a formula.
 */

import { spreadsheetSafeCell } from './spreadsheet-safe-cell.js';

export type CsvCell = string | number | null;

/** One cell as text: null empty, a number as is, a string defused and quoted as needed. */
export function csvCell(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = spreadsheetSafeCell(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header row and data rows as one CSV document. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}
