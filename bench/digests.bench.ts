/**
 * Morning digests end to end, on SQLite and PostgreSQL:
 *
 *   npm run bench:digests [-- --readers 10000[,100000]] [--dialect sqlite|postgres|both]
 *
 * For each size and dialect, in a fresh database: seeds readers (about five daily
 * subscriptions each over 1,000 topics, twelve time zones, half subscribers and half free
 * readers) and one day of 500 stories through the project's own services; matches them the
 * way `bulletin digests run` does (its tick finds the stories owing a match, its drain
 * matches them); then sends every daily digest of the next day by running the real CLI,
 * `node bin/bulletin.js digests run --now ISO`, as a child process, to an SMTP sink in a
 * process of its own. Seeding and matching are timed apart and are not in the digest rate.
 *
 * Options (defaults in brackets):
 *   --readers N[,N…]         sizes [10000,100000]
 *   --dialect D[,D…]|both    sqlite, postgres [both]
 *   --topics N [1000]  --stories N [500]  --subscriptions N per reader [5]  --seed N [42]
 *   --seed-batch N           readers per seeding transaction [500]; 1 = every call commits
 *   --seed-lanes N           seeding batches in flight [sqlite 1, postgres 8]
 *   --send-runs MODE         end-of-day: `digests run --now` once after every zone's send
 *                            time [default]; per-send-time: at each zone's send instant
 *   --profile                run the CLI under `node --cpu-prof` and say where its CPU went
 *   --bare                   do not time the CLI's SQL statements and mail sends (a preload
 *                            that wraps the drivers' calls: bench/child-probes.mjs)
 *   --child-timeout MIN      give up on a size's sending after this many minutes [60]
 *   --keep                   keep the databases and the temporary directory
 *
 * Environment: BENCH_POSTGRES_URL (a server where it may create databases, default
 * postgres://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL [redis://127.0.0.1:6379];
 * SEND_CONCURRENCY, DIGEST_CONCURRENCY and MAIL_THREAD, when set, are passed on to `digests run`.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { type Db, openDatabase } from '../db/connection.js';
import { toDate, toIso } from '../db/mappers.js';
import { openApp } from '../src/app.js';
import { loadSettings } from '../src/config/settings.js';
import { runDueWorkOnce } from '../src/run-process.js';
import { type BenchDatabase, createBenchDatabase, type Dialect } from './bench-database.js';
import { formatProfileSummary, profileFiles, summarizeProfiles } from './cpu-profile-summary.js';
import { DigestPopulation, SEED_AT, ZONES } from './digest-population.js';
import { type ChildRun, killRunningChildren, runNodeChild } from './run-child.js';
import { seedThroughServices } from './seed-through-services.js';
import { type SinkCounts, startSmtpSink } from './smtp-sink-process.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(REPO, 'bin', 'bulletin.js');

const { values } = parseArgs({
  options: {
    readers: { type: 'string', default: '10000,100000' },
    dialect: { type: 'string', default: 'both' },
    topics: { type: 'string', default: '1000' },
    stories: { type: 'string', default: '500' },
    subscriptions: { type: 'string', default: '5' },
    seed: { type: 'string', default: '42' },
    'seed-batch': { type: 'string', default: '500' },
    'seed-lanes': { type: 'string' },
    'send-runs': { type: 'string', default: 'end-of-day' },
    profile: { type: 'boolean', default: false },
    bare: { type: 'boolean', default: false },
    'child-timeout': { type: 'string', default: '60' },
    keep: { type: 'boolean', default: false },
  },
});

const sizes = values.readers.split(',').map((n) => toCount(n.replace(/_/g, ''), 'readers'));
const dialects: Dialect[] =
  values.dialect === 'both'
    ? ['sqlite', 'postgres']
    : values.dialect.split(',').map((d) => {
        if (d !== 'sqlite' && d !== 'postgres') usage(`--dialect: sqlite, postgres or both`);
        return d as Dialect;
      });
const sendRuns = values['send-runs'];
if (sendRuns !== 'end-of-day' && sendRuns !== 'per-send-time')
  usage('--send-runs: end-of-day or per-send-time');
const childTimeoutMs = Number(values['child-timeout']) * 60_000;
if (!(childTimeoutMs > 0)) usage('--child-timeout: minutes, a positive number');

interface SizeResult {
  dialect: Dialect;
  readers: number;
  seedSeconds: number;
  matchSeconds: number;
  matches: number;
  due: number;
  sent: number;
  received: number;
  childRuns: number;
  childSeconds: number;
  peakRssKb: number | null;
  finished: boolean;
  ok: boolean;
}

const results: SizeResult[] = [];
const cleanups = new Set<() => Promise<void>>();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    process.stderr.write(`\n${signal}: cleaning up\n`);
    killRunningChildren();
    void Promise.allSettled([...cleanups].map((c) => c())).then(() =>
      process.exit(signal === 'SIGINT' ? 130 : 143),
    );
  });
}

console.log(
  `bench:digests — node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), ` +
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GB; sizes ${sizes.map(fmt).join(', ')}; ${dialects.join(', ')}`,
);
for (const readers of sizes) {
  for (const dialect of dialects) {
    if (interrupted) break;
    const result = await runSize(dialect, readers).catch((error: unknown) => {
      console.log(`  FAILED: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
      process.exitCode = 1;
      return null;
    });
    if (result) results.push(result);
  }
}
printSummary();

async function runSize(dialect: Dialect, readers: number): Promise<SizeResult> {
  console.log(`\n=== ${dialect}, ${fmt(readers)} readers ===`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-bench-'));
  const database = await createBenchDatabase(dialect, dir);
  const sink = await startSmtpSink();
  const cleanup = async () => {
    await sink.stop().catch(() => {});
    if (values.keep) return;
    await database.drop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  };
  cleanups.add(cleanup);
  try {
    return await measure(dialect, readers, dir, database, sink);
  } finally {
    await cleanup();
    cleanups.delete(cleanup);
    if (values.keep) console.log(`  kept: ${database.description} and ${dir}`);
  }
}

async function measure(
  dialect: Dialect,
  readers: number,
  dir: string,
  database: BenchDatabase,
  sink: Awaited<ReturnType<typeof startSmtpSink>>,
): Promise<SizeResult> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? dir,
    TMPDIR: os.tmpdir(),
    NODE_ENV: 'production',
    VAR_DIR: path.join(dir, 'var'),
    DATABASE_URL: database.url,
    REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `bench-${randomBytes(4).toString('hex')}`,
    SMTP_URL: `smtp://127.0.0.1:${sink.port}?ignoreTLS=true`,
    SEND_RATE: '10000',
    SECRET_KEY: randomBytes(24).toString('hex'),
    MAIL_FROM: 'Trade Compliance Brief <alerts@news.example.com>',
    POSTAL_ADDRESS: '1200 Example Avenue NW, Washington, DC 20005',
    PUBLIC_BASE_URL: 'https://alerts.news.example.com',
    ...(process.env.LOG_LEVEL ? { LOG_LEVEL: process.env.LOG_LEVEL } : {}),
    ...(process.env.SEND_CONCURRENCY ? { SEND_CONCURRENCY: process.env.SEND_CONCURRENCY } : {}),
    ...(process.env.DIGEST_CONCURRENCY
      ? { DIGEST_CONCURRENCY: process.env.DIGEST_CONCURRENCY }
      : {}),
    ...(process.env.MAIL_THREAD ? { MAIL_THREAD: process.env.MAIL_THREAD } : {}),
    ...(process.env.NODE_OPTIONS ? { NODE_OPTIONS: process.env.NODE_OPTIONS } : {}),
  };
  const population = new DigestPopulation({
    readers,
    topics: toCount(values.topics, 'topics'),
    stories: toCount(values.stories, 'stories'),
    subscriptionsPerReader: toCount(values.subscriptions, 'subscriptions'),
    seed: toCount(values.seed, 'seed'),
  });

  // Seeding and matching run in this process, on the services, with the clock at the end of
  // the stories' day.
  const { SMTP_URL: _smtp, ...benchEnv } = env;
  const settings = { ...loadSettings(benchEnv, REPO), logLevel: 'warn' };
  let clock = SEED_AT;
  const app = await openApp(settings, { migrate: true, mail: true, now: () => clock });
  let seedSeconds: number;
  let matchSeconds: number;
  let matches: number;
  try {
    const lanes = values['seed-lanes']
      ? toCount(values['seed-lanes'], 'seed-lanes')
      : dialect === 'sqlite'
        ? 1
        : 8;
    const batch = toCount(values['seed-batch'], 'seed-batch');
    const progress = progressReporter(readers, 'seeding readers');
    const seed = await seedThroughServices(app, population, {
      batch,
      lanes,
      onProgress: progress,
    });
    seedSeconds = seed.seconds.topics + seed.seconds.readers + seed.seconds.stories;
    console.log(
      `seed        ${fmt(seed.readers)} readers with ${fmt(seed.subscriptions)} daily subscriptions ` +
        `over ${fmt(seed.topics)} topics, ${ZONES.length} zones; ${fmt(seed.stories)} stories: ` +
        `${secs(seedSeconds)} (topics ${secs(seed.seconds.topics)}, readers ${secs(seed.seconds.readers)} ` +
        `= ${fmt(Math.round(seed.readers / seed.seconds.readers))} readers/s in batches of ${batch}, ` +
        `${lanes} at a time; stories ${secs(seed.seconds.stories)}) — not in the figures below`,
    );
    if (dialect === 'postgres') {
      // What autovacuum would have done by morning; done now so it does not land mid-run.
      await sql`analyze`.execute(app.db);
    }

    clock = SEED_AT;
    const start = performance.now();
    const run = await runDueWorkOnce(app);
    const drain = run.drain;
    matchSeconds = (performance.now() - start) / 1000;
    matches = drain.matched;
    if (run.digestsDue > 0) throw new Error('digests were due while matching');
    console.log(
      `match       ${fmt(run.storiesRequeued)} stories -> ${fmt(matches)} matches in ${secs(matchSeconds)} ` +
        `(${(run.storiesRequeued / matchSeconds).toFixed(1)} stories/s; runDueWorkOnce, as \`digests run\` does)`,
    );
  } finally {
    await app.close();
  }

  const db = openDatabase(settings.database, { onConnectionError: () => {} });
  try {
    const waiting = await pendingDailyReaders(db);
    const stats = await digestSizes(db);
    const instants = await dueInstants(db);
    const last = instants.at(-1);
    if (!last) throw new Error('no daily subscription is due');
    const sendAt = sendRuns === 'end-of-day' ? [new Date(last.getTime() + 60_000)] : instants;
    console.log(
      `due         ${fmt(waiting)} readers have a digest waiting (${stats}); ` +
        `${instants.length} send instants, ${instants[0]?.toISOString()} to ${last.toISOString()}`,
    );

    // One run with nothing due: what starting and stopping the CLI costs.
    const idle = await runCli(env, ['digests', 'run', '--now', SEED_AT.toISOString()], {
      timeoutMs: 120_000,
    });
    if (idle.exitCode !== 0) throw childFailure(idle);
    console.log(`idle run    one \`digests run\` with nothing due: ${secs(idle.seconds)}`);

    const profileDir = path.join(dir, 'profiles');
    const nodeFlags = values.profile
      ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-interval', '1000']
      : [];
    const runs: ChildRun[] = [];
    const deadline = Date.now() + childTimeoutMs;
    let finished = true;
    const sendStart = performance.now();
    let lastCount = 0;
    let lastAt = performance.now();
    // Other work on the machine slows the CLI: the load while it ran goes with the figures.
    const loads = [os.loadavg()[0] as number];
    const onTick = () => {
      loads.push(os.loadavg()[0] as number);
      void sink.stats().then((counts) => {
        const now = performance.now();
        const rate = ((counts.messages - lastCount) * 1000) / (now - lastAt);
        lastCount = counts.messages;
        lastAt = now;
        process.stderr.write(
          `  … ${fmt(counts.messages)} of ${fmt(waiting)} received, ${rate.toFixed(0)}/s now, ` +
            `${secs((now - sendStart) / 1000)} in, run ${runs.length + 1}\n`,
        );
      });
    };
    outer: for (const at of sendAt) {
      let due = await dueSubscriptions(db, at);
      while (due > 0) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          finished = false;
          break outer;
        }
        const run = await runCli(env, ['digests', 'run', '--now', at.toISOString()], {
          nodeFlags,
          timing: !values.bare,
          timeoutMs: remaining,
          onTick,
        });
        runs.push(run);
        if (run.timedOut) {
          finished = false;
          break outer;
        }
        if (run.exitCode !== 0) throw childFailure(run);
        const after = await dueSubscriptions(db, at);
        if (after >= due)
          throw new Error(`a run at ${at.toISOString()} left ${fmt(after)} subscriptions due`);
        due = after;
      }
    }
    const childSeconds = runs.reduce((sum, run) => sum + run.seconds, 0);
    loads.push(os.loadavg()[0] as number);
    const counts = await sink.stats();
    const byStatus = await deliveryStatuses(db);
    const sent = byStatus.get('sent') ?? 0;
    const built = [...byStatus.values()].reduce((a, b) => a + b, 0);
    const peakRssKb = runs.reduce<number | null>(
      (peak, run) => (run.peakRssKb === null ? peak : Math.max(peak ?? 0, run.peakRssKb)),
      null,
    );

    printCliOutput(runs, sendAt);
    const ok =
      finished &&
      built === waiting &&
      sent === waiting &&
      counts.messages === waiting &&
      counts.distinctRecipients === counts.messages;
    console.log(
      `digests     due ${fmt(waiting)} · built ${fmt(built)} · sent ${fmt(sent)} ` +
        `(${describeStatuses(byStatus)}) · received by the SMTP sink ${fmt(counts.messages)} ` +
        `(${fmt(counts.distinctRecipients)} recipients, ${(counts.bytes / 2 ** 20).toFixed(0)} MB, ` +
        `${counts.connections} connections) · ${ok ? 'OK' : 'MISMATCH'}`,
    );
    if (!finished)
      console.log(
        `            NOT FINISHED: sending stopped after ${values['child-timeout']} min (--child-timeout); ` +
          `${fmt(counts.messages)} of ${fmt(waiting)} digests received`,
      );
    else if (!ok) process.exitCode = 1;
    console.log(
      `end to end  ${fmt(counts.messages)} digests in ${secs(childSeconds)} over ${runs.length} ` +
        `\`digests run\` (${runSpread(runs)}): ${rate(counts.messages, childSeconds)} digests/s, ` +
        `${((1000 * childSeconds) / Math.max(1, counts.messages)).toFixed(2)} ms per digest; ` +
        `${sinkWindow(counts)}; child peak RSS ${peakRssKb === null ? 'unknown' : `${(peakRssKb / 1024).toFixed(0)} MB`}`,
    );
    console.log(
      `load        1-minute load average while sending: mean ${(loads.reduce((a, b) => a + b, 0) / loads.length).toFixed(1)}, ` +
        `max ${Math.max(...loads).toFixed(1)}, on ${os.cpus().length} CPUs (the CLI itself, the sink and the database are part of it)`,
    );
    const split = timeSplit(runs);
    for (const line of split) console.log(line);
    if (values.profile) {
      const files = fs.existsSync(profileDir) ? profileFiles([profileDir]) : [];
      if (files.length > 0)
        for (const line of formatProfileSummary(summarizeProfiles(files))) console.log(`  ${line}`);
    }
    return {
      dialect,
      readers,
      seedSeconds,
      matchSeconds,
      matches,
      due: waiting,
      sent,
      received: counts.messages,
      childRuns: runs.length,
      childSeconds,
      peakRssKb,
      finished,
      ok,
    };
  } finally {
    await db.destroy();
  }
}

function runCli(
  env: Record<string, string>,
  args: string[],
  options: { nodeFlags?: string[]; timeoutMs: number; onTick?: () => void; timing?: boolean },
): Promise<ChildRun> {
  return runNodeChild(CLI, args, {
    cwd: REPO,
    env,
    timing: options.timing ?? false,
    timeoutMs: options.timeoutMs,
    ...(options.nodeFlags ? { nodeFlags: options.nodeFlags } : {}),
    ...(options.onTick ? { onTick: options.onTick, everyMs: 15_000 } : {}),
    onStderrLine: (line) => {
      if (line.trim()) process.stderr.write(`  [cli stderr] ${line}\n`);
    },
  });
}

/** Time in SQL statements and in sendMail, from the probes, and the statements that cost most. */
function timeSplit(runs: ChildRun[]): string[] {
  const timed = runs.filter((run) => run.timings);
  if (timed.length === 0) return [];
  // A run killed by --child-timeout wrote no timings: only the runs that did count here.
  const childSeconds = timed.reduce((sum, run) => sum + run.seconds, 0);
  const bySql = new Map<string, { count: number; ms: number; prepareMs: number }>();
  let mailMs = 0;
  let mailCount = 0;
  for (const run of timed) {
    const timings = run.timings as NonNullable<ChildRun['timings']>;
    mailMs += timings.mail.ms;
    mailCount += timings.mail.count;
    for (const s of timings.statements) {
      const entry = bySql.get(s.sql) ?? { count: 0, ms: 0, prepareMs: 0 };
      entry.count += s.count;
      entry.ms += s.ms;
      entry.prepareMs += s.prepareMs;
      bySql.set(s.sql, entry);
    }
  }
  const all = [...bySql].sort((a, b) => b[1].ms + b[1].prepareMs - (a[1].ms + a[1].prepareMs));
  const sum = (pick: (e: { count: number; ms: number; prepareMs: number }) => number) =>
    all.reduce((total, [, e]) => total + pick(e), 0);
  const queryMs = sum((e) => e.ms + e.prepareMs);
  const share = (ms: number) => `${((100 * ms) / (1000 * childSeconds)).toFixed(0)}%`;
  const lines = [
    `split       ${timed.length < runs.length ? `(${timed.length} of ${runs.length} runs, ${secs(childSeconds)}) ` : ''}SQL ${secs(queryMs / 1000)} (${share(queryMs)}; ${fmt(sum((e) => e.count))} statements, ` +
      `of which preparing ${secs(sum((e) => e.prepareMs) / 1000)}), sendMail ${secs(mailMs / 1000)} ` +
      `(${share(mailMs)}; ${fmt(mailCount)} messages: MIME, DKIM, SMTP round trips), the rest ` +
      `${secs(childSeconds - (queryMs + mailMs) / 1000)} (rendering, services, start-up; --profile splits it)`,
    '  statements that took longest (wall time in the driver, count, mean):',
  ];
  for (const [text, e] of all.slice(0, 8)) {
    const total = e.ms + e.prepareMs;
    lines.push(
      `    ${secs(total / 1000).padStart(8)} ${fmt(e.count).padStart(9)}× ${((1000 * total) / Math.max(1, e.count)).toFixed(0).padStart(6)} µs  ${text.replace(/\s+/g, ' ').slice(0, 140)}`,
    );
  }
  return lines;
}

