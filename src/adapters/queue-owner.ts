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
      `the queues "${bullPrefix}" in Redis belong to another database (installation ${owner}); set QUEUE_PREFIX to a name of this installation's own`,
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
