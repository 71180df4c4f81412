import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startBulletin, stopBulletin } from '../support/run-cli.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const SECRET = 'feed-secret-9f2c';

/**
 * A feed URL with credentials (`http://user:secret@host/feed`) is shown and logged with its
 * password masked: the listing, the commands' output, `feed.failed` and `job.failed`.
 */
describe('a password in a feed URL is never shown', { timeout: 120_000 }, () => {
  let t: TestApp;
  let server: http.Server;
  let url: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    server = http.createServer((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    url = `http://reader:${SECRET}@127.0.0.1:${port}/feed`;
    env = { ...t.env, FEEDS_ALLOW_PRIVATE: 'true', LOG_LEVEL: 'info' };
  });
  afterAll(async () => {
    server.close();
    await t.close();
  });

  it('feeds add, poll and list print user:***@, and so do their logs', async () => {
    const added = await runCli(['feeds', 'add', url], env);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('http://reader:***@127.0.0.1:');
    const polled = await runCli(['feeds', 'poll'], env);
    expect(polled.code).toBe(1);
    expect(polled.stdout).toContain('the server answered 503');
    expect(polled.stderr).toContain('"event":"feed.failed"');
    const again = await runCli(['feeds', 'add', url], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('a feed with this URL exists: http://reader:***@');
    const listed = await runCli(['feeds', 'list'], env);
    const json = await runCli(['feeds', 'list', '--json'], env);
    const [row] = JSON.parse(json.stdout);
    expect(row.url).toMatch(/^http:\/\/reader:\*\*\*@127\.0\.0\.1:\d+\/feed$/);
    expect(row.lastError).toContain('http://reader:***@');
    for (const output of [added, polled, again, listed, json])
      expect(`${output.stdout}${output.stderr}`).not.toContain(SECRET);
  });

  it("a worker's job.failed line masks it too", async () => {
    const worker = await startBulletin(['worker'], env);
    try {
      const deadline = Date.now() + 30_000;
      while (!worker.output().includes('"event":"job.failed"') && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(worker.output()).toContain('"event":"job.failed"');
      expect(worker.output()).toContain('http://reader:***@');
      expect(worker.output()).not.toContain(SECRET);
    } finally {
      await stopBulletin(worker.child);
    }
  });
});
