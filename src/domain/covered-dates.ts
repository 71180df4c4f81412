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
  const named =
    start.isValid && last.isValid && last.toMillis() - start.toMillis() < ONE_DAY_AT_MOST_MS
      ? [last]
      : [start, last];
  const inside = (instant: DateTime) =>
    start.isValid && last.isValid && instant >= start && instant <= last;
  const outside = publishedAt
    .map((iso) => DateTime.fromISO(iso, { zone }))
    .filter((instant) => instant.isValid && !inside(instant));
  const dates = [...named, ...outside]
    .filter((instant) => instant.isValid)
    .map((instant) => instant.toISODate() as string)
    .sort();
  const first = dates[0];
  const lastDate = dates.at(-1);
  return first !== undefined && lastDate !== undefined ? { first, last: lastDate } : null;
}
