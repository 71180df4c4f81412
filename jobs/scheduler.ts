import type { Queue } from 'bullmq';
import { JOB, TICK_SCHEDULER_ID } from './queue-names.js';

/**
 * Registers the minute tick as a BullMQ job scheduler. Upserting is idempotent: any number of
 * processes may do it at every start, and Redis still produces one tick a minute.
 */
export async function upsertTickScheduler(scheduleQueue: Queue): Promise<void> {
  await scheduleQueue.upsertJobScheduler(
    TICK_SCHEDULER_ID,
    { every: 60_000 },
    { name: JOB.tick, opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
  );
}

/**
 * Registers the tick unless Redis already has it. Re-upserting an existing scheduler could
 * move its next run; a Redis that came back empty has none, and gets it again.
 */
export async function ensureTickScheduler(scheduleQueue: Queue): Promise<void> {
  if (await scheduleQueue.getJobScheduler(TICK_SCHEDULER_ID)) return;
  await upsertTickScheduler(scheduleQueue);
}
