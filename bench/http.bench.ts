/**
 * The reader-facing web routes under load, against the real server:
 *
 *   npm run bench:http [-- --readers 10000] [--small 2000] [--connections 20]
 *                      [--dialect sqlite|postgres] [--profile] [--keep]
 *
 * Seeds readers (each following a topic, daily) through the project's own services, starts
 * `node bin/bulletin.js serve` as a child process, and drives it with autocannon: one-click
 * unsubscribes (`POST /u/:token`, each request a different reader), trial redirects
 * (`GET /t/:token`) and preference page loads (`GET /p/:token`), first `--small` requests of
 * each, then `--readers`, so the ratio shows whether the rate holds as the tables grow. After
 * each run the database is counted: every unsubscribe and every trial click the server
 * answered for must be there, and nothing else.
 *
 * Target: at least 2,000 requests/s with p99 at most 50 ms, on every route.
 *
 * Options (defaults in brackets):
 *   --readers N       requests per route in the full run, and distinct readers for it [10000]
 *   --small N         requests per route in the smaller run [2000]
 *   --connections N   concurrent connections [20]
 *   --dialect D       sqlite or postgres [sqlite]
 *   --profile         run the server under `node --cpu-prof` and say where its CPU went
 *   --keep            keep the database and the temporary directory
 *   --routes LIST     which routes to drive [unsubscribe,trial,preferences]; or the admin
 *                     reports (bench/http-admin-routes.ts): `admin` for all, or some of
 *                     admin-campaigns, admin-campaign, admin-deliverability[-90], admin-digests[-90]
 *   --deliveries N    the admin reports' database: deliveries [10000000], with
 *   --report-readers N  readers [100000] and 100 campaigns
 *
 * Environment: BENCH_POSTGRES_URL (see bench/bench-database.ts), BENCH_REDIS_URL
 * [redis://127.0.0.1:6379]; the server needs Redis (its readiness and metrics ask it).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { pino } from 'pino';
import { findReaderLinkKey } from '../db/repositories/reader-secret.repository.js';
import { type App, openApp } from '../src/app.js';
import { loadSettings } from '../src/config/settings.js';
import { signToken, type TokenPayload } from '../src/domain/signed-token.js';
import { saveReader } from '../src/services/readers/readers.service.js';
import { subscribe } from '../src/services/readers/subscriptions.service.js';
import { addTopic } from '../src/services/topics/topics.service.js';
import { createBenchDatabase, type Dialect } from './bench-database.js';
import { deleteQueueKeys } from './bench-queue-keys.js';
import { formatProfileSummary, profileFiles, summarizeProfiles } from './cpu-profile-summary.js';
import { ADMIN_ROUTES, type AdminRoute, benchAdminRoutes } from './http-admin-routes.js';
import {
  allRecorded,
  meetsTarget,
  printResults,
  type Route,
  type RunResult,
} from './http-results.js';
import { processCpuMs, startBulletinServe } from './run-child.js';

const TOPICS = ['customs', 'sanctions', 'export-controls'];

const { values } = parseArgs({
  options: {
    readers: { type: 'string', default: '10000' },
    small: { type: 'string', default: '2000' },
    connections: { type: 'string', default: '20' },
    dialect: { type: 'string', default: 'sqlite' },
    profile: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    routes: { type: 'string', default: 'unsubscribe,trial,preferences' },
    deliveries: { type: 'string', default: '10000000' },
    'report-readers': { type: 'string', default: '100000' },
  },
});
const adminRoutes = values.routes
  .split(',')
  .map((r) => r.trim())
  .flatMap((r) => (r === 'admin' ? Object.keys(ADMIN_ROUTES) : r.startsWith('admin-') ? [r] : []));
const full = toCount(values.readers, 'readers');
const small = toCount(values.small, 'small');
const connections = toCount(values.connections, 'connections');
if (values.dialect !== 'sqlite' && values.dialect !== 'postgres')
  usage('--dialect: sqlite or postgres');
const dialect = values.dialect as Dialect;

const ROUTES: readonly Route[] = ['unsubscribe', 'trial', 'preferences'];
const chosen = new Set(values.routes.split(',').map((r) => r.trim()));
for (const route of adminRoutes)
  if (!(route in ADMIN_ROUTES)) usage(`--routes: ${route} is not one of the admin routes`);
for (const route of adminRoutes.length > 0 ? [] : chosen)
  if (!ROUTES.includes(route as Route)) usage(`--routes: a list of ${ROUTES.join(', ')}`);

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-bench-http-'));
  const database = await createBenchDatabase(dialect, dir);
  const queuePrefix = `bench-http-${randomBytes(4).toString('hex')}`;
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const port = await freePort();
  const env: Record<string, string> = {
    VAR_DIR: path.join(dir, 'var'),
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: queuePrefix,
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    TRIAL_URL: 'https://publisher.example/trial',
    MAIL_FROM: 'Bench Brief <alerts@bench.example>',
    POSTAL_ADDRESS: '1 Bench Street, Benchville',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  const app = await openApp(loadSettings(env), { migrate: true, log: pino({ level: 'warn' }) });
  let server: ChildProcess | null = null;
  const cleanUp = async () => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    await app.close();
    if (!values.keep) {
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await deleteQueueKeys(redisUrl, queuePrefix);
  };
  process.once('SIGINT', () => {
    server?.kill('SIGKILL');
    process.exit(130);
  });
  try {
    // The warm-up's unsubscribes need readers of their own too.
    const warm = Math.min(1000, small);
    const readers = warm + small + full;
    console.log(
      `bench:http on ${dialect} (${database.description}), ${connections} connections; ` +
        `figures from a machine shared with other work`,
    );
    const seeded = await seedReaders(app, readers);
    console.log(`seeded ${readers} readers through the services in ${seeded.toFixed(1)} s`);

    const profileDir = path.join(dir, 'profile');
    server = await startBulletinServe(
      env,
      values.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
    );
    server.stderr?.on('data', (chunk) => process.stderr.write(chunk));
    const base = `http://127.0.0.1:${port}`;
    const tokens = await makeTokens(app, readers);

    // Warm up every route (JIT, statement caches, the pool); not counted.
    await load(base, 'POST', tokens.unsubscribe.slice(0, warm), warm);
    await load(base, 'GET', tokens.trial, warm);
    await load(base, 'GET', tokens.preferences, warm);

    const results: RunResult[] = [];
    let unsubscribed = await countUnsubscribed(app);
    for (const [size, offset] of [
      [small, warm],
      [full, warm + small],
    ] as const) {
      const beforeClicks = await countTrialClicks(app);
      if (chosen.has('unsubscribe')) {
        const unsub = await load(
          base,
          'POST',
          tokens.unsubscribe.slice(offset, offset + size),
          size,
          server.pid,
        );
        const nowUnsubscribed = await countUnsubscribed(app);
        results.push(
          summarize('unsubscribe', size, unsub, 200, nowUnsubscribed - unsubscribed, size),
        );
        unsubscribed = nowUnsubscribed;
      }
      if (chosen.has('trial')) {
        const trial = await load(base, 'GET', tokens.trial, size, server.pid);
        const clicks = (await countTrialClicks(app)) - beforeClicks;
        results.push(summarize('trial', size, trial, 302, clicks, size));
      }
      if (chosen.has('preferences')) {
        const prefs = await load(base, 'GET', tokens.preferences, size, server.pid);
        results.push(summarize('preferences', size, prefs, 200, null, null));
      }
    }
    printResults(results);

    const code = await stopServer(server);
    if (code !== 0) console.log(`the server exited with ${code} on SIGTERM`);
    if (values.profile) {
      console.log('\nwhere the server spent its CPU (node --cpu-prof):');
      for (const line of formatProfileSummary(summarizeProfiles(profileFiles([profileDir]))))
        console.log(`  ${line}`);
    }
    const failed = results.filter((r) => !meetsTarget(r) || !allRecorded(r));
    process.exitCode = failed.length > 0 ? 1 : 0;
  } finally {
    await cleanUp();
  }
}

/** Readers `reader-N@bench.example`, each following one topic daily, one call at a time. */
async function seedReaders(app: App, count: number): Promise<number> {
  const started = performance.now();
  for (const slug of TOPICS) await addTopic(app, { slug, name: slug, query: slug });
  for (let i = 0; i < count; i++) {
    const email = readerEmail(i);
    await saveReader(app, {
      email,
      name: `Reader ${i}`,
      plan: i % 2 === 0 ? 'subscriber' : 'free',
      trialEndsAt: null,
      tz: 'Europe/Berlin',
      marketingConsent: false,
    });
    await subscribe(app, { email, topic: TOPICS[i % TOPICS.length] as string, cadence: 'daily' });
    if ((i + 1) % 5000 === 0) process.stdout.write(`  ${i + 1} readers\n`);
  }
  return (performance.now() - started) / 1000;
}

