import { type ChildProcess, spawn } from 'node:child_process';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BullQueues, openBullQueues } from '../../jobs/bull-work-queue.js';
import { DirectWorkQueue } from '../../jobs/direct-work-queue.js';
import { startProcessMetrics } from '../../src/adapters/metrics.js';
import { parseStoriesText } from '../../src/domain/story.js';
import { metricsPlugin } from '../../src/http/metrics.plugin.js';
import type { QueueInspector } from '../../src/services/operations/operations.service.js';
import { publishStories } from '../../src/services/stories/publish-story.service.js';
import { makeStory, publish } from '../support/flow-helpers.js';
import { freePort } from '../support/private-redis.js';
import { parsePrometheusText, type Sample, sampleValue } from '../support/prometheus-text.js';
import { signLinkFor } from '../support/reader-tokens.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';
import { startTestHttpServer } from '../support/test-http.js';

/** The metrics plugin alone on a bare Fastify instance, as the web server and METRICS_PORT mount it. */
async function metricsApp(t: TestApp, queues: QueueInspector | null): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(metricsPlugin, { ctx: t.app, queues });
  await app.ready();
  return app;
}

async function scrape(
  app: FastifyInstance,
): Promise<{ samples: Sample[]; ms: number; status: number; type: string }> {
  const started = performance.now();
  const response = await app.inject({ method: 'GET', url: '/metrics' });
  return {
    samples: parsePrometheusText(response.body),
    ms: performance.now() - started,
    status: response.statusCode,
    type: String(response.headers['content-type']),
  };
}

describe.each(DIALECTS)('GET /metrics (%s)', (dialect) => {
  let t: TestApp;
  let app: FastifyInstance;
  let web: { base: string; close: () => Promise<void> };

  beforeAll(async () => {
    t = await createTestApp(dialect, { redis: true });
    startProcessMetrics();
    app = await metricsApp(t, t.app.bull!.inspector);
    web = await startTestHttpServer(t.app);
  });
  afterAll(async () => {
    await app.close();
    await web.close();
    await t.close();
  });

  it('counts the stories stored and the trial clicks recorded in this process', async () => {
    const before = (await scrape(app)).samples;
    const queue = new DirectWorkQueue();
    await publish(t.app, queue, [makeStory('m-1'), makeStory('m-2')]);
    await publish(t.app, queue, [makeStory('m-1', { headline: 'Corrected headline' })]);

    // A reader clicks the trial link of a digest email, twice.
    const token = await signLinkFor(
      t.app.db,
      t.app.secretKey,
      { kind: 'trial', reader: 'ola@corp.example', story: 'm-1', source: { digest: 7 } },
      new Date(Date.now() + 86_400_000),
    );
    for (let i = 0; i < 2; i++) {
      const click = await fetch(`${web.base}/t/${token}`, { redirect: 'manual' });
      expect(click.status).toBe(302);
    }

    const after = (await scrape(app)).samples;
    const delta = (name: string, labels: Record<string, string>) =>
      (sampleValue(after, name, labels) ?? 0) - (sampleValue(before, name, labels) ?? 0);
    expect(delta('bulletin_stories_ingested_total', { outcome: 'created' })).toBe(2);
    expect(delta('bulletin_stories_ingested_total', { outcome: 'updated' })).toBe(1);
    expect(delta('bulletin_trial_clicks_total', { source: 'digest' })).toBe(2);
  });

  it('serves process metrics, queue depths per state and which sources answered', async () => {
    // A story handed to the BullMQ ingest queue, where no worker runs in this test.
    const records = parseStoriesText(JSON.stringify([makeStory('m-3')]));
    await publishStories({ ...t.app, queue: t.app.bull!.workQueue }, records);
    const { samples, status, type } = await scrape(app);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sampleValue(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sampleValue(samples, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sampleValue(samples, 'bulletin_source_up', { source: 'database' })).toBe(1);
    expect(sampleValue(samples, 'bulletin_source_up', { source: 'redis' })).toBe(1);
    for (const queue of ['ingest', 'digest', 'send', 'schedule'])
      for (const state of ['waiting', 'active', 'delayed', 'failed'])
        expect(sampleValue(samples, 'bulletin_queue_jobs', { queue, state })).toBeTypeOf('number');
    expect(sampleValue(samples, 'bulletin_queue_jobs', { queue: 'ingest', state: 'waiting' })).toBe(
      1,
    );
    const head = await app.inject({ method: 'HEAD', url: '/metrics' });
    expect(head.statusCode).toBe(200);
  });
});

describe('GET /metrics while Redis is away or hangs', () => {
  let t: TestApp;
  let unreachable: BullQueues;
  let hung: { queues: BullQueues; redis: ChildProcess };

  beforeAll(async () => {
    t = await createTestApp('sqlite', { redis: true });
    unreachable = openBullQueues(
      { host: '127.0.0.1', port: await freePort(), maxRetriesPerRequest: null },
      t.settings,
      () => {},
    );
    hung = await openHungRedisQueues(t);
  });
  afterAll(async () => {
    hung.redis.kill('SIGKILL');
    await Promise.all([unreachable.close(), hung.queues.close()].map((p) => p.catch(() => {})));
    await t.close();
  });

  it('answers within a second while Redis is down, without queue series', async () => {
    const app = await metricsApp(t, unreachable.inspector);
    const { samples, status, ms } = await scrape(app);
    expect(status).toBe(200);
    expect(ms).toBeLessThan(1000);
    expect(sampleValue(samples, 'bulletin_source_up', { source: 'redis' })).toBe(0);
    expect(sampleValue(samples, 'bulletin_source_up', { source: 'database' })).toBe(1);
    expect(samples.filter((s) => s.name === 'bulletin_queue_jobs')).toEqual([]);
    await app.close();
  });

  it('answers within about a second when Redis accepts commands and never replies', async () => {
    const app = await metricsApp(t, hung.queues.inspector);
    const { samples, status, ms } = await scrape(app);
    expect(status).toBe(200);
    expect(ms).toBeLessThan(1500);
    expect(sampleValue(samples, 'bulletin_source_up', { source: 'redis' })).toBe(0);
    await app.close();
  });

  it('has no redis series at all in a process without queues', async () => {
    const app = await metricsApp(t, null);
    const { samples } = await scrape(app);
    expect(sampleValue(samples, 'bulletin_source_up', { source: 'redis' })).toBeUndefined();
    expect(sampleValue(samples, 'bulletin_source_up', { source: 'database' })).toBe(1);
    await app.close();
  });
});

/**
 * BullMQ queues on a redis-server of the test's own that is then stopped (SIGSTOP): the
 * connection stays open and ready, and no command is ever answered.
 */
async function openHungRedisQueues(
  t: TestApp,
): Promise<{ queues: BullQueues; redis: ChildProcess }> {
  const port = await freePort();
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  process.once('exit', () => redis.kill('SIGKILL'));
  const queues = openBullQueues(
    { host: '127.0.0.1', port, maxRetriesPerRequest: null },
    t.settings,
    () => {},
  );
  // Answers once (the connection is ready), then stops answering.
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await queues.inspector.ping();
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  redis.kill('SIGSTOP');
  return { queues, redis };
}
