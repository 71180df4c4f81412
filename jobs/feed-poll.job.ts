import type { Job } from 'bullmq';
import { InputError } from '../src/services/input-error.js';
import type { FeedPollContext } from '../src/services/stories/index.js';
import { pollFeed } from '../src/services/stories/index.js';
import type { PollFeedWork } from './feed-scheduler.js';

/**
 * Polls the job's feed. A failure worth retrying (a timeout, a 5xx, XML cut short or not
 * well-formed, an HTML page in its place) throws, so BullMQ tries again with backoff; the feed
 * already shows the error. One that waiting will not mend (a 404, a private address, every
 * item rejected) completes, failed on the feed, until its next turn. A feed removed
 * meanwhile is nothing to do.
 */
export function createFeedPollProcessor(ctx: FeedPollContext) {
  return async (job: Job<PollFeedWork>) => {
    try {
      const report = await pollFeed(ctx, job.data.feedId);
      if (report.status === 'failed' && report.retryable) throw new Error(report.error);
      return report;
    } catch (error) {
      if (error instanceof InputError && error.problem === 'not-found') return null;
      throw error;
    }
  };
}
