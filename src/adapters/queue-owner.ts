import { Redis, type RedisOptions } from 'ioredis';

export class QueuePrefixTakenError extends Error {
  override name = 'QueuePrefixTakenError';
}

/**
 * Binds the queue prefix to this installation's database on first use, and refuses a prefix
 * bound to another one: jobs carry row ids, and a job run against the wrong database would
 * match or send the wrong rows. Safe to repeat: a Redis that came back empty is bound again.
 */
export async function bindQueuePrefix(
  client: Redis,
  bullPrefix: string,
  installationId: string,
): Promise<void> {
  const key = `${bullPrefix}:installation`;
  await client.set(key, installationId, 'NX');
  const owner = await client.get(key);
  if (owner !== installationId) {
    throw new QueuePrefixTakenError(
      `the queues "${bullPrefix}" in Redis belong to another database (installation ${owner}). If that database is gone (a new VAR_DIR or DATABASE_URL), \`bulletin db reset --yes\` clears them and starts this installation afresh; to run both, set QUEUE_PREFIX to a name of this installation's own`,
    );
  }
}

/** {@link bindQueuePrefix} over a connection of its own, for start-up. */
export async function claimQueuePrefix(
  options: RedisOptions,
  bullPrefix: string,
  installationId: string,
): Promise<void> {
  const client = new Redis({ ...options, lazyConnect: true, maxRetriesPerRequest: 3 });
  client.on('error', () => {});
  try {
    await client.connect();
    await bindQueuePrefix(client, bullPrefix, installationId);
  } finally {
    client.disconnect();
  }
}

/**
 * Counts (and with `erase`, deletes) every key of a queue prefix: jobs, queue metadata, the
 * job scheduler and the binding to a database. SCAN walks the keyspace in steps, so a large
 * Redis is never blocked for long.
 */
export async function sweepQueueKeys(
  options: RedisOptions,
  bullPrefix: string,
  erase: boolean,
): Promise<number> {
  const client = new Redis({ ...options, lazyConnect: true, maxRetriesPerRequest: 3 });
  client.on('error', () => {});
  try {
    await client.connect();
    let cursor = '0';
    let count = 0;
    do {
      const [next, keys] = await client.scan(
        cursor,
        'MATCH',
        `${escapeGlob(bullPrefix)}:*`,
        'COUNT',
        1000,
      );
      cursor = next;
      count += keys.length;
      if (erase && keys.length > 0) await client.unlink(...keys);
    } while (cursor !== '0');
    return count;
  } finally {
    client.disconnect();
  }
}

/** A prefix as a SCAN pattern that matches it literally (its braces and any `*?[]\`). */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
