/*
 * Reading values that SQLite and PostgreSQL return in different shapes. Every repository maps
 * its rows through these, so the rest of the code sees one shape.
 */

/** A timestamp column (ISO text in SQLite, Date in PostgreSQL) as a Date. */
export function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

export function toDateOrNull(value: Date | string | null): Date | null {
  return value === null ? null : toDate(value);
}

/** A boolean column (0/1 in SQLite, boolean in PostgreSQL). */
export function toBoolean(value: number | boolean): boolean {
  return value === true || value === 1;
}

/** A JSON column (text in SQLite, parsed jsonb in PostgreSQL). */
export function fromJson<T>(value: string | T): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** The write form of a timestamp: ISO text, accepted by both dialects. */
export function toIso(date: Date): string {
  return date.toISOString();
}

/** The write form of a boolean: 0/1, accepted by both dialects. */
export function toBit(value: boolean): number {
  return value ? 1 : 0;
}
