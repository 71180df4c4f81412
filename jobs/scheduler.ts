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
