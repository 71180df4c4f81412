/**
 * Recording matches, on SQLite and PostgreSQL:
 *
 *   npm run bench:pipeline [-- --readers 10000[,100000]] [--dialect sqlite|postgres|both]
 *
 * For each size and dialect, in a fresh database: seeds 1,000 topics and readers (70 %
 * following five topics, 30 % with a query of their own, a quarter of them instant; see
 * bench/pipeline-population.ts), then runs bench/pipeline-worker.ts as a child process: it
 * builds the rule index, publishes 1,000 stories at once into the BullMQ ingest queue and
 * works it with the real ingest processor, timed until every story is matched, every match
 * stored and every instant alert handed on. It prints stories/s, match rows/s and the child's
 * peak RSS, with the population's shape beside them: matches per story (mean, median) and
 * readers per topic.
 *
 * Options (defaults in brackets):
 *   --readers N[,N…]   sizes [10000,100000]
 *   --dialect D|both   sqlite, postgres [both]
 *   --stories N [1000]  --topics-per-reader N [8]  --seed N [42]
 *   --concurrency N    match jobs at once in the worker (INGEST_CONCURRENCY) [4]
 *   --profile          run the child under `node --cpu-prof` and say where its CPU went
 *   --statements       time the child's SQL statements (bench/child-probes.mjs) and list the costliest
 *   --keep             keep the databases and the temporary directory
 *
 * Environment: BENCH_POSTGRES_URL (see bench/bench-database.ts), BENCH_REDIS_URL
 * [redis://127.0.0.1:6379].
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openApp } from '../src/app.js';
import { loadSettings } from '../src/config/settings.js';
import { createBenchDatabase, type Dialect } from './bench-database.js';
import { deleteQueueKeys } from './bench-queue-keys.js';
import { formatProfileSummary, profileFiles, summarizeProfiles } from './cpu-profile-summary.js';
import { PipelinePopulation, type SeededPopulation } from './pipeline-population.js';
import { killRunningChildren, runNodeChild } from './run-child.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORKER = path.join(REPO, 'bench', 'pipeline-worker.ts');

const { values } = parseArgs({
  options: {
    readers: { type: 'string', default: '10000,100000' },
    dialect: { type: 'string', default: 'both' },
    stories: { type: 'string', default: '1000' },
    'topics-per-reader': { type: 'string', default: '8' },
    seed: { type: 'string', default: '42' },
    concurrency: { type: 'string', default: '4' },
    profile: { type: 'boolean', default: false },
    statements: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});

const sizes = values.readers.split(',').map((n) => toCount(n.replace(/_/g, ''), '--readers'));
const dialects: Dialect[] =
  values.dialect === 'both'
    ? ['sqlite', 'postgres']
    : values.dialect.split(',').map((d) => {
        if (d !== 'sqlite' && d !== 'postgres') usage('--dialect: sqlite, postgres or both');
        return d as Dialect;
      });
const storyCount = toCount(values.stories, '--stories');
const seed = toCount(values.seed, '--seed');

/** What the child prints (bench/pipeline-worker.ts). */
interface WorkerReport {
  indexSeconds: number;
  publishSeconds: number;
  seconds: number;
  storiesOwing: number;
  matchRows: number;
  perStory: number[];
  matchesOfLeftOut: number;
  instantReaders: number;
  alertJobs: number;
  readersWithoutAlert: number;
}

interface SizeResult {
  dialect: Dialect;
  readers: number;
  report: WorkerReport;
  peakRssKb: number | null;
  load: string;
  followers: { mean: number; median: number; max: number };
  ok: boolean;
}

const results: SizeResult[] = [];
process.once('SIGINT', () => {
  killRunningChildren();
  process.exit(130);
});

