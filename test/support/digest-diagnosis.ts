import { Redis } from 'ioredis';
import { bullPrefix, QUEUE } from '../../jobs/queue-names.js';
import type { DigestDrill } from './digest-drill.js';
import { TEST_REDIS_URL } from './test-redis.js';

/**
 * Why a reader's digest went wrong, from the rows and from BullMQ's own event streams (which
 * keep what happened to a job after the job itself is removed): the subscription's next due
 * time, the digest and delivery rows, the reader's matches, and each job's events in order.
 */
export async function explainReader(drill: DigestDrill, email: string): Promise<string> {
  const { db } = drill.t.app;
  const reader = await db
    .selectFrom('subscribers')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirst();
  if (!reader) return `${email}: no such reader`;
  const subscription = await db
    .selectFrom('subscriptions')
    .select('next_due_at')
    .where('subscriber_id', '=', reader.id)
    .executeTakeFirst();
  const digests = await db
    .selectFrom('digests')
    .select(['id', 'period_key', 'story_count'])
    .where('subscriber_id', '=', reader.id)
    .execute();
  const deliveries = await db
    .selectFrom('deliveries')
    .select(['id', 'digest_id', 'status', 'attempts'])
    .where('subscriber_id', '=', reader.id)
    .execute();
  const matches = await db
    .selectFrom('matches')
    .select('digest_id')
    .where('subscriber_id', '=', reader.id)
    .execute();
  const jobs = [
    ...(await jobEvents(drill, QUEUE.digest, `digest.${reader.id}.`)),
    ...(await jobEvents(drill, QUEUE.send, ...deliveries.map((d) => `send.${d.id}`))),
  ];
  return [
    `${email} (reader ${reader.id}): next due ${toText(subscription?.next_due_at)}`,
    `digests [${digests.map((d) => `${d.id} ${d.period_key} stories ${d.story_count}`).join('; ')}]`,
    `deliveries [${deliveries.map((d) => `${d.id} of digest ${d.digest_id} ${d.status} attempts ${d.attempts}`).join('; ')}]`,
    `matches ${matches.filter((m) => m.digest_id === null).length} pending, ${matches.filter((m) => m.digest_id !== null).length} in a digest`,
    ...jobs,
  ].join('\n      ');
}

/** The events BullMQ recorded for jobs whose id starts with one of `prefixes`, in order. */
async function jobEvents(
  drill: DigestDrill,
  queue: string,
  ...prefixes: string[]
): Promise<string[]> {
  if (prefixes.length === 0) return [];
  const byJob = new Map<string, string[]>();
  for (const event of await readEvents(drill, queue)) {
    if (!prefixes.some((p) => event.jobId.startsWith(p))) continue;
    const at = new Date(event.at).toISOString().slice(11, 23);
    const detail = event.failedReason ? ` (${event.failedReason.slice(0, 80)})` : '';
    byJob.set(event.jobId, [...(byJob.get(event.jobId) ?? []), `${at} ${event.event}${detail}`]);
  }
  return [...byJob].map(([job, events]) => `job ${job}: ${events.join(', ')}`);
}

/**
 * Jobs of the digest and send queues BullMQ took back from a dead worker, and of those how
 * many twice: a job stalled twice is failed for good (maxStalledCount 1).
 */
export async function stalledJobs(drill: DigestDrill): Promise<string> {
  const counts = new Map<string, number>();
  for (const queue of [QUEUE.digest, QUEUE.send])
    for (const event of await readEvents(drill, queue))
      if (event.event === 'stalled') counts.set(event.jobId, (counts.get(event.jobId) ?? 0) + 1);
  const twice = [...counts].filter(([, n]) => n > 1).map(([job]) => job);
  return `${counts.size} stalled jobs taken back${twice.length > 0 ? `, twice: ${twice.join(' ')}` : ''}`;
}

interface JobEvent {
  at: number;
  event: string;
  jobId: string;
  failedReason?: string;
}

/** A queue's event stream (BullMQ keeps the last 10,000). */
async function readEvents(drill: DigestDrill, queue: string): Promise<JobEvent[]> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    const key = `${bullPrefix(drill.t.settings.queuePrefix)}:${queue}:events`;
    return (await redis.xrange(key, '-', '+')).map(([id, fields]) => {
      const event = Object.fromEntries(
        fields.flatMap((value, i) => (i % 2 === 0 ? [[value, fields[i + 1]]] : [])),
      ) as Record<string, string>;
      return {
        at: Number(id.split('-')[0]),
        event: event.event ?? '',
        jobId: event.jobId ?? '',
        ...(event.failedReason ? { failedReason: event.failedReason } : {}),
      };
    });
  } finally {
    redis.disconnect();
  }
}

function toText(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return 'never';
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** What became of each minute tick: its job's events in order. */
export async function explainTicks(drill: DigestDrill): Promise<string> {
  const ticks = await jobEvents(drill, QUEUE.schedule, 'repeat:');
  return ticks.length > 0 ? ticks.join('\n      ') : 'no tick recorded';
}
