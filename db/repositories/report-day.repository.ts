import type { Db } from '../connection.js';
import { toIso } from '../mappers.js';

/*
 * Closed days' figures of the reports (`report_days`): one JSON object per series and UTC day,
 * written once the day can no longer change and read back instead of counting its rows.
 */

/** The kept figures of these days of a series, by day (JSON text as written). */
export async function findKeptDays(
  db: Db,
  series: string,
  days: readonly string[],
): Promise<Map<string, string>> {
  if (days.length === 0) return new Map();
  const rows = await db
    .selectFrom('report_days')
    .select(['day', 'figures'])
    .where('series', '=', series)
    .where('day', '>=', days[0] as string)
    .where('day', '<=', days[days.length - 1] as string)
    .execute();
  return new Map(rows.map((row) => [row.day, row.figures]));
}

/** Keeps days' figures; a day kept already (by a report running at once) is left as it is. */
export async function keepDays(
  db: Db,
  series: string,
  figures: ReadonlyMap<string, string>,
  now: Date,
): Promise<void> {
  if (figures.size === 0) return;
  await db
    .insertInto('report_days')
    .values(
      [...figures].map(([day, json]) => ({ series, day, figures: json, kept_at: toIso(now) })),
    )
    .onConflict((oc) => oc.columns(['series', 'day']).doNothing())
    .execute();
}
