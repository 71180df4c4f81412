import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectWorkQueue } from '../../jobs/direct-work-queue.js';
import { createFeedPollProcessor } from '../../jobs/feed-poll.job.js';
import { createFeedSchedule, ensureFeedSchedulers } from '../../jobs/feed-scheduler.js';
import { bullPrefix, JOB, QUEUE } from '../../jobs/queue-names.js';
import { createFeedFetcher } from '../../src/adapters/feed-fetcher.js';
import { addFeed, type FeedContext, listFeeds } from '../../src/services/stories/feeds.service.js';
import { createTestApp, type TestApp, waitFor } from '../support/test-app.js';
import { TEST_REDIS_URL } from '../support/test-redis.js';

const GOOD = `<?xml version="1.0"?><rss version="2.0"><channel><title>B</title><link>https://brief.example</link>
<item><guid>w1</guid><title>Worker story</title><link>https://brief.example/w1</link><pubDate>Sat, 28 Nov 2026 09:00:00 GMT</pubDate></item></channel></rss>`;

const NO_LINKS = `<rss version="2.0"><channel><title>B</title><item><guid>n1</guid><title>No link</title></item></channel></rss>`;

describe('the feed poll job', () => {
  let t: TestApp;
  let server: http.Server;
  let base: string;
  const requests: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    server = http.createServer((req, res) => {
      requests[req.url as string] = (requests[req.url as string] ?? 0) + 1;
      if (req.url === '/good') return res.end(GOOD);
      if (req.url === '/cut-short') return res.end('<rss><channel><item><title>unterminated');
      if (req.url === '/no-links') return res.end(NO_LINKS);
      res.statusCode = 503;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  it('retries a failing feed with backoff (a 503, XML cut short), records its error, and goes on with the others', async () => {
    const fetcher = createFeedFetcher({ allowPrivate: true, timeoutMs: 2000 });
    const ctx: FeedContext = {
      ...t.app,
      queue: new DirectWorkQueue(),
      fetcher,
      feedSchedule: { schedule: async () => {}, unschedule: async () => {} },
    };
    const failing = await addFeed(ctx, { url: `${base}/down`, everyMs: 300_000 });
    const good = await addFeed(ctx, { url: `${base}/good`, everyMs: 300_000 });
    const cutShort = await addFeed(ctx, { url: `${base}/cut-short`, everyMs: 300_000 });
    const noLinks = await addFeed(ctx, { url: `${base}/no-links`, everyMs: 300_000 });
    const connection = { url: TEST_REDIS_URL, maxRetriesPerRequest: null };
    const prefix = bullPrefix(t.settings.queuePrefix);
    const queue = new Queue(QUEUE.feeds, { connection, prefix });
    const worker = new Worker(QUEUE.feeds, createFeedPollProcessor(ctx), { connection, prefix });
    const failures: string[] = [];
    worker.on('failed', (_job, error) => failures.push(error.message));
    try {
      const opts = { attempts: 2, backoff: { type: 'fixed', delay: 50 } };
      await queue.add(JOB.pollFeed, { feedId: failing.id }, opts);
      await queue.add(JOB.pollFeed, { feedId: good.id }, opts);
      await queue.add(JOB.pollFeed, { feedId: 9999 }, opts);
      await queue.add(JOB.pollFeed, { feedId: cutShort.id }, opts);
      await queue.add(JOB.pollFeed, { feedId: noLinks.id }, opts);
      await waitFor(() => failures.length === 4, 15_000, 'four failed attempts');
      // The good feed, the removed one, and the one whose every item was rejected: waiting
      // would not mend that, so it is not retried.
      await waitFor(
        async () => (await queue.getJobCounts('completed')).completed === 3,
        15_000,
        'three completed',
      );
      expect(requests['/down']).toBe(2);
      expect(requests['/cut-short']).toBe(2);
      expect(requests['/no-links']).toBe(1);
      expect(failures.filter((message) => /answered 503/.test(message))).toHaveLength(2);
      expect(failures.filter((message) => /^not well-formed XML/.test(message))).toHaveLength(2);
      const feeds = await listFeeds(t.app);
      expect(feeds.find((f) => f.id === failing.id)?.lastError).toMatch(/answered 503/);
      expect(feeds.find((f) => f.id === good.id)?.lastError).toBeNull();
      expect(feeds.find((f) => f.id === cutShort.id)).toMatchObject({
        lastSuccessAt: null,
        lastError: expect.stringMatching(/^not well-formed XML: the document ends/),
      });
      expect(feeds.find((f) => f.id === noLinks.id)).toMatchObject({
        lastSuccessAt: null,
        lastError: expect.stringMatching(/^every item was rejected \(1\): item 1 \(n1\): url:/),
      });
      const stories = await t.app.db.selectFrom('stories').select('external_id').execute();
      expect(stories.map((s) => s.external_id)).toEqual(['w1']);
      expect(worker.isRunning()).toBe(true);
    } finally {
      await worker.close();
      await queue.close();
      await fetcher.close();
    }
  }, 60_000);

  it('gives feeds their schedulers back after Redis lost them, leaving the others alone', async () => {
    const connection = { url: TEST_REDIS_URL, maxRetriesPerRequest: null };
    const queue = new Queue(QUEUE.feeds, {
      connection,
      prefix: bullPrefix(`${t.settings.queuePrefix}-lost`),
    });
    try {
      const feeds = await listFeeds(t.app);
      expect(feeds.length).toBeGreaterThanOrEqual(2);
      const [kept, ...lost] = feeds as [(typeof feeds)[number], ...typeof feeds];
      await createFeedSchedule(queue).schedule(kept);
      const before = await queue.getJobScheduler(`feed.${kept.id}`);
      expect(await ensureFeedSchedulers(t.app.db, queue)).toBe(lost.length);
      const keys = (await queue.getJobSchedulers()).map((s) => s.key).sort();
      expect(keys).toEqual(feeds.map((f) => `feed.${f.id}`).sort());
      expect((await queue.getJobScheduler(`feed.${kept.id}`))?.next).toBe(before?.next);
      expect(await ensureFeedSchedulers(t.app.db, queue)).toBe(0);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
