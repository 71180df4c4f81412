import type { Selectable } from 'kysely';
import type { Feed } from '../../src/domain/feed.js';
import type { StoryAccess } from '../../src/domain/story.js';
import type { Db } from '../connection.js';
import { fromJson, toDate, toDateOrNull, toIso } from '../mappers.js';
import type { FeedsTable } from '../schema.js';

function toFeed(row: Selectable<FeedsTable>): Feed {
  return {
    id: row.id,
    url: row.url,
    everyMs: row.every_ms,
    section: row.section,
    access: row.access,
    tags: fromJson<string[]>(row.tags),
    etag: row.etag,
    lastModified: row.last_modified,
    lastPolledAt: toDateOrNull(row.last_polled_at),
    lastSuccessAt: toDateOrNull(row.last_success_at),
    lastError: row.last_error,
    lastErrorAt: toDateOrNull(row.last_error_at),
    createdAt: toDate(row.created_at),
  };
}

export interface NewFeed {
  url: string;
  everyMs: number;
  section: string | null;
  access: StoryAccess;
  tags: string[];
}

/** Adds a feed; undefined when one with this URL exists. */
export async function insertFeed(db: Db, feed: NewFeed, now: Date): Promise<Feed | undefined> {
  const row = await db
    .insertInto('feeds')
    .values({
      url: feed.url,
      every_ms: feed.everyMs,
      section: feed.section,
      access: feed.access,
      tags: JSON.stringify(feed.tags),
      created_at: toIso(now),
    })
    .onConflict((oc) => oc.column('url').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row && toFeed(row);
}

export async function findFeed(db: Db, id: number): Promise<Feed | undefined> {
  const row = await db.selectFrom('feeds').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toFeed(row);
}

/** Feeds in the order they were added; `limit` null: all of them. */
export async function listFeeds(db: Db, limit: number | null = null): Promise<Feed[]> {
  let query = db.selectFrom('feeds').selectAll().orderBy('id');
  if (limit !== null) query = query.limit(limit);
  return (await query.execute()).map(toFeed);
}

export async function deleteFeed(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('feeds').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** A poll that got an answer: its validators kept (a 304 keeps the old ones), the error cleared. */
export async function recordFeedSuccess(
  db: Db,
  id: number,
  validators: { etag: string | null; lastModified: string | null } | null,
  now: Date,
): Promise<void> {
  await db
    .updateTable('feeds')
    .set({
      ...(validators ? { etag: validators.etag, last_modified: validators.lastModified } : {}),
      last_polled_at: toIso(now),
      last_success_at: toIso(now),
      last_error: null,
      last_error_at: null,
    })
    .where('id', '=', id)
    .execute();
}

export async function recordFeedFailure(
  db: Db,
  id: number,
  error: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('feeds')
    .set({ last_polled_at: toIso(now), last_error: error, last_error_at: toIso(now) })
    .where('id', '=', id)
    .execute();
}
