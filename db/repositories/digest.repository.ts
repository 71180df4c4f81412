import type { Selectable } from 'kysely';
import type { Digest } from '../../src/domain/digest.js';
import type { Cadence } from '../../src/domain/subscription.js';
import { chunk } from '../chunk.js';
import type { Db } from '../connection.js';
import { toDate, toDateOrNull, toIso } from '../mappers.js';
import { reusableQuery } from '../reusable-query.js';
import type { DigestsTable } from '../schema.js';
import { isActiveReader } from './active-reader-filter.js';

function toDigest(row: Selectable<DigestsTable>): Digest {
  return {
    id: row.id,
    readerId: row.subscriber_id,
    cadence: row.cadence,
    periodKey: row.period_key,
    periodStart: toDate(row.period_start),
    periodEnd: toDate(row.period_end),
    storyCount: row.story_count,
    createdAt: toDate(row.created_at),
    builtAt: toDateOrNull(row.built_at),
  };
}

/** A reader's digest for one cadence and period: what names it and what it covers. */
export interface DigestPeriodRow {
  readerId: number;
  cadence: Cadence;
  periodKey: string;
  periodStart: Date;
  periodEnd: Date;
}

/**
 * Records digests as owed (due, not yet built), many rows a statement; a digest recorded
 * already is left as it is. Written before the readers' next send times move on, so that a
 * digest whose build is lost is still known.
 */
export async function insertOwedDigests(
  db: Db,
  digests: readonly DigestPeriodRow[],
  now: Date,
): Promise<void> {
  const createdAt = toIso(now);
  // 7 values a row: well under SQLite's bound-parameter limit.
  for (const part of chunk(digests, 1000)) {
    // A reader erased since the work was handed on owes nothing (and has no row to name).
    const present = new Set(
      (
        await db
          .selectFrom('subscribers')
          .select('id')
          .where('id', 'in', [...new Set(part.map((d) => d.readerId))])
          .execute()
      ).map((r) => r.id),
    );
    const rows = part.filter((d) => present.has(d.readerId));
    if (rows.length === 0) continue;
    await db
      .insertInto('digests')
      .values(
        rows.map((d) => ({
          subscriber_id: d.readerId,
          cadence: d.cadence,
          period_key: d.periodKey,
          period_start: toIso(d.periodStart),
          period_end: toIso(d.periodEnd),
          story_count: 0,
          created_at: createdAt,
        })),
      )
      .onConflict((oc) => oc.columns(['subscriber_id', 'cadence', 'period_key']).doNothing())
      .execute();
  }
}

/** Digests still owed that were recorded at or before `before`, oldest first. */
export async function findOwedDigests(
  db: Db,
  before: Date,
  limit: number,
): Promise<DigestPeriodRow[]> {
  const rows = await db
    .selectFrom('digests')
    .select(['subscriber_id', 'cadence', 'period_key', 'period_start', 'period_end'])
    .where('built_at', 'is', null)
    .where('created_at', '<=', toIso(before))
    // A reader who left or unsubscribed is owed nothing.
    .where(isActiveReader(db, 'digests.subscriber_id'))
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    readerId: row.subscriber_id,
    cadence: row.cadence,
    periodKey: row.period_key,
    periodStart: toDate(row.period_start),
    periodEnd: toDate(row.period_end),
  }));
}

/** How many digests are owed (due, never built) to active readers. */
export async function countOwedDigests(db: Db): Promise<number> {
  const row = await db
    .selectFrom('digests')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('built_at', 'is', null)
    .where(isActiveReader(db, 'digests.subscriber_id'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * Finds the digest of a reader for a cadence and period, or creates it: the unique key makes
 * a second build of the same period a no-op. Looked up first: a scheduled digest was recorded
 * when it fell due, so the insert is only for alerts.
 */
export async function insertOrFindDigest(
  db: Db,
  digest: DigestPeriodRow,
  now: Date,
): Promise<{ digest: Digest; created: boolean }> {
  const find = async () =>
    (await digestOfPeriod(db, digest.readerId, digest.cadence, digest.periodKey)).rows[0];
  const existing = await find();
  if (existing) return { digest: toDigest(existing), created: false };
  const inserted = await db
    .insertInto('digests')
    .values({
      subscriber_id: digest.readerId,
      cadence: digest.cadence,
      period_key: digest.periodKey,
      period_start: toIso(digest.periodStart),
      period_end: toIso(digest.periodEnd),
      story_count: 0,
      created_at: toIso(now),
    })
    .onConflict((oc) => oc.columns(['subscriber_id', 'cadence', 'period_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { digest: toDigest(inserted), created: true };
  // Another build inserted it between the two statements.
  const raced = await find();
  if (!raced)
    throw new Error(`digest ${digest.readerId}/${digest.cadence}/${digest.periodKey} vanished`);
  return { digest: toDigest(raced), created: false };
}

/** Looked up by every build: built once (see {@link reusableQuery}). */
const digestOfPeriod = reusableQuery(
  (db: Db, readerId: number, cadence: Cadence, periodKey: string) =>
    db
      .selectFrom('digests')
      .selectAll()
      .where('subscriber_id', '=', readerId)
      .where('cadence', '=', cadence)
      .where('period_key', '=', periodKey),
);

export async function findDigestById(db: Db, id: number): Promise<Digest | undefined> {
  const [row] = (await digestById(db, id)).rows;
  return row && toDigest(row);
}

/** Built once (see {@link reusableQuery}). */
const digestById = reusableQuery((db: Db, id: number) =>
  db.selectFrom('digests').selectAll().where('id', '=', id),
);

/** When the reader's last non-empty alert was built: the start of the alert batching window. */
export async function findLastAlertAt(db: Db, readerId: number): Promise<Date | null> {
  const row = await db
    .selectFrom('digests')
    .select('created_at')
    .where('subscriber_id', '=', readerId)
    .where('cadence', '=', 'instant')
    .where('story_count', '>', 0)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toDate(row.created_at) : null;
}
