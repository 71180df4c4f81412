import type { Selectable } from 'kysely';
import type { Digest } from '../../src/domain/digest.js';
import type { Cadence } from '../../src/domain/subscription.js';
import type { Db } from '../connection.js';
import { toDate, toIso } from '../mappers.js';
import type { DigestsTable } from '../schema.js';

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
  };
}

/**
 * Creates the digest of a reader for a cadence and period, or finds the one that exists: the
 * unique key makes a second build of the same period a no-op.
 */
export async function insertOrFindDigest(
  db: Db,
  digest: {
    readerId: number;
    cadence: Cadence;
    periodKey: string;
    periodStart: Date;
    periodEnd: Date;
  },
  now: Date,
): Promise<{ digest: Digest; created: boolean }> {
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
  const existing = await db
    .selectFrom('digests')
    .selectAll()
    .where('subscriber_id', '=', digest.readerId)
    .where('cadence', '=', digest.cadence)
    .where('period_key', '=', digest.periodKey)
    .executeTakeFirstOrThrow();
  return { digest: toDigest(existing), created: false };
}

export async function setDigestStoryCount(db: Db, id: number, count: number): Promise<void> {
  await db.updateTable('digests').set({ story_count: count }).where('id', '=', id).execute();
}

export async function findDigestById(db: Db, id: number): Promise<Digest | undefined> {
  const row = await db.selectFrom('digests').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toDigest(row);
}

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
