import { type ConnectionOptions, type JobsOptions, Queue } from 'bullmq';
import { chunk } from '../db/chunk.js';
import type { QueueInspector } from '../src/services/operations/index.js';
import type { MatchStoriesWork, WorkQueue } from '../src/services/work-queue.js';
import { bullPrefix, JOB, jobId, QUEUE, type QueueName } from './queue-names.js';

/**
 * Finished and failed jobs are removed: the database rows carry the outcome and guard
 * against doing the work twice, and the minute tick re-hands-on any work whose job gave up
 * (a story still unmatched, a digest still owed, a delivery still queued), which a kept
 * failed job would block,
 * its id being taken. A job id only keeps a second hand-on out while the first waits or runs.
 * Failures are logged (`job.failed`).
 */
const DEFAULT_JOB_OPTIONS: JobsOptions = {
  removeOnComplete: true,
  removeOnFail: true,
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
};

/**
 * Stories matched by one job: their match rows go in one transaction, which writes each index
 * page they share once. Small enough that several workers share a large publish.
 */
const STORIES_PER_MATCH_JOB = 50;

/** Alert jobs added in one round trip: a story's instant readers may be thousands. */
const ALERTS_PER_ADD = 1000;

/** How long a hand-on the minute sweep can redo may wait for an absent Redis. */
const DEFERRABLE_HAND_ON_MS = 2000;

/**
 * Waits for a hand-on at most a moment. While Redis is away a job waits in the client's
 * offline queue until it returns; the caller (a webhook request, a worker) must not wait with
 * it. Only for work the database records as owed (a story unmatched, alerts waiting, a
 * digest owed, a delivery queued), which the minute sweep hands on again if this never
 * lands; the job id makes a late arrival harmless.
 */
async function deferrable(handOn: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const later = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, DEFERRABLE_HAND_ON_MS);
  });
  // A hand-on that fails after the moment has passed is the sweep's to redo.
  handOn.catch(() => {});
  await Promise.race([handOn, later]).finally(() => clearTimeout(timer));
}

export interface BullQueues {
  queues: Record<QueueName, Queue>;
  workQueue: WorkQueue;
  inspector: QueueInspector;
  close(): Promise<void>;
}

/** Opens the installation's queues and the {@link WorkQueue} the services hand work to. */
export function openBullQueues(
  connection: ConnectionOptions,
  options: { queuePrefix: string; sendAttempts: number; sendRetryDelayMs: number },
  onRedisError: (queue: QueueName, error: Error) => void,
): BullQueues {
  const prefix = bullPrefix(options.queuePrefix);
  const open = (name: QueueName) => {
    const queue = new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
    // A queue re-emits its connection's errors; unheard, one lost connection ends the process.
    queue.on('error', (error) => onRedisError(name, error));
    return queue;
  };
  const queues = {
    ingest: open(QUEUE.ingest),
    digest: open(QUEUE.digest),
    send: open(QUEUE.send),
    schedule: open(QUEUE.schedule),
    feeds: open(QUEUE.feeds),
  };
  const workQueue: WorkQueue = {
    async matchStory(work) {
      await deferrable(
        queues.ingest.add(JOB.matchStory, work, {
          jobId: jobId.matchStory(work.storyId, work.revision),
        }),
      );
    },
    async matchStories(works) {
      await deferrable(
        queues.ingest.addBulk(
          chunk(works, STORIES_PER_MATCH_JOB).map((stories) => ({
            name: JOB.matchStories,
            data: { stories } satisfies MatchStoriesWork,
            opts: { jobId: jobId.matchStories(stories[0]!, stories.length) },
          })),
        ),
      );
    },
    async buildDigest(work) {
      await deferrable(
        queues.digest.add(JOB.buildDigest, work, {
          jobId: jobId.buildDigest(work.readerId, work.cadence, work.periodKey),
        }),
      );
    },
    async buildDigests(works) {
      if (works.length === 0) return;
      await deferrable(
        queues.digest.add(
          JOB.buildDigests,
          { digests: works },
          { jobId: jobId.buildDigests(works) },
        ),
      );
    },
    async buildAlert(work, delayMs) {
      await deferrable(
        queues.digest.add(JOB.buildAlert, work, {
          jobId: jobId.buildAlert(work.readerId, work.dueAt),
          delay: delayMs,
        }),
      );
    },
    async buildAlerts(alerts) {
      for (const part of chunk(alerts, ALERTS_PER_ADD)) {
        const adding = queues.digest.addBulk(
          part.map(({ work, delayMs }) => ({
            name: JOB.buildAlert,
            data: work,
            opts: { jobId: jobId.buildAlert(work.readerId, work.dueAt), delay: delayMs },
          })),
        );
        // While Redis answers, each part is waited for, however slow: a hand-on given up on
        // after a moment would leave its commands queued in the client, and a burst of them
        // would pile up there, ahead of the workers' lock renewals. Only an absent Redis is
        // not waited for; the minute sweep hands the rest on.
        if ((await queues.digest.getBackend().client).status !== 'ready') return deferrable(adding);
        await adding;
      }
    },
    async sendDelivery(work) {
      await deferrable(
        queues.send.add(JOB.sendDelivery, work, {
          jobId: jobId.sendDelivery(work.deliveryId),
          // The delivery row counts attempts and decides when to give up; BullMQ only paces them.
          attempts: options.sendAttempts,
          backoff: { type: 'exponential', delay: options.sendRetryDelayMs },
        }),
      );
    },
  };
  // Each delivery its own job: SEND_RATE is paced per message across every process by the
  // queue's limiter, and a job killed mid-send leaves one row `sending`, not a group's.
  workQueue.sendDeliveries = async ({ deliveryIds }) => {
    await deferrable(
      queues.send.addBulk(
        deliveryIds.map((deliveryId) => ({
          name: JOB.sendDelivery,
          data: { deliveryId },
          opts: {
            jobId: jobId.sendDelivery(deliveryId),
            attempts: options.sendAttempts,
            backoff: { type: 'exponential' as const, delay: options.sendRetryDelayMs },
          },
        })),
      ),
    );
  };
  const requireConnected = async () => {
    const client = await queues.schedule.getBackend().client;
    if (client.status !== 'ready') throw new Error(`Redis is not connected (${client.status})`);
  };
  const inspector: QueueInspector = {
    async countJobs() {
      // While Redis is away its commands would wait in the client's offline queue, and so
      // would whoever asked: answer at once instead.
      await requireConnected();
      const counts = [];
      for (const [name, queue] of Object.entries(queues)) {
        const byState = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
        for (const [state, count] of Object.entries(byState))
          counts.push({ queue: name, state, count });
      }
      return counts;
    },
    async ping() {
      await requireConnected();
      await queues.schedule.count();
    },
  };
  return {
    queues,
    workQueue,
    inspector,
    async close() {
      await Promise.all(Object.values(queues).map((q) => q.close()));
    },
  };
}
