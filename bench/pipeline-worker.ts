/**
 * The measured process of bench:pipeline, run as a child on a seeded database: what
 * `bulletin worker` does for ingest, beside a publisher. It builds the rule index (timed
 * apart, as a worker does once at start), publishes the stories in one go through the
 * publish service into the BullMQ ingest queue, and works that queue with the real ingest
 * processor until every story is matched. Alerts are handed on to the digest queue and left
 * there: no digest worker runs, so what is counted is what recording handed on. It prints
 * one JSON line with its timings and checks.
 *
 *   DATABASE_URL=… REDIS_URL=… QUEUE_PREFIX=… tsx bench/pipeline-worker.ts STORIES SEED READERS
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { createIngestProcessor } from '../jobs/processors.js';
import { bullPrefix, QUEUE } from '../jobs/queue-names.js';
import { openApp } from '../src/app.js';
import { loadSettings } from '../src/config/settings.js';
import type { FlowContext } from '../src/services/context.js';
import { publishStories } from '../src/services/stories/publish-story.service.js';
import { RuleCatalog } from '../src/services/topics/rule-catalog.js';
import { DigestPopulation } from './digest-population.js';

const [storyCount, seed, readers] = process.argv.slice(2).map(Number) as [number, number, number];
const settings = loadSettings();
const app = await openApp(settings, { redis: true });
const bull = app.bull!;
const catalog = new RuleCatalog(app.db, app.log);
let started = performance.now();
await catalog.refresh();
const indexSeconds = (performance.now() - started) / 1000;

const ctx: FlowContext = { ...app, queue: bull.workQueue };
const stories = new DigestPopulation({
  readers,
  topics: 1000,
  stories: storyCount,
  subscriptionsPerReader: 5,
  seed,
}).stories();
const worker = new Worker(QUEUE.ingest, createIngestProcessor(ctx, catalog), {
  connection: app.redis!.bullConnection,
  prefix: bullPrefix(settings.queuePrefix),
  concurrency: settings.concurrency.ingest,
});
worker.on('failed', (job, error) => console.error(`match job ${job?.id} failed: ${error.message}`));

started = performance.now();
await publishStories(
  ctx,
  stories.map((story, i) => ({ position: `item ${i + 1}`, ok: true as const, story })),
);
const publishSeconds = (performance.now() - started) / 1000;
const ingest = bull.queues.ingest;
for (;;) {
  const counts = await ingest.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
  if (Object.values(counts).every((n) => n === 0)) break;
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const seconds = (performance.now() - started) / 1000;
await worker.close();

console.log(JSON.stringify({ indexSeconds, publishSeconds, seconds, ...(await check()) }));
await app.close();

/** What was stored and handed on, read back once the clock has stopped. */
async function check() {
  const one = async <T>(query: ReturnType<typeof sql<T>>) =>
    (await query.execute(app.db)).rows[0] as T;
  const owing = await one<{ n: number }>(
    sql`select count(*) as n from stories where matched_revision < revision`,
  );
  const perStory = (
    await sql<{ n: number }>`select count(*) as n from matches group by story_id`.execute(app.db)
  ).rows.map((r) => Number(r.n));
  const leftOut = await one<{ n: number }>(sql`select count(*) as n from matches m
    join subscribers s on s.id = m.subscriber_id
    where s.status <> 'active' or s.paused_until is not null`);
  const instant = (
    await sql<{
      id: number;
    }>`select distinct subscriber_id as id from matches where cadence = 'instant'`.execute(app.db)
  ).rows.map((r) => Number(r.id));
  const alerted = await readersWithAlertJobs();
  return {
    storiesOwing: Number(owing.n),
    matchRows: perStory.reduce((a, b) => a + b, 0),
    perStory,
    matchesOfLeftOut: Number(leftOut.n),
    instantReaders: instant.length,
    alertJobs: alerted.jobs,
    readersWithoutAlert: instant.filter((id) => !alerted.readers.has(id)).length,
  };
}

/** The readers named by the alert jobs waiting in the digest queue (ids `alert.R.T`). */
async function readersWithAlertJobs(): Promise<{ jobs: number; readers: Set<number> }> {
  const redis = new Redis(settings.redis.url);
  const key = `${bullPrefix(settings.queuePrefix)}:${QUEUE.digest}`;
  const ids = [
    ...(await redis.lrange(`${key}:wait`, 0, -1)),
    ...(await redis.zrange(`${key}:delayed`, '0', '-1')),
    ...(await redis.zrange(`${key}:prioritized`, '0', '-1')),
  ];
  redis.disconnect();
  return { jobs: ids.length, readers: new Set(ids.map((id) => Number(id.split('.')[1]))) };
}
