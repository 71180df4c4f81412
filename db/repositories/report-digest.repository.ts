import { sql } from 'kysely';
import type { Db } from '../connection.js';
import { toDate, toIso } from '../mappers.js';
import { dayOf, type StatsWindow } from './delivery-stats.repository.js';

/*
 * The digest runs: per UTC day, the scheduled digests that fell due (daily and weekly; alerts
 * are not a morning's run) and what became of their emails. Deliveries are counted as rows,
 * never through their reader, so an erased reader's mail still counts. Each query walks an
 * index on its time column alone (digests_made, deliveries_made).
 */

/** One day's digest emails by outcome, and its first and last send. */
export interface DigestDayCounts {
  queued: number;
  sending: number;
  sent: number;
  failed: number;
  suppressed: number;
  firstSentAt: Date | null;
  lastSentAt: Date | null;
}

/** Digests (daily and weekly) made in the window, per UTC day: each one fell due then. */
export async function countDigestsDueByDay(
  db: Db,
  window: StatsWindow,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('digests as g')
    .select([dayOf(db, 'g.created_at').as('day'), sql<number>`count(*)`.as('n')])
    .where('g.created_at', '>=', toIso(window.since))
    .where('g.created_at', '<', toIso(window.until))
    .where('g.cadence', 'in', ['daily', 'weekly'])
    .groupBy(dayOf(db, 'g.created_at'))
    .execute();
  return new Map(rows.map((row) => [row.day, Number(row.n)]));
}

/** Digest emails (kind `digest`) made in the window, per UTC day, by status. */
export async function countDigestDeliveriesByDay(
  db: Db,
  window: StatsWindow,
): Promise<Map<string, DigestDayCounts>> {
  const rows = await db
    .selectFrom('deliveries as d')
    .select([
      dayOf(db, 'd.created_at').as('day'),
      'd.status',
      sql<number>`count(*)`.as('n'),
      sql<Date | string | null>`min(d.sent_at)`.as('first'),
      sql<Date | string | null>`max(d.sent_at)`.as('last'),
    ])
    .where('d.kind', '=', 'digest')
    .where('d.created_at', '>=', toIso(window.since))
    .where('d.created_at', '<', toIso(window.until))
    .groupBy([dayOf(db, 'd.created_at'), 'd.status'])
    .execute();
  const days = new Map<string, DigestDayCounts>();
  for (const row of rows) {
    const day = days.get(row.day) ?? {
      queued: 0,
      sending: 0,
      sent: 0,
      failed: 0,
      suppressed: 0,
      firstSentAt: null,
      lastSentAt: null,
    };
    day[row.status] += Number(row.n);
    const first = row.first === null ? null : toDate(row.first);
    const last = row.last === null ? null : toDate(row.last);
    if (first && (!day.firstSentAt || first < day.firstSentAt)) day.firstSentAt = first;
    if (last && (!day.lastSentAt || last > day.lastSentAt)) day.lastSentAt = last;
    days.set(row.day, day);
  }
  return days;
}
