import type { Queue } from 'bullmq';
import type { Db } from '../db/connection.js';
import { listFeeds } from '../db/repositories/feed.repository.js';
import type { FeedSchedule } from '../src/services/stories/index.js';
import { JOB } from './queue-names.js';

/** A feed's job scheduler id: one per feed, so re-adding it at every start is harmless. */
export const feedSchedulerId = (feedId: number) => `feed.${feedId}`;

/** The payload of a feed poll: the feed's id; the job re-reads the feed. */
export interface PollFeedWork {
  feedId: number;
}

/**
 * Each feed is polled by a BullMQ job scheduler of its own on the feeds queue. A failed poll
 * is retried with backoff (a timeout, a 503), and the scheduler polls again at the next turn
 * whatever happened.
 */
export function createFeedSchedule(feedsQueue: Queue): FeedSchedule {
  return {
    async schedule(feed) {
      await feedsQueue.upsertJobScheduler(
        feedSchedulerId(feed.id),
        { every: feed.everyMs },
        {
          name: JOB.pollFeed,
          data: { feedId: feed.id } satisfies PollFeedWork,
          opts: {
            attempts: 3,
            backoff: { type: 'exponential', delay: 30_000 },
            removeOnComplete: true,
            removeOnFail: { count: 100 },
          },
        },
      );
    },
    async unschedule(feedId) {
      await feedsQueue.removeJobScheduler(feedSchedulerId(feedId));
    },
  };
}

/**
 * Gives every feed that has no job scheduler in Redis its scheduler again (Redis restarted
 * empty, a failover). Feeds that have one are left alone: upserting would move their next run.
 */
export async function ensureFeedSchedulers(db: Db, feedsQueue: Queue): Promise<number> {
  const schedule = createFeedSchedule(feedsQueue);
  let restored = 0;
  for (const feed of await listFeeds(db)) {
    if (await feedsQueue.getJobScheduler(feedSchedulerId(feed.id))) continue;
    await schedule.schedule(feed);
    restored++;
  }
  return restored;
}
