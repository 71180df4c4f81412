import { chunk } from '../chunk.js';
import type { Db } from '../connection.js';

/**
 * How many readers each of these stories was matched to (once per reader, whatever the
 * revision). The matches table has no index by story alone: this reads it whole, which an
 * administrator's listing can afford and the match path's writes are spared.
 */
export async function countMatchesByStory(
  db: Db,
  storyIds: readonly number[],
): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for (const part of chunk(storyIds, 5000)) {
    const rows = await db
      .selectFrom('matches')
      .select(['story_id', (eb) => eb.fn.count<number>('subscriber_id').distinct().as('readers')])
      .where('story_id', 'in', part)
      .groupBy('story_id')
      .execute();
    for (const row of rows) counts.set(row.story_id, Number(row.readers));
  }
  return counts;
}

/** How many readers follow a topic, and how many subscriptions that is. */
export async function countTopicFollowers(
  db: Db,
  topicId: number,
): Promise<{ readers: number; subscriptions: number }> {
  const row = await db
    .selectFrom('subscriptions')
    .select((eb) => [
      eb.fn.count<number>('subscriber_id').distinct().as('readers'),
      eb.fn.countAll<number>().as('subscriptions'),
    ])
    .where('topic_id', '=', topicId)
    .executeTakeFirst();
  return { readers: Number(row?.readers ?? 0), subscriptions: Number(row?.subscriptions ?? 0) };
}
