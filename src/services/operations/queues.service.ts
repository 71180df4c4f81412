import type { ServiceContext } from '../context.js';
import { InputError } from '../input-error.js';

/** One queue as operations see it: jobs by state, and how long the oldest has waited. */
export interface QueueStatus {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  /** Milliseconds since the oldest waiting job was added; null when none waits. */
  oldestWaitingMs: number | null;
}

/** Jobs that finished in one of these states can be retried or cleaned away. */
export type FinishedState = 'failed' | 'completed';

/**
 * The queues as an administrator works them, wherever they live. A port: the BullMQ
 * implementation is in `jobs/`, wired by the composition root.
 */
export interface QueueAdmin {
  queueNames(): readonly string[];
  status(now: Date): Promise<QueueStatus[]>;
  /** Moves failed jobs back to waiting: every one, or the one with this id. Returns how many. */
  retryFailed(queue: string, jobId: string | null): Promise<number>;
  /** Removes finished jobs older than `olderThanMs`; returns how many. */
  clean(queue: string, state: FinishedState, olderThanMs: number): Promise<number>;
}

/** Every queue's jobs by state, with the age of its oldest waiting job. */
export async function readQueueStatus(
  ctx: ServiceContext,
  queues: QueueAdmin,
): Promise<QueueStatus[]> {
  return queues.status(ctx.now());
}

/** Retries a queue's failed jobs (all, or one); a job that is not there is an input error. */
export async function retryFailedJobs(
  queues: QueueAdmin,
  queue: string,
  jobId: string | null,
): Promise<number> {
  requireQueue(queues, queue);
  const count = await queues.retryFailed(queue, jobId);
  if (jobId !== null && count === 0)
    throw new InputError(`no failed job "${jobId}" in the ${queue} queue`, {
      field: 'job',
      problem: 'not-found',
    });
  return count;
}

/** Removes a queue's failed or completed jobs older than a duration. */
export async function cleanJobs(
  queues: QueueAdmin,
  queue: string,
  state: FinishedState,
  olderThanMs: number,
): Promise<number> {
  requireQueue(queues, queue);
  return queues.clean(queue, state, olderThanMs);
}

function requireQueue(queues: QueueAdmin, queue: string): void {
  if (!queues.queueNames().includes(queue))
    throw new InputError(`no queue "${queue}": the queues are ${queues.queueNames().join(', ')}`, {
      field: 'queue',
      problem: 'not-found',
    });
}