const readerEmail = (i: number): string => `reader-${i}@bench.example`;

/** Request paths, one per reader: the links their emails carry. */
async function makeTokens(app: App, count: number): Promise<Record<Route, string[]>> {
  const expires = new Date(Date.now() + 7 * 86_400_000);
  const tokens: Record<Route, string[]> = { unsubscribe: [], trial: [], preferences: [] };
  for (let i = 0; i < count; i++) {
    const { id: reader, secret } = (await findReaderLinkKey(app.db, { email: readerEmail(i) }))!;
    const path = (prefix: string, payload: TokenPayload) =>
      `/${prefix}/${signToken(app.secretKey, payload, secret, expires)}`;
    tokens.unsubscribe.push(path('u', { kind: 'unsubscribe', reader }));
    tokens.trial.push(
      path('t', { kind: 'trial', reader, story: `story-${i % 50}`, source: { digest: i + 1 } }),
    );
    tokens.preferences.push(path('p', { kind: 'preferences', reader }));
  }
  return tokens;
}

/** An autocannon run, and how long it took from the start to its last answer. */
interface LoadRun {
  result: autocannon.Result;
  seconds: number;
  serverCpuMs: number | null;
}

/**
 * `amount` requests, each to the next of `paths` (wrapping around), on `connections`
 * connections. Timed here: autocannon ends a run on its one-second tick, so its own start and
 * finish round a short run up to whole seconds.
 */
