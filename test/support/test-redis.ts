import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis tests use (the local server by default). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A queue prefix of its own per test file, so runs and files never share a key. */
export function uniqueQueuePrefix(): string {
  return `bulletin-test-${randomBytes(5).toString('hex')}`;
}

/** Deletes every key of a prefix (BullMQ keys are `{prefix}:…`). */
export async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
