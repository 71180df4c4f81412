import type { Selectable } from 'kysely';
import type { StoredStory } from '../../src/domain/stored-story.js';
import type { Db } from '../connection.js';
import { fromJson, toDate, toIso } from '../mappers.js';
import type { StoriesTable } from '../schema.js';

export function toStoredStory(row: Selectable<StoriesTable>): StoredStory {
  return {
    id: row.id,
    externalId: row.external_id,
    url: row.url,
    headline: row.headline,
    summary: row.summary,
    body: row.body,
    section: row.section,
    tags: fromJson<string[]>(row.tags),
    publishedAt: toDate(row.published_at),
    access: row.access,
    revision: row.revision,
    matchedRevision: row.matched_revision,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

export async function findStoryById(db: Db, id: number): Promise<StoredStory | undefined> {
  const row = await db.selectFrom('stories').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toStoredStory(row);
}

export async function findStoriesByIds(db: Db, ids: readonly number[]): Promise<StoredStory[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('stories').selectAll().where('id', 'in', ids).execute();
  return rows.map(toStoredStory);
}

/** Newest first; `since` bounds publishedAt from below; no `limit` (or null): all of them. */
export async function listStories(
  db: Db,
  options: { since?: Date; limit?: number | null } = {},
): Promise<StoredStory[]> {
  let query = db
    .selectFrom('stories')
    .selectAll()
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc');
  if (options.since) query = query.where('published_at', '>=', toIso(options.since));
  if (options.limit) query = query.limit(options.limit);
  return (await query.execute()).map(toStoredStory);
}

/** How many stories {@link listStories} would list without a limit. */
export async function countStories(db: Db, options: { since?: Date } = {}): Promise<number> {
  let query = db.selectFrom('stories').select((eb) => eb.fn.countAll<number>().as('count'));
  if (options.since) query = query.where('published_at', '>=', toIso(options.since));
  return Number((await query.executeTakeFirstOrThrow()).count);
}

/** Stories whose current revision has not been matched yet (a lost or pending match job). */
export async function findStoriesOwingMatch(db: Db, limit = 500): Promise<StoredStory[]> {
  const rows = await db
    .selectFrom('stories')
    .selectAll()
    .whereRef('matched_revision', '<', 'revision')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toStoredStory);
}

/** Records that a revision was matched; never moves backwards. */
export async function markStoryMatched(db: Db, id: number, revision: number): Promise<void> {
  await db
    .updateTable('stories')
    .set({ matched_revision: revision })
    .where('id', '=', id)
    .where('matched_revision', '<', revision)
    .execute();
}