async function load(
  base: string,
  method: 'GET' | 'POST',
  paths: string[],
  amount: number,
  serverPid?: number,
): Promise<LoadRun> {
  let next = 0;
  const cpuBefore = processCpuMs(serverPid);
  const started = performance.now();
  let lastAnswer = started;
  const options: autocannon.Options = {
    url: base,
    connections,
    amount,
    timeout: 10,
    requests: [
      {
        method,
        // A one-click unsubscribe is RFC 8058's form POST; the GETs carry no body.
        ...(method === 'POST'
          ? {
              body: 'List-Unsubscribe=One-Click',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
            }
          : {}),
        setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] as string }),
      },
    ],
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, result) =>
      error ? reject(error) : resolve(result),
    );
    instance.on('response', () => {
      lastAnswer = performance.now();
    });
  });
  const cpuAfter = processCpuMs(serverPid);
  const serverCpuMs =
    cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / amount;
  return { result, seconds: (lastAnswer - started) / 1000, serverCpuMs };
}

function summarize(
  route: Route,
  size: number,
  { result, seconds, serverCpuMs }: LoadRun,
  okStatus: number,
  recorded: number | null,
  expectedRecorded: number | null,
): RunResult {
  const ok = result.statusCodeStats?.[`${okStatus}`]?.count ?? 0;
  const answered = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  return {
    route,
    size,
    requestsPerSecond: answered / seconds,
    serverCpuMs,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    bad: size - ok + result.errors,
    recorded,
    expectedRecorded,
  };
}

async function countUnsubscribed(app: App): Promise<number> {
  const row = await app.db
    .selectFrom('subscribers')
    .select(sql<number>`count(*)`.as('n'))
    .where('status', '=', 'unsubscribed')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function countTrialClicks(app: App): Promise<number> {
  const row = await app.db
    .selectFrom('trial_clicks')
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function stopServer(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  return exited;
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function toCount(text: string, name: string): number {
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) usage(`--${name} must be a positive whole number`);
  return n;
}

function usage(message: string): never {
  console.error(`bench:http: ${message}`);
  process.exit(2);
}

if (adminRoutes.length > 0) {
  const met = await benchAdminRoutes({
    dialect,
    routes: adminRoutes as AdminRoute[],
    readers: toCount(values['report-readers'], 'report-readers'),
    deliveries: toCount(values.deliveries, 'deliveries'),
    requests: 20,
    port: await freePort(),
    keep: values.keep,
  });
  process.exitCode = met ? 0 : 1;
} else await main();
