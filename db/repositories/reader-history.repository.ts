import type { Cadence } from '../../src/domain/subscription.js';
import type { Db } from '../connection.js';
import { toDate } from '../mappers.js';

/** A digest as a reader's history lists it. */
export interface DigestSummary {
  id: number;
  cadence: Cadence;
  periodKey: string;
  storyCount: number;
  createdAt: Date;
}

/** A reader's latest digests and alerts, newest first. */
export async function findLatestDigestsOfReader(
  db: Db,
  readerId: number,
  limit: number,
): Promise<DigestSummary[]> {
  const rows = await db
    .selectFrom('digests')
    .select(['id', 'cadence', 'period_key', 'story_count', 'created_at'])
    .where('subscriber_id', '=', readerId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    cadence: row.cadence,
    periodKey: row.period_key,
    storyCount: row.story_count,
    createdAt: toDate(row.created_at),
  }));
}
