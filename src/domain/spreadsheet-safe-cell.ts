/*
 * A CSV cell that starts with `=`, `+`, `-` or `@` is a formula to a spreadsheet (Excel,
 * LibreOffice, Google Sheets), and one starting with a tab or carriage return may be read as
 * one too: a reader's name `=HYPERLINK("http://evil","x")` would run when an admin opens the
 * export. OWASP's rule: write such a cell with a single quote in front, which spreadsheets
 * take as "this is text" and do not show.
 */

/** What makes a spreadsheet read a cell as a formula, after any quotes already there. */
const FORMULA_START = /^'*[=+\-@\t\r]/;

/** A quote written in front by {@link spreadsheetSafeCell}, and what it protects. */
const PROTECTED_FORMULA = /^'+[=+\-@\t\r]/;

/**
 * The cell as a CSV for spreadsheets should hold it: one `'` put in front of a cell that a
 * spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab, carriage return), and in
 * front of one that already starts with quotes before such a character, so that
 * {@link readSpreadsheetSafeCell} gives back exactly the cell written. Others are unchanged.
 */
export function spreadsheetSafeCell(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/**
 * The cell as it was before {@link spreadsheetSafeCell}: one leading `'` taken off where
 * quotes lead to a formula character (`'=SUM(1)` → `=SUM(1)`, `''=x` → `'=x`). A file that
 * went through a spreadsheet, or was written by hand with the same rule, reads the same way;
 * any other cell, a leading quote included (`'Tis`), is kept as it is.
 */
export function readSpreadsheetSafeCell(cell: string): string {
  return PROTECTED_FORMULA.test(cell) ? cell.slice(1) : cell;
}
