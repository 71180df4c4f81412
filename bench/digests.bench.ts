/**
 * Morning digests end to end, on SQLite and PostgreSQL:
 *
 *   npm run bench:digests [-- --readers 10000[,100000]] [--dialect sqlite|postgres|both]
 *
 * For each size, population and dialect, in a fresh database: seeds readers (daily
 * subscriptions over 1,000 topics, twelve time zones, half subscribers and half free readers)
 * and one day of stories through the project's own services (see --population); matches them the
 * way `bulletin digests run` does (its tick finds the stories owing a match, its drain
 * matches them); then sends every daily digest of the next day by running the real CLI,
 * `node bin/bulletin.js digests run --now ISO`, as a child process, to an SMTP sink in a
 * process of its own. Seeding and matching are timed apart and are not in the digest rate.
 *
 * Options (defaults in brackets):
 *   --readers N[,N…]         sizes [10000,100000]
 *   --dialect D[,D…]|both    sqlite, postgres [both]
 *   --population P[,P…]      light (about 6 stories a reader), morning (about 50), heavy (about
 *                            75): a publisher's day [morning]; each a row of its own
 *   --topics N  --stories N  --subscriptions N per reader: instead of the population's
 *   --seed N [42]
 *   --workers N[,N…]|none    on PostgreSQL, also send the morning with N long-running
 *                            `bulletin worker` processes (and a scheduler) [1,2]
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
import { openDatabase } from '../db/connection.js';
import { openApp } from '../src/app.js';
import { loadSettings } from '../src/config/settings.js';
import { runDueWorkOnce } from '../src/run-process.js';
import { type BenchDatabase, createBenchDatabase, type Dialect } from './bench-database.js';
import { formatProfileSummary, profileFiles, summarizeProfiles } from './cpu-profile-summary.js';
import {
  deliveryStatuses,
  digestSizes,
  dueInstants,
  dueSubscriptions,
  pendingDailyReaders,
} from './digest-bench-queries.js';
import {
  describeStatuses,
  fmt,
  progressReporter,
  rate,
  runSpread,
  secs,
  sinkWindow,
  timeSplit,
} from './digest-bench-report.js';
import { type SizeResult, summarize } from './digest-bench-summary.js';
import { runWorkers, type WorkersRun } from './digest-bench-workers.js';
import { DigestPopulation, POPULATIONS, SEED_AT, ZONES } from './digest-population.js';
import { type ChildRun, killRunningChildren, runNodeChild } from './run-child.js';
import { seedThroughServices } from './seed-through-services.js';
import { startSmtpSink } from './smtp-sink-process.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(REPO, 'bin', 'bulletin.js');

const { values } = parseArgs({
  options: {
    readers: { type: 'string', default: '10000,100000' },
    dialect: { type: 'string', default: 'both' },
    population: { type: 'string', default: 'morning' },
    topics: { type: 'string' },
    stories: { type: 'string' },
    subscriptions: { type: 'string' },
    workers: { type: 'string', default: '1,2' },
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
const populations = values.population.split(',').map((name) => {
  const preset = POPULATIONS[name as keyof typeof POPULATIONS];
  if (!preset) usage(`--population: ${Object.keys(POPULATIONS).join(', ')}`);
  return { name, ...preset };
});
const workerCounts =
  values.workers === 'none' ? [] : values.workers.split(',').map((n) => toCount(n, 'workers'));
const sendRuns = values['send-runs'];
if (sendRuns !== 'end-of-day' && sendRuns !== 'per-send-time')
  usage('--send-runs: end-of-day or per-send-time');
const childTimeoutMs = Number(values['child-timeout']) * 60_000;
if (!(childTimeoutMs > 0)) usage('--child-timeout: minutes, a positive number');

type Population = (typeof populations)[number];

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
  for (const population of populations)
    for (const dialect of dialects) {
      if (interrupted) break;
      const result = await runSize(dialect, readers, population).catch((error: unknown) => {
        console.log(`  FAILED: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
        process.exitCode = 1;
        return null;
      });
      if (result) results.push(result);
    }
}
for (const line of summarize(results, dialects)) console.log(line);

async function runSize(
  dialect: Dialect,
  readers: number,
  population: Population,
): Promise<SizeResult> {
  console.log(`\n=== ${dialect}, ${fmt(readers)} readers, ${population.name} population ===`);
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
    return await measure(dialect, readers, population, dir, database, sink);
  } finally {
    await cleanup();
    cleanups.delete(cleanup);
    if (values.keep) console.log(`  kept: ${database.description} and ${dir}`);
  }
}

async function measure(
  dialect: Dialect,
  readers: number,
  preset: Population,
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
    topics: values.topics ? toCount(values.topics, 'topics') : preset.topics,
    stories: values.stories ? toCount(values.stories, 'stories') : preset.stories,
    subscriptionsPerReader: values.subscriptions
      ? toCount(values.subscriptions, 'subscriptions')
      : preset.subscriptionsPerReader,
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
  // Copies of the morning for the workers, made while nothing is connected to it.
  const copies: BenchDatabase[] = [];
  if (dialect === 'postgres') for (const _ of workerCounts) copies.push(await database.clone());

  const db = openDatabase(settings.database, { onConnectionError: () => {} });
  try {
    const waiting = await pendingDailyReaders(db);
    const stats = await digestSizes(db);
    const instants = await dueInstants(db);
    const last = instants.at(-1);
    if (!last) throw new Error('no daily subscription is due');
    const sendAt = sendRuns === 'end-of-day' ? [new Date(last.getTime() + 60_000)] : instants;
    console.log(
      `due         ${fmt(waiting)} readers have a digest waiting (${stats.text}); ` +
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
    const statements = runs.every((run) => run.timings)
      ? runs.reduce(
          (n, run) => n + (run.timings?.statements ?? []).reduce((m, t) => m + t.count, 0),
          0,
        )
      : null;
    const statementsPerDigest =
      statements === null ? null : statements / Math.max(1, counts.messages);
    if (statementsPerDigest !== null)
      console.log(
        `statements  ${statementsPerDigest.toFixed(2)} SQL statements per digest (BEGIN and COMMIT included)`,
      );
    const workers: WorkersRun[] = [];
    for (const [i, count] of workerCounts.entries()) {
      const copy = copies[i];
      if (!copy || interrupted) continue;
      const run = await runWorkers({
        cli: CLI,
        cwd: REPO,
        env: { ...env, DATABASE_URL: copy.url },
        workers: count,
        due: waiting,
        sink,
        timeoutMs: childTimeoutMs,
        timing: !values.bare,
      });
      workers.push(run);
      console.log(
        `workers     ${count} \`bulletin worker\` and a scheduler: ${fmt(run.received)} of ${fmt(waiting)} digests ` +
          `(${fmt(run.distinctRecipients)} recipients) in ${secs(run.seconds)}: ${rate(run.received, run.seconds)} digests/s` +
          `${run.statements === null ? '' : `, ${(run.statements / Math.max(1, run.received)).toFixed(2)} statements per digest`}` +
          `; peak RSS of a worker ${run.peakRssKb === null ? 'unknown' : `${(run.peakRssKb / 1024).toFixed(0)} MB`}` +
          `${run.finished && run.distinctRecipients === run.received ? '' : ' · MISMATCH or NOT FINISHED'}`,
      );
    }
    return {
      dialect,
      readers,
      population: preset.name,
      storiesMean: stats.mean,
      storiesMedian: stats.median,
      statementsPerDigest,
      workers,
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

function toCount(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) usage(`--${name} must be a positive integer`);
  return n;
}

function usage(message: string): never {
  console.error(message);
  process.exit(2);
}
