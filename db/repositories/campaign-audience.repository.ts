import type { Reader } from '../../src/domain/reader.js';
import type { StoredStory } from '../../src/domain/stored-story.js';
import { chunk } from '../chunk.js';
import type { Db } from '../connection.js';
import { toIso } from '../mappers.js';
import { toReader } from './reader.repository.js';
import { toStoredStory } from './story.repository.js';

/**
 * Readers who may be in a campaign's audience at all: active, marketing consent on record
 * (with where and when), plan prospect, free or trial, signed up in the window. Access,
 * topics, interests and domains are decided by the caller.
 */
export async function findConsentingReaders(
  db: Db,
  filter: {
    plans: readonly ('prospect' | 'free' | 'trial')[];
    signedUpAfter: Date | null;
    signedUpBefore: Date | null;
  },
): Promise<Reader[]> {
  let query = db
    .selectFrom('subscribers')
    .selectAll()
    .where('status', '=', 'active')
    .where('marketing_consent', '=', 1)
    .where('consent_source', 'is not', null)
    .where('consent_at', 'is not', null)
    .where('plan', 'in', filter.plans)
    .orderBy('id');
  if (filter.signedUpAfter) query = query.where('created_at', '>=', toIso(filter.signedUpAfter));
  if (filter.signedUpBefore) query = query.where('created_at', '<', toIso(filter.signedUpBefore));
  return (await query.execute()).map(toReader);
}

/** Readers following at least one of the topics. */
export async function findReadersFollowing(
  db: Db,
  topicIds: readonly number[],
): Promise<Set<number>> {
  if (topicIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('subscriptions')
    .select('subscriber_id')
    .distinct()
    .where('topic_id', 'in', topicIds)
    .execute();
  return new Set(rows.map((r) => r.subscriber_id));
}

/** Stories some reader was sent (their match went into a digest or alert), by internal id. */
export async function findSentStoryIds(db: Db): Promise<number[]> {
  const rows = await db
    .selectFrom('matches')
    .select('story_id')
    .distinct()
    .where('digest_id', 'is not', null)
    .execute();
  return rows.map((r) => r.story_id);
}

/** Readers who were sent at least one of the stories. */
export async function findReadersSentStories(
  db: Db,
  storyIds: readonly number[],
): Promise<Set<number>> {
  const readers = new Set<number>();
  for (const ids of chunk(storyIds, 1000)) {
    const rows = await db
      .selectFrom('matches')
      .select('subscriber_id')
      .distinct()
      .where('digest_id', 'is not', null)
      .where('story_id', 'in', ids)
      .execute();
    for (const row of rows) readers.add(row.subscriber_id);
  }
  return readers;
}

/** Consent as a form or an import records it: on, with where and when. */
export async function recordMarketingConsent(
  db: Db,
  email: string,
  consent: { source: string; at: Date } | null,
  now: Date,
): Promise<void> {
  await db
    .updateTable('subscribers')
    .set({
      marketing_consent: consent ? 1 : 0,
      consent_source: consent?.source ?? null,
      consent_at: consent ? toIso(consent.at) : null,
      updated_at: toIso(now),
    })
    .where('email', '=', email)
    .execute();
}

/** Readers by id; an id with no reader (removed meanwhile) is absent from the map. */
export async function findReadersByIds(
  db: Db,
  ids: readonly number[],
): Promise<Map<number, Reader>> {
  const readers = new Map<number, Reader>();
  for (const part of chunk([...new Set(ids)], 1000)) {
    const rows = await db.selectFrom('subscribers').selectAll().where('id', 'in', part).execute();
    for (const row of rows) readers.set(row.id, toReader(row));
  }
  return readers;
}

/** Stories by the publisher's ids; unknown ids are left out. */
export async function findStoriesByExternalIds(
  db: Db,
  ids: readonly string[],
): Promise<StoredStory[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('stories').selectAll().where('external_id', 'in', ids).execute();
  return rows.map(toStoredStory);
}
