/** What the digest benchmark asks of the database: who has a digest waiting, what is due, what was sent. */
import type { Db } from '../db/connection.js';
import { toDate, toIso } from '../db/mappers.js';

export async function pendingDailyReaders(db: Db): Promise<number> {
  const row = await db
    .selectFrom('matches')
    .select((eb) => eb.fn.count('subscriber_id').distinct().as('n'))
    .where('cadence', '=', 'daily')
    .where('digest_id', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Stories per digest waiting: mean, median and most. */
export async function digestSizes(
  db: Db,
): Promise<{ mean: number; median: number; max: number; text: string }> {
  const rows = await db
    .selectFrom('matches')
    .select((eb) => ['subscriber_id', eb.fn.countAll().as('n')])
    .where('cadence', '=', 'daily')
    .where('digest_id', 'is', null)
    .groupBy('subscriber_id')
    .execute();
  const counts = rows.map((r) => Number(r.n)).sort((a, b) => a - b);
  if (counts.length === 0) return { mean: 0, median: 0, max: 0, text: 'no stories' };
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
  const median = counts[counts.length >> 1] as number;
  const max = counts.at(-1) as number;
  return {
    mean,
    median,
    max,
    text: `stories per digest: mean ${mean.toFixed(1)}, median ${median}, max ${max}`,
  };
}

export async function dueInstants(db: Db): Promise<Date[]> {
  const rows = await db
    .selectFrom('subscriptions')
    .select('next_due_at')
    .distinct()
    .where('cadence', '=', 'daily')
    .where('next_due_at', 'is not', null)
    .execute();
  return rows
    .map((r) => toDate(r.next_due_at as Date | string))
    .sort((a, b) => a.getTime() - b.getTime());
}

export async function dueSubscriptions(db: Db, at: Date): Promise<number> {
  const row = await db
    .selectFrom('subscriptions')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('cadence', '!=', 'instant')
    .where('paused', '=', 0)
    .where('next_due_at', '<=', toIso(at))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function deliveryStatuses(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('deliveries')
    .select((eb) => ['status', eb.fn.countAll().as('n')])
    .where('kind', '=', 'digest')
    .groupBy('status')
    .execute();
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}
