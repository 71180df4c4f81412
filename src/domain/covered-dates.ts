import { DateTime } from 'luxon';

/** The first and last local dates (`yyyy-MM-dd`) a digest speaks for, in the reader's zone. */
export interface CoveredDates {
  first: string;
  last: string;
}

/**
 * The local dates a digest's heading must name: those of its period (start inclusive, end
 * exclusive), widened to the publication dates of the stories it holds. A digest built late
 * (after downtime) holds stories from after its period, and a story matched late may predate
 * it; the heading covers them rather than the stories contradicting the heading.
 * Unreadable dates are skipped; null when nothing is readable or the zone is unknown.
 */
export function findCoveredDates(
  period: { start: string; end: string },
  publishedAt: readonly string[],
  zone: string,
): CoveredDates | null {
  const instants = [
    DateTime.fromISO(period.start, { zone }),
    // The end is exclusive: a period ending at midnight does not reach the next day.
    DateTime.fromISO(period.end, { zone }).minus({ milliseconds: 1 }),
    ...publishedAt.map((iso) => DateTime.fromISO(iso, { zone })),
  ];
  const dates = instants
    .filter((instant) => instant.isValid)
    .map((instant) => instant.toISODate() as string)
    .sort();
  const first = dates[0];
  const last = dates.at(-1);
  return first !== undefined && last !== undefined ? { first, last } : null;
}
