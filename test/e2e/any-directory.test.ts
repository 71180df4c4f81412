import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReceived } from '../support/flow-helpers.js';
import { runCli, startBulletin, stopBulletin } from '../support/run-cli.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-test-server.js';
import { createTestApp, type TestApp, waitFor } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';

const NO_TYPESCRIPT = path.resolve(import.meta.dirname, '../support/no-typescript-loader.mjs');

/**
 * Bulletin as cron, systemd and a deploy script run it: `node /path/to/bin/bulletin.js` from
 * another working directory (`/`), from the build alone (tsx and TypeScript refused on every
 * thread), rendering mail on the mail thread and parsing a large story file on the parse
 * threads.
 */
describe.each(DIALECTS)('bulletin run from / (%s)', { timeout: 180_000 }, (dialect) => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let env: Record<string, string>;
  let dir: string;
  const fromRoot = { cwd: '/' };

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp(dialect, { smtpUrl: smtp.url });
    env = {
      ...t.env,
      PORT: '0',
      LOG_LEVEL: 'warn',
      MAIL_THREAD: 'true',
      NODE_OPTIONS: `--import=${NO_TYPESCRIPT}`,
    };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-anydir-'));
  });
  afterAll(async () => {
    await smtp.close();
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('renders and sends a digest, and publishes a large file on its threads', async () => {
    const setup = [
      ['topics', 'add', 'entity-list', '--name', 'Entity List', '--query', '"entity list"'],
      ['subscribers', 'add', 'ida@corp.example', '--plan', 'subscriber', '--tz', 'UTC'],
      ['subscriptions', 'add', 'ida@corp.example', '--topic', 'entity-list', '--at', '07:00'],
    ];
    for (const args of setup)
      expect(await runCli(args, env, undefined, fromRoot)).toMatchObject({ code: 0, stderr: '' });

    // The first 07:05 UTC after the subscription was made: its daily digest is due then.
    const due = new Date();
    due.setUTCHours(7, 5, 0, 0);
    if (due.getTime() <= Date.now() + 5 * 60_000) due.setUTCDate(due.getUTCDate() + 1);
    const publishedAt = new Date(due.getTime() - 2 * 3_600_000).toISOString();

    // Over the size from which `stories publish` parses on worker threads.
    const file = path.join(dir, 'stories.jsonl');
    const filler = 'Customs rulings and tariff notices. '.repeat(60);
    const lines = Array.from({ length: 2_500 }, (_, i) =>
      JSON.stringify({
        id: `bulk-${i}`,
        url: `https://brief.example/bulk-${i}`,
        headline: i === 7 ? 'Commerce adds 27 entities to the Entity List' : `Notice ${i}`,
        summary: 'A short teaser.',
        body: filler,
        publishedAt,
      }),
    );
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    expect(fs.statSync(file).size).toBeGreaterThan(4 * 1024 * 1024);
    const published = await runCli(['stories', 'publish', file], env, undefined, fromRoot);
    expect(published.stderr).toBe('');
    expect(published.stdout).toMatch(/published 2500 new/);

    const run = await runCli(
      ['digests', 'run', '--now', due.toISOString()],
      env,
      undefined,
      fromRoot,
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    await waitFor(() => smtp.received.length === 1, 20_000, `the digest (${run.stdout})`);
    const received = smtp.received[0] as (typeof smtp.received)[0];
    expect(received.to).toEqual(['ida@corp.example']);
    const mail = await parseReceived(received);
    expect(mail.html).toContain('Commerce adds 27 entities to the Entity List');
    expect(mail.text).toContain('Commerce adds 27 entities to the Entity List');
  });

  it('starts, serves and stops from /', async () => {
    const server = await startBulletin(['start'], env, fromRoot);
    try {
      expect((await fetch(`${server.webUrl}/healthz`)).status).toBe(200);
      expect(server.output()).not.toMatch(/error/i);
    } finally {
      expect(await stopBulletin(server.child)).toBe(0);
    }
  });
});
