import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BulletinProcess, parseLog, spawnBulletin } from '../support/bulletin-process.js';
import { type FaultSmtpServer, startFaultSmtpServer } from '../support/fault-smtp-server.js';
import { createTestApp, type TestApp, waitFor } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';

const PASSWORD = 's3cret-smtp-pass';

/**
 * `bulletin start` and `bulletin worker` with an SMTP_URL nothing answers on: a warning at start
 * naming the server (its password masked), and `/readyz` saying so in its body while it stays
 * 200 (readiness is the database and Redis; a mail outage only makes mail wait).
 */
describe.each(DIALECTS)('a mail server that does not answer (%s)', (dialect) => {
  let smtp: FaultSmtpServer;
  let t: TestApp;
  let smtpUrl: string;
  const running: BulletinProcess[] = [];

  beforeEach(async () => {
    // Closed: its port refuses connections, and stays the same when it opens again.
    smtp = await startFaultSmtpServer();
    await smtp.setMode('closed');
    smtpUrl = `smtp://bulletin:${PASSWORD}@127.0.0.1:${smtp.port}`;
    t = await createTestApp(dialect, { smtpUrl });
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
    await t.close();
    await smtp.close();
  });

  async function spawn(role: 'start' | 'worker'): Promise<BulletinProcess> {
    const bulletin = await spawnBulletin([role], { ...t.env, PORT: '0', LOG_LEVEL: 'info' });
    running.push(bulletin);
    return bulletin;
  }

  const masked = () => `smtp://bulletin:***@127.0.0.1:${smtp.port}`;

  /** Would fail if start said nothing, or named the server with its password. */
  it('start warns at once, and /readyz says so in its body with status 200', async () => {
    const bulletin = await spawn('start');
    const warning = await warningOf(bulletin);
    expect(warning).toMatchObject({ level: 40, server: masked() });
    expect(String(warning?.error)).toMatch(/ECONNREFUSED/);
    expect(String(warning?.msg)).toContain(
      `the mail server ${masked()} (SMTP_URL) does not answer`,
    );
    // The start-up message says it beside where mail goes.
    expect(bulletin.output()).toMatch(
      new RegExp(`mail: +smtp://127\\.0\\.0\\.1:${smtp.port} \\(not answering: .*ECONNREFUSED`),
    );
    expect(bulletin.output()).not.toContain(PASSWORD);

    const response = await fetch(`${bulletin.webUrl}/readyz`);
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect(body).toMatchObject({
      ok: true,
      database: { ok: true },
      redis: { ok: true },
      mail: { state: 'not-answering', server: masked() },
    });
    expect(String((body.mail as { error: string }).error)).toMatch(/ECONNREFUSED/);
    expect(body.warnings).toEqual([expect.stringContaining(`the mail server ${masked()}`)]);
    expect(JSON.stringify(body)).not.toContain(PASSWORD);
  });

  it('a worker warns at start too', async () => {
    const bulletin = await spawn('worker');
    expect(await warningOf(bulletin)).toMatchObject({ level: 40, server: masked() });
    expect(bulletin.output()).not.toContain(PASSWORD);
  });
});

/** The warning's log line (stderr may arrive a moment after the start-up message on stdout). */
function warningOf(bulletin: BulletinProcess) {
  return waitFor(
    () => parseLog(bulletin.output()).find((e) => e.event === 'smtp.not_answering'),
    10_000,
    'the smtp.not_answering warning',
  );
}
