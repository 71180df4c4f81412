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
  const frame = framePeriod(period, zone);
  // Stories are compared as instants; only the few outside the period are read as local
  // dates (reading a date in a zone is the slow part, and most stories fall inside).
  const dates = [...frame.named];
  for (const iso of publishedAt) {
    const ms = instantOf(iso, zone);
    if (Number.isNaN(ms)) continue;
    if (!frame.valid || ms < frame.startMs || ms > frame.lastMs) {
      const local = DateTime.fromMillis(ms, { zone });
      if (local.isValid) dates.push(local.toISODate() as string);
    }
  }
  dates.sort();
  const first = dates[0];
  const lastDate = dates.at(-1);
  return first !== undefined && lastDate !== undefined ? { first, last: lastDate } : null;
}

/** A period's bounds as instants and the local dates that name it, in one zone. */
interface PeriodFrame {
  valid: boolean;
  startMs: number;
  lastMs: number;
  named: string[];
}

/** Thousands of digests of one morning share a dozen periods: each is read in its zone once. */
const frames = new Map<string, PeriodFrame>();

function framePeriod(period: { start: string; end: string }, zone: string): PeriodFrame {
  const key = `${period.start}|${period.end}|${zone}`;
  const known = frames.get(key);
  if (known) return known;
  const start = DateTime.fromISO(period.start, { zone });
  // The end is exclusive: a period ending at midnight does not reach the next day.
  const last = DateTime.fromISO(period.end, { zone }).minus({ milliseconds: 1 });
  const valid = start.isValid && last.isValid;
  const named =
    valid && last.toMillis() - start.toMillis() < ONE_DAY_AT_MOST_MS ? [last] : [start, last];
  const frame = {
    valid,
    startMs: start.toMillis(),
    lastMs: last.toMillis(),
    named: named
      .filter((instant) => instant.isValid)
      .map((instant) => instant.toISODate() as string),
  };
  if (frames.size >= 1000) frames.clear();
  frames.set(key, frame);
  return frame;
}

/** A date and time with its offset written out: `…T09:00:00Z`, `…T09:00:00.5+01:00`. */
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Milliseconds since the epoch of an ISO 8601 time, a time without an offset read in `zone`;
 * NaN if unreadable. A time with its offset written out needs no zone rules, so the common
 * form is read by Date.parse; the rest by luxon, whose `setZone` keeps a written offset as a
 * fixed zone.
 */
function instantOf(iso: string, zone: string): number {
  if (WITH_OFFSET.test(iso)) {
    const ms = Date.parse(iso);
    if (!Number.isNaN(ms)) return ms;
  }
  const parsed = DateTime.fromISO(iso, { zone, setZone: true });
  return parsed.isValid ? parsed.toMillis() : Number.NaN;
}
