import { Queue } from 'bullmq';
import { bullPrefix, QUEUE } from '../../jobs/queue-names.js';

/**
 * How many job schedulers the installation's schedule queue holds in Redis (the minute tick
 * is one), or the error when Redis does not answer. For diagnosis, not for assertions.
 */
export async function countTickSchedulers(
  redisPort: number,
  queuePrefix: string,
): Promise<number | string> {
  const queue = new Queue(QUEUE.schedule, {
    connection: { host: '127.0.0.1', port: redisPort, maxRetriesPerRequest: 1 },
    prefix: bullPrefix(queuePrefix),
  });
  queue.on('error', () => {});
  try {
    return (await queue.getJobSchedulers()).length;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await queue.close();
  }
}
