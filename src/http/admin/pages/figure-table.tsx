import type { ReactNode } from 'react';
import type { ReportTable } from '../report-tables.js';
import { formatCell } from './figures.js';

export interface FigureTableProps {
  table: ReportTable;
  /** Where its CSV is downloaded from. */
  csvHref: string;
  /** A link for a row's first cell (a campaign's own page), or none. */
  linkOf?: (row: ReportTable['rows'][number]) => string | null;
}

/** A report's figures as a table (the first column names the row), and its CSV download. */
export function FigureTable({ table, csvHref, linkOf }: FigureTableProps) {
  return (
    <div className="figures">
      <div className="scroll">
        <table>
          <caption>{table.caption}</caption>
          <thead>
            <tr>
              {table.columns.map((column) => (
                <th key={column.header} scope="col" className={column.kind === 'text' ? '' : 'num'}>
                  {column.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.length === 0 ? (
              <tr>
                <td colSpan={table.columns.length}>Nothing yet.</td>
              </tr>
            ) : (
              table.rows.map((row, r) => (
                // Rows are listed once, in a fixed order: their position is their identity.
                // biome-ignore lint/suspicious/noArrayIndexKey: see above
                <tr key={r}>
                  {row.map((value, c) => {
                    const column = table.columns[c] ?? { header: '', kind: 'text' as const };
                    let shown: ReactNode = formatCell(value, column.kind);
                    const href = c === 0 ? (linkOf?.(row) ?? null) : null;
                    if (href) shown = <a href={href}>{shown}</a>;
                    const className = column.kind === 'text' ? undefined : 'num';
                    return c === 0 ? (
                      <th key={column.header} scope="row" className={className}>
                        {shown}
                      </th>
                    ) : (
                      <td key={column.header} className={className}>
                        {shown}
                      </td>
                    );
                  })}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <p className="small">
        <a href={csvHref} download={`${table.name}.csv`}>
          Download “{table.caption}” as CSV
        </a>
      </p>
    </div>
  );
}
