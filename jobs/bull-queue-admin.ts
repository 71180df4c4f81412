import { Job, type Queue } from 'bullmq';
import type { QueueAdmin, QueueStatus } from '../src/services/operations/index.js';

/** Jobs cleaned per call to BullMQ; calls repeat until a queue has no more to clean. */
const CLEAN_BATCH = 1000;

/** {@link QueueAdmin} over the installation's BullMQ queues. */
export function createBullQueueAdmin(queues: Record<string, Queue>): QueueAdmin {
  const named = new Map<string, Queue>(Object.entries(queues));
  const queueOf = (name: string): Queue => {
    const queue = named.get(name);
    if (!queue) throw new Error(`no queue ${name}`);
    return queue;
  };
  return {
    queueNames: () => [...named.keys()],
    async status(now) {
      const statuses: QueueStatus[] = [];
      for (const [name, queue] of named) {
        const counts = await queue.getJobCounts(
          'waiting',
          'active',
          'delayed',
          'failed',
          'completed',
        );
        const [oldest] = await queue.getJobs(['waiting'], 0, 0, true);
        statuses.push({
          queue: name,
          waiting: counts.waiting ?? 0,
          active: counts.active ?? 0,
          delayed: counts.delayed ?? 0,
          failed: counts.failed ?? 0,
          completed: counts.completed ?? 0,
          oldestWaitingMs: oldest ? Math.max(0, now.getTime() - oldest.timestamp) : null,
        });
      }
      return statuses;
    },
    async retryFailed(name, jobId) {
      const queue = queueOf(name);
      if (jobId !== null) {
        const job = await Job.fromId(queue, jobId);
        if (!job || !(await job.isFailed())) return 0;
        await job.retry('failed');
        return 1;
      }
      const failed = await queue.getJobCountByTypes('failed');
      await queue.retryJobs({ state: 'failed' });
      return failed;
    },
    async clean(name, state, olderThanMs) {
      const queue = queueOf(name);
      let total = 0;
      for (;;) {
        const removed = await queue.clean(olderThanMs, CLEAN_BATCH, state);
        total += removed.length;
        if (removed.length < CLEAN_BATCH) return total;
      }
    },
  };
}
