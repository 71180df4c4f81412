import { Redis, type RedisOptions } from 'ioredis';
import { SettingsError } from '../config/settings-error.js';

/** QUEUE_PREFIX names queues another installation owns: a setting to change (exit 2). */
export class QueuePrefixTakenError extends SettingsError {
  constructor(problem: string) {
    super('QUEUE_PREFIX', problem);
    this.name = 'QueuePrefixTakenError';
  }
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
    const prefix = bullPrefix.replace(/^\{(.*)\}$/, '$1');
    // The usual cause is a second database on the same Redis (a switch from SQLite to
    // PostgreSQL, a second VAR_DIR): a prefix of its own is the answer. `db reset --yes`
    // is not: it empties this installation's database too, and the queues it would clear
    // are the other installation's, still in use if that one runs.
    throw new QueuePrefixTakenError(
      `the queues "${prefix}" in Redis belong to another installation (another database, id ${owner}); give this one a prefix of its own, the same for all its commands and processes, e.g. QUEUE_PREFIX=${prefix}-2`,
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
