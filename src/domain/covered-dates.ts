import { DateTime } from 'luxon';

/** The first and last local dates (`yyyy-MM-dd`) a digest speaks for, in the reader's zone. */
export interface CoveredDates {
  first: string;
  last: string;
}

/** A period up to this long (a day, or one across a DST change) is named by one date. */
const ONE_DAY_AT_MOST_MS = 26 * 3_600_000;

/**
 * The local dates a digest's heading must name. A daily digest is named by the date it is
 * sent for (the 07:00 digest of the 28th, though its period began at 07:00 on the 27th); a
 * longer period by its first and last dates (its end is exclusive). A story outside the
 * period widens the range: a digest built late (after downtime) holds stories from after
 * its period, a story matched late may predate it, and the heading covers them rather than
 * the stories contradicting the heading. Unreadable dates are skipped; null when nothing is
 * readable or the zone is unknown.
 */
export function findCoveredDates(
  period: { start: string; end: string },
  publishedAt: readonly string[],
  zone: string,
): CoveredDates | null {
  const start = DateTime.fromISO(period.start, { zone });
  // The end is exclusive: a period ending at midnight does not reach the next day.
  const last = DateTime.fromISO(period.end, { zone }).minus({ milliseconds: 1 });
  const periodValid = start.isValid && last.isValid;
  const named =
    periodValid && last.toMillis() - start.toMillis() < ONE_DAY_AT_MOST_MS ? [last] : [start, last];
  // Stories are compared as instants; only the few outside the period are read as local
  // dates (reading a date in a zone is the slow part, and most stories fall inside).
  const startMs = start.toMillis();
  const lastMs = last.toMillis();
  const outside: DateTime[] = [];
  for (const iso of publishedAt) {
    const ms = instantOf(iso, zone);
    if (Number.isNaN(ms)) continue;
    if (!periodValid || ms < startMs || ms > lastMs)
      outside.push(DateTime.fromMillis(ms, { zone }));
  }
  const dates = [...named, ...outside]
    .filter((instant) => instant.isValid)
    .map((instant) => instant.toISODate() as string)
    .sort();
  const first = dates[0];
  const lastDate = dates.at(-1);
  return first !== undefined && lastDate !== undefined ? { first, last: lastDate } : null;
}

/**
 * Milliseconds since the epoch of an ISO 8601 time, a time without an offset read in `zone`;
 * NaN if unreadable. `setZone` keeps a written offset as a fixed zone: no zone rules consulted.
 */
function instantOf(iso: string, zone: string): number {
  const parsed = DateTime.fromISO(iso, { zone, setZone: true });
  return parsed.isValid ? parsed.toMillis() : Number.NaN;
}
