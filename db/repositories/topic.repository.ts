import type { Selectable } from 'kysely';
import type { Topic } from '../../src/domain/topic.js';
import type { Db } from '../connection.js';
import { toDate, toIso } from '../mappers.js';
import type { TopicsTable } from '../schema.js';

function toTopic(row: Selectable<TopicsTable>): Topic {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    query: row.query,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

/** Inserts a topic; returns undefined when the slug is taken. */
export async function insertTopic(
  db: Db,
  topic: { slug: string; name: string; query: string },
  now: Date,
): Promise<Topic | undefined> {
  const row = await db
    .insertInto('topics')
    .values({ ...topic, created_at: toIso(now), updated_at: toIso(now) })
    .onConflict((oc) => oc.column('slug').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row && toTopic(row);
}

export async function updateTopic(
  db: Db,
  slug: string,
  changes: { name?: string; query?: string },
  now: Date,
): Promise<Topic | undefined> {
  const row = await db
    .updateTable('topics')
    .set({ ...changes, updated_at: toIso(now) })
    .where('slug', '=', slug)
    .returningAll()
    .executeTakeFirst();
  return row && toTopic(row);
}

export async function deleteTopic(db: Db, slug: string): Promise<boolean> {
  const result = await db.deleteFrom('topics').where('slug', '=', slug).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function findTopicBySlug(db: Db, slug: string): Promise<Topic | undefined> {
  const row = await db.selectFrom('topics').selectAll().where('slug', '=', slug).executeTakeFirst();
  return row && toTopic(row);
}

/** Every topic with its number of followers (active readers, paused or not). */
export async function listTopicsWithFollowers(
  db: Db,
  limit: number | null = null,
): Promise<(Topic & { followers: number })[]> {
  let query = db
    .selectFrom('topics')
    .leftJoin('subscriptions', 'subscriptions.topic_id', 'topics.id')
    .selectAll('topics')
    .select((eb) => eb.fn.count<number>('subscriptions.subscriber_id').distinct().as('followers'))
    .groupBy('topics.id')
    .orderBy('topics.slug');
  if (limit !== null) query = query.limit(limit);
  const rows = await query.execute();
  return rows.map((row) => ({ ...toTopic(row), followers: Number(row.followers) }));
}

export async function listTopics(db: Db): Promise<Topic[]> {
  return (await db.selectFrom('topics').selectAll().orderBy('slug').execute()).map(toTopic);
}
