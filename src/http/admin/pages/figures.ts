import type { CsvCell } from '../../../domain/csv-cells.js';
import type { ColumnKind } from '../report-tables.js';

/** A count with thousands separators: `12,345`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A fraction as a percentage with two decimals (`0.25%`); a dash when there is none. */
export function formatRate(rate: number | null): string {
  return rate === null ? '–' : `${(rate * 100).toFixed(2)}%`;
}

/** Seconds as `1 h 02 min`, `4 min 05 s` or `12 s`. */
export function formatSeconds(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}

/** A cell's raw value as the page shows it. */
export function formatCell(value: CsvCell, kind: ColumnKind): string {
  if (value === null) return '–';
  if (typeof value === 'string') return kind === 'time' ? `${value.slice(11, 19)} UTC` : value;
  if (kind === 'rate') return formatRate(value);
  if (kind === 'seconds') return formatSeconds(value);
  return formatCount(value);
}
