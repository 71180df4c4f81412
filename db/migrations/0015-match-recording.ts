import { type Kysely, sql } from 'kysely';

/**
 * Indexes for recording a story's matches in one statement.
 *
 * - `subscriptions_live_by_topic` holds every column the recording reads of a topic's
 *   subscriptions, so the readers of the topics a story matched come from the index alone,
 *   never from the table. Without it SQLite took `subscriptions_due (paused, …)` for
 *   `topic_id in (…) and paused = 0` and walked every unpaused subscription for each story.
 * - `matches_story` finds one story's matches (a match job run again, a story deleted): each
 *   story's rows go in at its end, so keeping it costs little.
 * - `matches_pending (subscriber_id, digest_id)` goes: the unique key leads with the reader,
 *   and their unclaimed matches have `matches_unclaimed`. It was one more index each match
 *   row had to be filed into, in reader order, which is no order at all for one story's rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('subscriptions_live_by_topic')
    .on('subscriptions')
    .columns(['topic_id', 'paused', 'subscriber_id', 'cadence', 'id'])
    .where(sql.ref('topic_id'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('matches_story')
    .on('matches')
    .columns(['story_id', 'revision'])
    .execute();
  await db.schema.dropIndex('matches_pending').ifExists().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('matches_pending')
    .ifNotExists()
    .on('matches')
    .columns(['subscriber_id', 'digest_id'])
    .execute();
  await db.schema.dropIndex('matches_story').execute();
  await db.schema.dropIndex('subscriptions_live_by_topic').execute();
}
