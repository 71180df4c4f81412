import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReceived } from '../support/flow-helpers.js';
import { runCli, startBulletin, stopBulletin } from '../support/run-cli.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-test-server.js';
import { createTestApp, type TestApp, waitFor } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';

/**
 * The whole product as an operator runs it: `bulletin start` in one process, the admin CLI in
 * others, mail to a real SMTP server.
 */
describe.each(DIALECTS)('bulletin start, then the CLI (%s)', (dialect) => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let env: Record<string, string>;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp(dialect, { smtpUrl: smtp.url });
    env = { ...t.env, PORT: '0', LOG_LEVEL: 'warn' };
  });
  afterAll(async () => {
    await smtp.close();
    await t.close();
  });

  it('delivers a published story to a follower within seconds and shuts down cleanly', async () => {
    const server = await startBulletin(['start'], env);
    try {
      expect(server.webUrl).toMatch(/^http:\/\/localhost:\d+$/);
      expect((await fetch(`${server.webUrl}/healthz`)).status).toBe(200);

      const setup = [
        [
          'topics',
          'add',
          'entity-list',
          '--name',
          'Entity List',
          '--query',
          '"entity list" OR tag:"export controls"',
        ],
        ['subscribers', 'add', 'fay@corp.example', '--name', 'Fay', '--plan', 'subscriber'],
        ['subscribers', 'add', 'gus@corp.example', '--plan', 'free'],
        [
          'subscriptions',
          'add',
          'fay@corp.example',
          '--topic',
          'entity-list',
          '--cadence',
          'instant',
        ],
      ];
      for (const args of setup)
        expect(await runCli(args, env)).toMatchObject({ code: 0, stderr: '' });

      const story = {
        id: 'e2e-1',
        url: 'https://brief.example/e2e-1',
        headline: 'Commerce adds 27 Chinese entities to the Entity List',
        summary: 'The rule takes effect today.',
        publishedAt: '2026-11-28T09:00:00+01:00',
        tags: ['export controls'],
      };
      const published = await runCli(['stories', 'publish', '-'], env, JSON.stringify(story));
      expect(published).toMatchObject({ code: 0 });

      await waitFor(() => smtp.received.length > 0, 20_000, 'the alert at the SMTP server');
      const mail = await parseReceived(smtp.received[0]!);
      expect(smtp.received.map((m) => m.to)).toEqual([['fay@corp.example']]);
      expect(mail.subject).toContain('Commerce adds 27 Chinese entities');
      expect(mail.text).toContain('https://brief.example/e2e-1');
      expect(mail.html).toContain('Commerce adds 27 Chinese entities');

      const listed = await waitFor(
        async () => {
          const rows = JSON.parse((await runCli(['deliveries', 'list', '--json'], env)).stdout);
          return rows[0]?.status === 'sent' ? rows : undefined;
        },
        20_000,
        'the delivery to show as sent',
      );
      expect(listed).toEqual([
        expect.objectContaining({
          kind: 'alert',
          recipient: 'fay@corp.example',
          storyIds: ['e2e-1'],
          status: 'sent',
        }),
      ]);
    } finally {
      expect(await stopBulletin(server.child)).toBe(0);
    }
    // Seven processes start one after the other, each loading TypeScript: on a busy machine
    // that alone takes most of the default 30 s.
  }, 90_000);
});

describe('shutting down while a message is being sent', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let slow: { release: () => void } | null = null;
  let dataStarted = false;

  beforeAll(async () => {
    // The server holds the message until the test lets it go.
    smtp = await startSmtpServer({
      onData(stream, session, callback) {
        dataStarted = true;
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          slow = {
            release: () => {
              smtp.received.push({
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
                secure: session.secure,
                raw: Buffer.concat(chunks),
              });
              callback(null, 'Queued');
            },
          };
        });
      },
    });
    t = await createTestApp('sqlite', { smtpUrl: smtp.url });
  });
  afterAll(async () => {
    await smtp.close();
    await t.close();
  });

  it('finishes the send on SIGTERM, records it, and exits 0', async () => {
    const env = { ...t.env, PORT: '0', LOG_LEVEL: 'warn' };
    const server = await startBulletin(['worker'], env);
    for (const args of [
      ['topics', 'add', 'tariffs', '--name', 'Tariffs', '--query', 'tariff*'],
      ['subscribers', 'add', 'pat@corp.example'],
      ['subscriptions', 'add', 'pat@corp.example', '--topic', 'tariffs', '--cadence', 'instant'],
    ]) {
      expect(await runCli(args, env)).toMatchObject({ code: 0 });
    }
    const story = {
      id: 'slow-1',
      url: 'https://brief.example/slow-1',
      headline: 'Tariffs rise',
      publishedAt: '2026-11-28T09:00:00Z',
    };
    expect(await runCli(['stories', 'publish', '-'], env, JSON.stringify(story))).toMatchObject({
      code: 0,
    });

    await waitFor(() => slow !== null, 20_000, 'the message to reach the server');
    expect(dataStarted).toBe(true);
    const exited = stopBulletin(server.child, 'SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.child.exitCode).toBeNull(); // still finishing the send
    slow!.release();
    expect(await exited).toBe(0);

    expect(smtp.received).toHaveLength(1);
    const rows = JSON.parse((await runCli(['deliveries', 'list', '--json'], env)).stdout);
    expect(rows).toEqual([expect.objectContaining({ status: 'sent', attempts: 1 })]);
  });
});
