import {
  countDeliveriesInStatus,
  findQueuedDigestDeliveries,
} from '../../../db/repositories/delivery.repository.js';
import { countOwedDigests } from '../../../db/repositories/digest.repository.js';
import { findAllStoriesToMatch } from '../../../db/repositories/match.repository.js';
import type { FlowContext } from '../context.js';
import { DIGEST_GROUP_SIZE } from './schedule-tick.service.js';

/** What a run found left over from before it: work a stopped process or no process left. */
export interface WaitingWork {
  /** Stories stored and never matched: published while no worker ran, or a lost match job. */
  storiesToMatch: number;
  /** Digests and alerts built and left `queued`: a run killed half-way, a worker gone. */
  deliveriesQueued: number;
  /** Digests fallen due and never built (owed); the tick hands them on. */
  digestsOwed: number;
  /**
   * Deliveries `sending` when the run began: in flight in another process, or left by one that
   * stopped mid-send. Never sent again here; whatever is still `sending` when the run ends has
   * an unknown outcome.
   */
  deliveriesSending: number;
}

/**
 * For `bulletin digests run`, before its first tick: hands on every story waiting to be matched
 * and every digest or alert delivery left `queued`, at once rather than after the workers'
 * sweep (which waits two minutes, in case a send job is merely slow). A delivery a live worker
 * is sending meanwhile is safe: the `queued -> sending` claim lets one sender have it.
 *
 * The work queue matches before it builds, so the digests of the run hold these stories. The
 * owed digests are counted here and handed on by the tick.
 */
export async function handOnWaitingWork(ctx: FlowContext): Promise<WaitingWork> {
  const stories = await findAllStoriesToMatch(ctx.db);
  const works = stories.map((story) => ({ storyId: story.id, revision: story.revision }));
  if (ctx.queue.matchStories) await ctx.queue.matchStories(works);
  else for (const work of works) await ctx.queue.matchStory(work);
  const queued = await findQueuedDigestDeliveries(ctx.db);
  if (ctx.queue.sendDeliveries)
    for (let i = 0; i < queued.length; i += DIGEST_GROUP_SIZE)
      await ctx.queue.sendDeliveries({ deliveryIds: queued.slice(i, i + DIGEST_GROUP_SIZE) });
  else for (const deliveryId of queued) await ctx.queue.sendDelivery({ deliveryId });
  const waiting: WaitingWork = {
    storiesToMatch: stories.length,
    deliveriesQueued: queued.length,
    digestsOwed: await countOwedDigests(ctx.db),
    deliveriesSending: await countDeliveriesInStatus(ctx.db, 'sending'),
  };
  if (waiting.storiesToMatch + waiting.deliveriesQueued + waiting.digestsOwed > 0)
    ctx.log.info({ event: 'run.waiting_work', ...waiting });
  return waiting;
}
