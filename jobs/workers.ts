import { type ConnectionOptions, Worker } from 'bullmq';
import { createFeedFetcher } from '../src/adapters/feed-fetcher.js';
import { createThrottledWarn, type Logger } from '../src/adapters/logger.js';
import { maskUrlPassword } from '../src/config/redact.js';
import type { CampaignQueue } from '../src/services/campaigns/index.js';
import type { FlowContext, SendContext } from '../src/services/context.js';
import type { RuleCatalog } from '../src/services/topics/index.js';
import { startCampaignWorker } from './campaign-worker.js';
import { createFeedPollProcessor } from './feed-poll.job.js';
import {
  createDigestProcessor,
  createIngestProcessor,
  createScheduleProcessor,
  createSendProcessor,
} from './processors.js';
import { bullPrefix, QUEUE } from './queue-names.js';
import { MAX_STALLED_RETURNS } from './worker-options.js';

export interface RunningWorkers {
  workers: Worker[];
  /** Stops taking jobs and waits for the running ones to finish. */
  close(): Promise<void>;
}

/**
 * Starts a worker for every queue. Sends are rate-limited to SEND_RATE per second across all
 * processes (BullMQ's limiter lives in Redis).
 */
export function startWorkers(
  connection: ConnectionOptions,
  ctx: FlowContext & SendContext,
  catalog: RuleCatalog,
  log: Logger,
  /** Given, campaign steps and invitations are worked too, on their own queue. */
  campaigns?: CampaignQueue,
): RunningWorkers {
  const prefix = bullPrefix(ctx.settings.queuePrefix);
  const warnOnce = createThrottledWarn(log);
  const base = { connection, prefix, autorun: true, maxStalledCount: MAX_STALLED_RETURNS };
  const feedFetcher = createFeedFetcher({ allowPrivate: ctx.settings.feedsAllowPrivate });
  const workers = [
    new Worker(QUEUE.ingest, createIngestProcessor(ctx, catalog), {
      ...base,
      concurrency: ctx.settings.concurrency.ingest,
    }),
    new Worker(QUEUE.digest, createDigestProcessor(ctx), {
      ...base,
      concurrency: ctx.settings.concurrency.digest,
    }),
    new Worker(QUEUE.send, createSendProcessor(ctx), {
      ...base,
      concurrency: ctx.settings.concurrency.send,
      limiter: { max: Math.max(1, Math.round(ctx.settings.sendRate)), duration: 1000 },
    }),
    new Worker(QUEUE.schedule, createScheduleProcessor(ctx), { ...base, concurrency: 1 }),
    // Each poll is bounded in time and size: a slow feed holds one slot, never the others.
    new Worker(QUEUE.feeds, createFeedPollProcessor({ ...ctx, fetcher: feedFetcher }), {
      ...base,
      concurrency: 4,
    }),
  ];
  for (const worker of workers) {
    worker.on('failed', (job, error) =>
      log.warn({
        event: 'job.failed',
        queue: worker.name,
        job: job?.id,
        attempts: job?.attemptsMade,
        // A feed's URL in the message may carry a password.
        error: maskUrlPassword(error.message),
      }),
    );
    // A lost Redis connection reports every reconnection attempt: one line per outage.
    worker.on('error', (error) =>
      warnOnce(`worker.${worker.name}`, {
        event: 'worker.error',
        queue: worker.name,
        error: error.message,
      }),
    );
  }
  const campaignWorker =
    campaigns &&
    startCampaignWorker(
      connection,
      { ...ctx, campaigns },
      { concurrency: ctx.settings.concurrency.send },
      log,
    );
  return {
    workers: campaignWorker ? [...workers, campaignWorker.worker] : workers,
    async close() {
      await Promise.all([...workers.map((w) => w.close()), campaignWorker?.close()]);
      await feedFetcher.close();
    },
  };
}
