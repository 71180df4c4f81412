import { Redis } from 'ioredis';

/**
 * Deletes a bench run's queue keys (BullMQ keys are `{prefix}:…`). A Redis that does not
 * answer is left as it is: the keys sit under a prefix of their own.
 */
export async function deleteQueueKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // Left for whoever cleans the shared Redis.
  } finally {
    redis.disconnect();
  }
}