console.log(
  `bench:pipeline — node ${process.version}, ${os.cpus().length} CPUs, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GB; ${storyCount} stories; readers ${sizes.join(', ')}; ${dialects.join(', ')}`,
);
for (const readers of sizes) {
  for (const dialect of dialects) {
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
  console.log(`\n=== ${dialect}, ${readers} readers ===`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-pipeline-'));
  const database = await createBenchDatabase(dialect, dir);
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const queuePrefix = `bench-${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? dir,
    TMPDIR: os.tmpdir(),
    NODE_ENV: 'production',
    VAR_DIR: path.join(dir, 'var'),
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: queuePrefix,
    SECRET_KEY: randomBytes(24).toString('hex'),
    LOG_LEVEL: 'warn',
    INGEST_CONCURRENCY: values.concurrency,
  };
  try {
    const population = new PipelinePopulation({
      readers,
      topics: 1000,
      stories: storyCount,
      topicsPerReader: toCount(values['topics-per-reader'], '--topics-per-reader'),
      seed,
    });
    const settings = loadSettings(env, REPO);
    const app = await openApp(settings, { migrate: true });
    let seeded: SeededPopulation;
    let followers: SizeResult['followers'];
    try {
      seeded = await population.seed(app);
      // As autovacuum would soon after an import: without statistics PostgreSQL's planner
      // takes the tables for empty and joins every reader for each story.
      await sql`analyze`.execute(app.db);
      followers = await readersPerTopic(app);
    } finally {
      await app.close();
    }
    console.log(
      `  seeded in ${seeded.seconds.toFixed(1)} s: ${seeded.topicFollowers} topic followers, ` +
        `${seeded.customQueries} own queries, ${seeded.subscriptions} subscriptions; readers per ` +
        `topic mean ${followers.mean.toFixed(0)}, median ${followers.median}, max ${followers.max}`,
    );
    const profileDir = path.join(dir, 'profile');
    const load = os.loadavg()[0]!.toFixed(1);
    const run = await runNodeChild(WORKER, [String(storyCount), String(seed), String(readers)], {
      cwd: REPO,
      env,
      nodeFlags: [
        '--import',
        'tsx',
        ...(values.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
      ],
      timeoutMs: 30 * 60_000,
      timing: values.statements,
      onStderrLine: (line) => console.log(`  child: ${line}`),
    });
    const line = run.stdout.trim().split('\n').at(-1) ?? '';
    if (run.exitCode !== 0 || !line.startsWith('{'))
      throw new Error(`worker exited ${run.exitCode ?? run.signal}: ${run.stdout}`);
    const report = JSON.parse(line) as WorkerReport;
    const ok =
      report.storiesOwing === 0 &&
      report.matchesOfLeftOut === 0 &&
      report.readersWithoutAlert === 0;
    const result = { dialect, readers, report, peakRssKb: run.peakRssKb, load, followers, ok };
    printResult(result);
    for (const statement of (run.timings?.statements ?? []).sort((a, b) => b.ms - a.ms).slice(0, 8))
      console.log(
        `  ${(statement.ms / 1000).toFixed(2)} s in ${statement.count} × ${statement.sql.replace(/\s+/g, ' ').slice(0, 110)}`,
      );
    if (values.profile) {
      for (const text of formatProfileSummary(summarizeProfiles(profileFiles([profileDir]))))
        console.log(`  ${text}`);
    }
    return result;
  } finally {
    await deleteQueueKeys(redisUrl, queuePrefix);
    if (!values.keep) {
      await database.drop().catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    } else console.log(`  kept: ${database.description} and ${dir}`);
  }
}

/** Live readers following each topic: mean, median and the most followed. */
async function readersPerTopic(app: Awaited<ReturnType<typeof openApp>>) {
  const { rows } = await sql<{ n: number }>`select count(*) as n from subscriptions
    where topic_id is not null group by topic_id`.execute(app.db);
  const counts = rows.map((r) => Number(r.n));
  const { mean, median } = spread(counts);
  return { mean, median, max: Math.max(...counts) };
}

function spread(values: number[]): { mean: number; median: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return { mean, median: sorted[Math.floor(sorted.length / 2)] ?? 0 };
}

function describe(result: SizeResult) {
  const { report } = result;
  const shape = spread(report.perStory);
  return {
    storiesPerSecond: storyCount / report.seconds,
    rowsPerSecond: report.matchRows / report.seconds,
    shape: `matches/story mean ${shape.mean.toFixed(0)} median ${shape.median}; readers/topic mean ${result.followers.mean.toFixed(0)} median ${result.followers.median}`,
    rss: result.peakRssKb === null ? '?' : `${Math.round(result.peakRssKb / 1024)} MB`,
  };
}

function printResult(result: SizeResult): void {
  const { report } = result;
  const d = describe(result);
  console.log(
    `  rule index built in ${report.indexSeconds.toFixed(1)} s (not timed); published in ` +
      `${report.publishSeconds.toFixed(2)} s; all matched in ${report.seconds.toFixed(1)} s (load ${result.load})`,
  );
  console.log(
    `  ${d.storiesPerSecond.toFixed(0)} stories/s, ${Math.round(d.rowsPerSecond)} match rows/s ` +
      `(${report.matchRows} rows), peak RSS ${d.rss}`,
  );
  console.log(`  ${d.shape}`);
  console.log(
    `  instant: ${report.instantReaders} readers, ${report.alertJobs} alert jobs handed on; ` +
      `${result.ok ? 'checks OK' : 'CHECK FAILED'} (stories owing ${report.storiesOwing}, matches of ` +
      `left-out readers ${report.matchesOfLeftOut}, instant readers without an alert ${report.readersWithoutAlert})`,
  );
}

function printSummary(): void {
  if (results.length === 0) return;
  console.log(
    '\n| dialect | readers | stories/s | match rows/s | rows | peak RSS | shape | load | checks |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const result of results) {
    const d = describe(result);
    console.log(
      `| ${result.dialect} | ${result.readers} | ${d.storiesPerSecond.toFixed(0)} | ` +
        `${Math.round(d.rowsPerSecond)} | ${result.report.matchRows} | ${d.rss} | ${d.shape} | ` +
        `${result.load} | ${result.ok ? 'ok' : 'FAILED'} |`,
    );
  }
}

function toCount(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) usage(`${name}: a positive whole number`);
  return n;
}

function usage(message: string): never {
  console.error(`bench:pipeline: ${message}`);
  process.exit(2);
}
