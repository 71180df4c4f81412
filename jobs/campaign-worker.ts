import { type ConnectionOptions, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from '../src/adapters/logger.js';
import type { CampaignContext } from '../src/services/campaigns/index.js';
import { resumeDueCampaigns, runCampaignStep } from '../src/services/campaigns/index.js';
import type { SendContext } from '../src/services/context.js';
import { sendDelivery } from '../src/services/sending/index.js';
import { bullPrefix, CAMPAIGN_QUEUE, JOB } from './queue-names.js';
import { MAX_STALLED_RETURNS } from './worker-options.js';

/** How often a worker starts campaigns whose send time came and re-declares lost steps. */
const WATCH_EVERY_MS = 15_000;

export interface RunningCampaignWorker {
  worker: Worker;
  close(): Promise<void>;
}

/**
 * Runs campaign steps and invitation sends. Every `WATCH_EVERY_MS` (and at start) it also
 * starts scheduled campaigns whose time has come and makes sure every sending campaign has
 * its step scheduler (Redis may have come back empty). All of it is idempotent, so any number
 * of workers may run it.
 */
export function startCampaignWorker(
  connection: ConnectionOptions,
  ctx: CampaignContext & SendContext,
  options: { concurrency: number },
  log: Logger,
): RunningCampaignWorker {
  const worker = new Worker(
    CAMPAIGN_QUEUE,
    async (job: Job<{ campaignId?: number; deliveryId?: number }>) => {
      if (job.name === JOB.campaignStep) return runCampaignStep(ctx, job.data.campaignId as number);
      if (job.name === JOB.sendInvitation) {
        const outcome = await sendDelivery(ctx, job.data.deliveryId as number);
        if (outcome.status === 'retry') throw new Error(`temporary send failure: ${outcome.error}`);
        return outcome;
      }
      throw new UnrecoverableError(`unknown job ${job.name}`);
    },
    {
      connection,
      prefix: bullPrefix(ctx.settings.queuePrefix),
      concurrency: options.concurrency,
      maxStalledCount: MAX_STALLED_RETURNS,
    },
  );
  worker.on('failed', (job, error) =>
    log.warn({ event: 'job.failed', queue: CAMPAIGN_QUEUE, job: job?.id, error: error.message }),
  );
  worker.on('error', (error) =>
    log.debug({ event: 'worker.error', queue: CAMPAIGN_QUEUE, error: error.message }),
  );
  let stopped = false;
  const watch = async () => {
    if (stopped) return;
    try {
      await resumeDueCampaigns(ctx);
    } catch (error) {
      log.warn({ event: 'campaign.watch_failed', error: String(error) });
    }
  };
  void watch();
  const timer = setInterval(watch, WATCH_EVERY_MS);
  timer.unref();
  return {
    worker,
    async close() {
      stopped = true;
      clearInterval(timer);
      await worker.close();
    },
  };
}
