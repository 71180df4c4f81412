import { spawn } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LogEvent, spawnBulletin, summarizeTrouble } from '../support/bulletin-process.js';
import { cliJson, seedReaders } from '../support/fault-rig.js';
import { type FaultSmtpServer, startFaultSmtpServer } from '../support/fault-smtp-server.js';
import { runCli, stopBulletin } from '../support/run-cli.js';
import { createTestApp, type TestApp, waitFor } from '../support/test-app.js';

/**
 * Something else holds the web port when `bulletin start` comes up, with work waiting in the
 * queues. It must give up at once and cleanly: exit 1, one line saying why, and the waiting
 * work left for the next start, neither sent nor failed.
 */
const BIN = path.resolve(import.meta.dirname, '../../bin/bulletin.js');
const READER = 'r0@corp.example';
let smtp: FaultSmtpServer;
let t: TestApp;
let blocker: net.Server;
let port: number;

beforeAll(async () => {
  smtp = await startFaultSmtpServer();
  t = await createTestApp('sqlite', { smtpUrl: smtp.url, env: { ALERT_WINDOW: '1s' } });
  await seedReaders(t, [READER]);
  const story = {
    id: 'port-1',
    url: 'https://brief.example/stories/port-1',
    headline: 'Drill port-1: customs rule changes',
    publishedAt: new Date().toISOString(),
    tags: ['drill'],
  };
  // Queues the match job in Redis, where the start below will find it.
  expect(await runCli(['stories', 'publish', '-'], t.env, JSON.stringify(story))).toMatchObject({
    code: 0,
  });
  // Listening on every address, as the web server does, so its listen must fail.
  blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, resolve));
  port = (blocker.address() as AddressInfo).port;
});
afterAll(async () => {
  if (blocker?.listening) await new Promise((resolve) => blocker.close(resolve));
  await smtp?.close();
  await t?.close();
});

/**
 * Runs `bulletin start` until it exits, or gives up (and kills it) 10 s after its first plain
 * line on stderr or 90 s after the spawn. "At once" is timed from that line: how long a start
 * takes before it gets to the port depends on the machine's load, not on Bulletin (3.5 s
 * alone, over 30 s beside the rest of this suite on a busy two-core machine).
 */
async function startExpectingExit(env: Record<string, string>) {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let saidAt: number | null = null;
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    if (saidAt === null && stderr.split('\n').some((l) => l && !l.startsWith('{'))) {
      saidAt = Date.now();
    }
  });
  child.stdout.resume();
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  while (!exited()) {
    const now = Date.now();
    if (now - started > 90_000 || (saidAt !== null && now - saidAt > 10_000)) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const code = exited() ? child.exitCode : null;
  const exitedAt = exited() ? Date.now() : null;
  if (!exited()) await stopBulletin(child, 'SIGKILL');
  return {
    code,
    stderr,
    startMs: (saidAt ?? exitedAt ?? Date.now()) - started,
    /** From the plain line to the exit; null when it did not exit. */
    exitAfterLineMs: exitedAt === null ? null : exitedAt - (saidAt ?? exitedAt),
  };
}

it('exits 1 at once with one line on stderr, having sent nothing and failed no job', async () => {
  const env = { ...t.env, PORT: String(port), LOG_LEVEL: 'info' };
  const run = await startExpectingExit(env);
  const lines = run.stderr.trimEnd().split('\n').filter(Boolean);
  const said = lines.filter((line) => !line.startsWith('{'));
  const events = lines.filter((line) => line.startsWith('{')).map((l) => JSON.parse(l) as LogEvent);
  const failedJobs = events
    .filter((e) => e.event === 'job.failed' || e.event === 'worker.error')
    .map((e) => `${e.event} ${e.queue} ${e.job ?? ''}: ${e.error}`);
  const received = (await smtp.accepted()).length;
  const deliveries = (await cliJson<{ status: string }[]>(
    ['deliveries', 'list', '--json'],
    t.env,
  ))!;
  const handled = deliveries.filter((d) => d.status !== 'queued');
  const outcome =
    run.exitAfterLineMs === null
      ? 'still running 10 s after saying why (killed)'
      : `exit ${run.code} ${run.exitAfterLineMs} ms after saying why`;

  console.log(
    [
      `[fault port taken] port ${port}: first plain line ${run.startMs} ms after the spawn, ${outcome}`,
      `  stderr: ${said.length} plain line(s), ${events.length} log line(s); warnings and errors logged: ${summarizeTrouble(events)}`,
      ...said.slice(0, 5).map((line) => `  | ${line}`),
      `  emails received ${received}, deliveries ${deliveries.length} (${handled.map((d) => d.status).join(', ') || 'none handled'}), failed jobs ${failedJobs.length}`,
      ...failedJobs.slice(0, 3).map((line) => `  | ${line}`),
    ].join('\n'),
  );

  // Soft, so that every broken promise is listed, not only the first.
  expect.soft(run.code).toBe(1);
  expect.soft(run.exitAfterLineMs ?? Number.POSITIVE_INFINITY).toBeLessThan(3000);
  expect.soft(said).toHaveLength(1);
  expect.soft(said[0] ?? '').toContain(String(port));
  expect.soft(received).toBe(0);
  expect.soft(handled).toEqual([]);
  expect.soft(failedJobs).toEqual([]);
}, 150_000);

it('leaves the waiting work to the next start, which sends it once', async () => {
  await new Promise((resolve) => blocker.close(resolve));
  const server = await spawnBulletin(['start'], {
    ...t.env,
    PORT: String(port),
    LOG_LEVEL: 'warn',
  });
  try {
    await waitFor(async () => (await smtp.accepted()).length > 0, 20_000, 'the waiting alert');
    const received = await smtp.accepted();
    expect(received.map((m) => m.to)).toEqual([[READER]]);
  } finally {
    expect(await server.stop()).toBe(0);
  }
  // Room for a start that takes as long as spawnBulletin allows (2 minutes on a busy machine).
}, 180_000);
