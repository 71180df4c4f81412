import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullPrefix, QUEUE } from '../../jobs/queue-names.js';
import { runCli } from '../support/run-cli.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';
import { TEST_REDIS_URL } from '../support/test-redis.js';

const FEED = `<?xml version="1.0"?><rss version="2.0"><channel><title>Brief</title><link>https://brief.example</link>
<item><guid>f1</guid><title>Export controls tightened</title><link>https://brief.example/f1</link><description>Teaser</description><category>BIS</category><pubDate>Sat, 28 Nov 2026 09:00:00 GMT</pubDate></item>
</channel></rss>`;

describe.each(DIALECTS)('bulletin feeds (%s)', (dialect) => {
  let t: TestApp;
  let server: http.Server;
  let base: string;
  let env: Record<string, string>;
  let feeds: Queue;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    env = { ...t.env, FEEDS_ALLOW_PRIVATE: 'true' };
    server = http.createServer((req, res) => {
      if (req.url === '/broken') {
        res.statusCode = 500;
        return res.end();
      }
      if (req.url === '/cut-short') {
        res.setHeader('content-type', 'application/rss+xml');
        return res.end('<rss><channel><item><title>unterminated');
      }
      if (req.url === '/page') {
        res.setHeader('content-type', 'text/html');
        return res.end('<!doctype html><html><body><p>Moved<br>away</body></html>');
      }
      res.setHeader('content-type', 'application/rss+xml');
      res.end(FEED);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    feeds = new Queue(QUEUE.feeds, {
      connection: { url: TEST_REDIS_URL },
      prefix: bullPrefix(t.settings.queuePrefix),
    });
  });
  afterAll(async () => {
    await feeds.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  it('adds, lists, polls and removes feeds, each polled by its own job scheduler', async () => {
    const added = await runCli(
      [
        'feeds',
        'add',
        `${base}/rss`,
        '--every',
        '10m',
        '--section',
        'Trade',
        '--access',
        'free',
        '--tag',
        'A',
        '--tag',
        'B',
      ],
      env,
    );
    expect(added.code, added.stderr).toBe(0);
    const id = added.stdout.trim().split(/\s+/).pop();
    expect(id).toMatch(/^\d+$/);
    const broken = await runCli(['feeds', 'add', `${base}/broken`], env);
    const brokenId = broken.stdout.trim().split(/\s+/).pop();

    const schedulers = await feeds.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every]).sort()).toEqual([
      [`feed.${id}`, 600_000],
      [`feed.${brokenId}`, 300_000],
    ]);

    const polled = await runCli(['feeds', 'poll'], env);
    expect(polled.code).toBe(1);
    expect(polled.stdout).toMatch(/1 items, 1 new/);
    expect(polled.stdout).toMatch(/failed: .*answered 500/);

    const listed = JSON.parse((await runCli(['feeds', 'list', '--json'], env)).stdout);
    expect(listed).toEqual([
      expect.objectContaining({
        id: Number(id),
        url: `${base}/rss`,
        every: '10m',
        section: 'Trade',
        access: 'free',
        tags: ['A', 'B'],
        lastPolledAt: expect.any(String),
        lastError: null,
        lastErrorAt: null,
      }),
      expect.objectContaining({
        id: Number(brokenId),
        every: '5m',
        lastError: expect.stringMatching(/answered 500/),
        lastErrorAt: expect.any(String),
      }),
    ]);
    const stories = JSON.parse((await runCli(['stories', 'list', '--json'], env)).stdout);
    expect(stories).toEqual([
      expect.objectContaining({
        id: 'f1',
        access: 'free',
        section: 'Trade',
        tags: ['A', 'B', 'BIS'],
      }),
    ]);

    const removed = await runCli(['feeds', 'remove', String(brokenId)], env);
    expect(removed.code).toBe(0);
    expect((await feeds.getJobSchedulers()).map((s) => s.key)).toEqual([`feed.${id}`]);
    expect((await runCli(['feeds', 'remove', String(brokenId)], env)).code).toBe(2);
  }, 120_000);

  it('fails a poll of XML that is not well-formed, or of a page that is not a feed, saying why', async () => {
    const ids: Record<string, string> = {};
    for (const where of ['cut-short', 'page']) {
      const added = await runCli(['feeds', 'add', `${base}/${where}`], env);
      expect(added.code, added.stderr).toBe(0);
      ids[where] = added.stdout.trim().split(/\s+/).pop() as string;
    }
    const cut = await runCli(['feeds', 'poll', ids['cut-short'] as string], env);
    expect(cut.code).toBe(1);
    expect(cut.stdout.trim()).toBe(
      `feed ${ids['cut-short']} (${base}/cut-short): failed: not well-formed XML: the document ends (line 1) with <rss>, <channel>, <item>, <title> still open (cut short?)`,
    );
    expect(cut.stderr).toContain('1 feed(s) failed; feeds list shows why');
    const page = await runCli(['feeds', 'poll', ids.page as string], env);
    expect(page.code).toBe(1);
    expect(page.stdout).toMatch(/failed: not an RSS or Atom feed: the answer is an HTML page$/m);

    const listed = JSON.parse((await runCli(['feeds', 'list', '--json'], env)).stdout);
    const byId = (id: string | undefined) =>
      listed.find((f: { id: number }) => f.id === Number(id));
    // Never a success: no lastSuccessAt, the error and its time shown, no story stored.
    expect(byId(ids['cut-short'])).toMatchObject({
      url: `${base}/cut-short`,
      lastPolledAt: expect.any(String),
      lastSuccessAt: null,
      lastError: expect.stringMatching(/^not well-formed XML: the document ends/),
      lastErrorAt: expect.any(String),
    });
    expect(byId(ids.page)).toMatchObject({
      lastSuccessAt: null,
      lastError: 'not an RSS or Atom feed: the answer is an HTML page',
      lastErrorAt: expect.any(String),
    });
    const stories = JSON.parse((await runCli(['stories', 'list', '--json'], env)).stdout);
    expect(stories.map((story: { id: string }) => story.id)).toEqual(['f1']);
  }, 120_000);

  it('refuses a bad URL, interval or access with exit 2', async () => {
    expect((await runCli(['feeds', 'add', 'ftp://x.example/feed'], env)).code).toBe(2);
    expect((await runCli(['feeds', 'add', `${base}/x`, '--every', 'often'], env)).stderr).toMatch(
      /--every/,
    );
    expect((await runCli(['feeds', 'add', `${base}/x`, '--access', 'gold'], env)).stderr).toMatch(
      /--access/,
    );
  }, 60_000);
});
