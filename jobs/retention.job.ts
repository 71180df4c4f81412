import { type ConnectionOptions, type Job, Queue, Worker } from 'bullmq';
import { createThrottledWarn, type Logger } from '../src/adapters/logger.js';
import type { ServiceContext } from '../src/services/context.js';
import { type PruneReport, pruneOldData } from '../src/services/retention/index.js';
import { bullPrefix, JOB, RETENTION_QUEUE, RETENTION_SCHEDULER_ID } from './queue-names.js';
import { MAX_STALLED_RETURNS } from './worker-options.js';

/*
 * The daily retention prune (RETENTION). Schedulers upsert one BullMQ job scheduler (Redis
 * keeps one however many do), its queue runs one job at a time across every process (global
 * concurrency 1), and a worker runs the prune, a batch at a time. A worker that shuts down
 * stops between batches; a prune that fails or is cut short is taken up by the next day's.
 */

/** Every day at 03:17 UTC: at night for most readers, off the hour when digests are due. */
export const RETENTION_PATTERN = '17 3 * * *';

export interface RetentionJob {
  /** In a scheduler: the daily prune scheduled (left alone when it is: upserting moves it). */
  ensureSchedule(): Promise<void>;
  /** In a worker: prunes when the schedule says. */
  startWorker(): void;
  /** Stops between batches, then closes the worker and the queue. */
  close(): Promise<void>;
}

export function openRetention(
  connection: ConnectionOptions,
  queuePrefix: string,
  ctx: ServiceContext,
  log: Logger,
): RetentionJob {
  const queue = new Queue(RETENTION_QUEUE, { connection, prefix: bullPrefix(queuePrefix) });
  queue.on('error', (error) =>
    log.debug({ event: 'queue.redis_error', queue: RETENTION_QUEUE, error: error.message }),
  );
  let worker: Worker | null = null;
  let closing = false;
  return {
    async ensureSchedule() {
      await queue.setGlobalConcurrency(1);
      if (await queue.getJobScheduler(RETENTION_SCHEDULER_ID)) return;
      await queue.upsertJobScheduler(
        RETENTION_SCHEDULER_ID,
        { pattern: RETENTION_PATTERN, tz: 'UTC' },
        {
          name: JOB.pruneOldData,
          // The next day's prune is the retry: it starts where this one stopped.
          opts: { attempts: 1, removeOnComplete: { count: 30 }, removeOnFail: { count: 30 } },
        },
      );
    },
    startWorker() {
      if (worker) return;
      worker = startRetentionWorker(connection, queuePrefix, ctx, log, () => closing);
    },
    async close() {
      closing = true;
      await worker?.close();
      await queue.close();
    },
  };
}

function startRetentionWorker(
  connection: ConnectionOptions,
  queuePrefix: string,
  ctx: ServiceContext,
  log: Logger,
  shouldStop: () => boolean,
): Worker {
  const worker = new Worker(
    RETENTION_QUEUE,
    // The service logs the run's one line (`retention.pruned`, counts per table).
    async (_job: Job): Promise<PruneReport> => pruneOldData(ctx, { shouldStop }),
    {
      connection,
      prefix: bullPrefix(queuePrefix),
      concurrency: 1,
      maxStalledCount: MAX_STALLED_RETURNS,
    },
  );
  worker.on('failed', (_job, error) =>
    log.warn({ event: 'retention.failed', error: error.message }),
  );
  const warnOnce = createThrottledWarn(log);
  worker.on('error', (error) =>
    warnOnce(`worker.${RETENTION_QUEUE}`, {
      event: 'worker.error',
      queue: RETENTION_QUEUE,
      error: error.message,
    }),
  );
  return worker;
}