function childFailure(run: ChildRun): Error {
  return new Error(
    `bulletin digests run exited ${run.exitCode ?? run.signal}:\n${run.stdout}${run.stderr}`,
  );
}

/** What the CLI printed: the first run's lines and the last one's, whatever they say. */
function printCliOutput(runs: ChildRun[], sendAt: Date[]): void {
  const shown = runs.length <= 2 ? runs : [runs[0] as ChildRun, runs.at(-1) as ChildRun];
  const where =
    sendAt.length === 1 ? `--now ${sendAt[0]?.toISOString()}` : `${sendAt.length} send instants`;
  console.log(
    `cli         ${where}; the CLI said${runs.length > 2 ? ' (first and last run)' : ''}:`,
  );
  for (const run of shown)
    for (const line of run.stdout.split('\n').filter((l) => l.trim()))
      console.log(`              ${line}`);
  const timing = runs.some((run) => /\b(ms|seconds?)\b|\d\s*s\b/.test(run.stdout));
  if (!timing)
    console.log(
      `            (it prints no split of its time${values.bare ? '' : '; the split below is timed by probes in the child'})`,
    );
}

async function pendingDailyReaders(db: Db): Promise<number> {
  const row = await db
    .selectFrom('matches')
    .select((eb) => eb.fn.count('subscriber_id').distinct().as('n'))
    .where('cadence', '=', 'daily')
    .where('digest_id', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function digestSizes(db: Db): Promise<string> {
  const rows = await db
    .selectFrom('matches')
    .select((eb) => ['subscriber_id', eb.fn.countAll().as('n')])
    .where('cadence', '=', 'daily')
    .where('digest_id', 'is', null)
    .groupBy('subscriber_id')
    .execute();
  const counts = rows.map((r) => Number(r.n)).sort((a, b) => a - b);
  if (counts.length === 0) return 'no stories';
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
  return `stories per digest: mean ${mean.toFixed(1)}, median ${counts[counts.length >> 1]}, max ${counts.at(-1)}`;
}

async function dueInstants(db: Db): Promise<Date[]> {
  const rows = await db
    .selectFrom('subscriptions')
    .select('next_due_at')
    .distinct()
    .where('cadence', '=', 'daily')
    .where('next_due_at', 'is not', null)
    .execute();
  return rows
    .map((r) => toDate(r.next_due_at as Date | string))
    .sort((a, b) => a.getTime() - b.getTime());
}

async function dueSubscriptions(db: Db, at: Date): Promise<number> {
  const row = await db
    .selectFrom('subscriptions')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('cadence', '!=', 'instant')
    .where('paused', '=', 0)
    .where('next_due_at', '<=', toIso(at))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function deliveryStatuses(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('deliveries')
    .select((eb) => ['status', eb.fn.countAll().as('n')])
    .where('kind', '=', 'digest')
    .groupBy('status')
    .execute();
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}

function describeStatuses(byStatus: Map<string, number>): string {
  const parts = [...byStatus].filter(([status]) => status !== 'sent');
  return parts.length === 0
    ? 'none failed'
    : parts.map(([status, n]) => `${status} ${fmt(n)}`).join(', ');
}

function runSpread(runs: ChildRun[]): string {
  if (runs.length === 0) return 'none';
  const seconds = runs.map((r) => r.seconds);
  if (runs.length === 1) return `one run`;
  return `${secs(Math.min(...seconds))} to ${secs(Math.max(...seconds))} each`;
}

function sinkWindow(counts: SinkCounts): string {
  if (counts.firstAt === null || counts.lastAt === null) return 'nothing received';
  const seconds = (counts.lastAt - counts.firstAt) / 1000;
  return `first to last message at the sink ${secs(seconds)} (${rate(counts.messages, seconds)}/s)`;
}

function printSummary(): void {
  if (results.length === 0) return;
  console.log('\n=== summary ===');
  console.log(
    'dialect    readers   seed s  match s  matches     due digests  received  runs  child s  digests/s  ms/digest  peak RSS  check',
  );
  for (const r of results) {
    console.log(
      [
        r.dialect.padEnd(8),
        fmt(r.readers).padStart(9),
        r.seedSeconds.toFixed(1).padStart(8),
        r.matchSeconds.toFixed(1).padStart(8),
        fmt(r.matches).padStart(10),
        fmt(r.due).padStart(12),
        fmt(r.received).padStart(9),
        String(r.childRuns).padStart(5),
        r.childSeconds.toFixed(1).padStart(8),
        rate(r.received, r.childSeconds).padStart(10),
        ((1000 * r.childSeconds) / Math.max(1, r.received)).toFixed(2).padStart(10),
        (r.peakRssKb === null ? '?' : `${(r.peakRssKb / 1024).toFixed(0)} MB`).padStart(9),
        r.finished ? (r.ok ? ' OK' : ' MISMATCH') : ' NOT FINISHED',
      ].join(' '),
    );
  }
  for (const dialect of dialects) {
    const mine = results
      .filter((r) => r.dialect === dialect && r.finished && r.received > 0)
      .sort((a, b) => a.readers - b.readers);
    const [small, large] = [mine[0], mine.at(-1)];
    if (!small || !large || small === large) continue;
    const per = (r: SizeResult) => r.childSeconds / r.received;
    console.log(
      `${dialect}: time per digest at ${fmt(large.readers)} / at ${fmt(small.readers)} readers = ` +
        `${(per(large) / per(small)).toFixed(2)} (1.00 = scales linearly)`,
    );
  }
}

function progressReporter(total: number, what: string): (done: number) => void {
  const start = performance.now();
  let shown = 0;
  return (done) => {
    const elapsed = (performance.now() - start) / 1000;
    if (done < total && elapsed - shown < 15) return;
    shown = elapsed;
    const eta = done > 0 ? ((total - done) * elapsed) / done : 0;
    process.stderr.write(
      `  … ${what}: ${fmt(done)} of ${fmt(total)}, ${secs(elapsed)} in` +
        `${done < total ? `, about ${secs(eta)} to go` : ''}\n`,
    );
  };
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function secs(seconds: number): string {
  return seconds >= 120 ? `${(seconds / 60).toFixed(1)} min` : `${seconds.toFixed(1)} s`;
}

function rate(count: number, seconds: number): string {
  return seconds > 0 ? (count / seconds).toFixed(count / seconds >= 100 ? 0 : 1) : '-';
}

function toCount(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) usage(`--${name} must be a positive integer`);
  return n;
}

function usage(message: string): never {
  console.error(message);
  process.exit(2);
}
