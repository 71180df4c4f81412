/**
 * A trial invitation campaign end to end:
 *
 *   npm run bench:campaign [-- --recipients 10000[,100000]] [--dialect sqlite|postgres|both]
 *
 * For each size and dialect, in a fresh database: seeds prospects with marketing consent on
 * record (each following one or two of 50 topics) and 300 stories, straight into the tables
 * (seeding is not what is measured). Then starts a real `bulletin worker` process
 * (NODE_ENV=production) against an SMTP sink in a process of its own, creates the campaign
 * and starts it through the services, the way `bulletin campaigns send` does, and times:
 * recording the audience ("build"), and from the start until the sink has taken every
 * invitation ("send": each recipient checked, its stories chosen, its delivery recorded,
 * rendered, handed over and recorded sent). Prints messages per second, the worker's peak
 * RSS, and the ratio of each figure to the smallest size's.
 *
 * Options: --recipients N[,N…] [10000,100000]  --dialect [sqlite]  --rate N per second [5000]
 *          --concurrency N sends at once in the worker [50]  --keep
 *          --profile  run the worker under `node --cpu-prof` and say where its CPU went
 *          --statements  time the worker's SQL statements and name the costliest
 *          --workers N  `bulletin worker` processes sharing the campaign [1], as one scales out
 * Environment: BENCH_POSTGRES_URL, BENCH_REDIS_URL as for bench:digests.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chunk } from '../db/chunk.js';
import type { Db } from '../db/connection.js';
import { DirectWorkQueue } from '../jobs/direct-work-queue.js';
import { campaignContextOf, openApp } from '../src/app.js';
import { loadSettings } from '../src/config/settings.js';
import { parseStoriesText } from '../src/domain/story.js';
import {
  createCampaign,
  reportCampaign,
  startCampaign,
} from '../src/services/campaigns/campaigns.service.js';
import { publishStories } from '../src/services/stories/publish-story.service.js';
import { addTopic } from '../src/services/topics/topics.service.js';
import { createBenchDatabase, type Dialect } from './bench-database.js';
import { formatProfileSummary, profileFiles, summarizeProfiles } from './cpu-profile-summary.js';
import { type ChildRun, killRunningChildren, processCpuMs, runNodeChild } from './run-child.js';
import { startSmtpSink } from './smtp-sink-process.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(REPO, 'bin', 'bulletin.js');
const TOPICS = 50;
const STORIES = 300;
const SEED_AT = new Date('2026-11-30T12:00:00Z');

const { values } = parseArgs({
  options: {
    recipients: { type: 'string', default: '10000,100000' },
    dialect: { type: 'string', default: 'sqlite' },
    rate: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '50' },
    keep: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    statements: { type: 'boolean', default: false },
    workers: { type: 'string', default: '1' },
  },
});
const sizes = values.recipients.split(',').map((n) => Number(n.replace(/_/g, '')));
const dialects: Dialect[] =
  values.dialect === 'both' ? ['sqlite', 'postgres'] : (values.dialect.split(',') as Dialect[]);

interface Result {
  dialect: Dialect;
  recipients: number;
  buildSeconds: number;
  sendSeconds: number;
  perSecond: number;
  peakRssMb: number | null;
  /** The workers' CPU time (user and system) per invitation, ms. */
  workerCpuMsPerMessage: number;
}

async function seed(db: Db, recipients: number): Promise<void> {
  const at = SEED_AT.toISOString();
  const rows = Array.from({ length: recipients }, (_, i) => ({
    email: `prospect${i}@org${i % Math.ceil(recipients / 3)}.example`,
    name: i % 2 ? `Reader ${i}` : null,
    plan: (i % 3 === 0 ? 'free' : 'prospect') as 'free' | 'prospect',
    trial_ends_at: null,
    tz: 'UTC',
    status: 'active' as const,
    marketing_consent: 1,
    consent_source: 'signup-form',
    consent_at: at,
    created_at: at,
    updated_at: at,
  }));
  for (const part of chunk(rows, 500)) await db.insertInto('subscribers').values(part).execute();
  const readers = await db.selectFrom('subscribers').select('id').orderBy('id').execute();
  const topics = await db.selectFrom('topics').select('id').orderBy('id').execute();
  const follows = readers.flatMap((reader, i) =>
    (i % 4 === 0 ? [i, i * 7 + 3] : [i]).map((k) => ({
      subscriber_id: reader.id,
      topic_id: topics[k % topics.length]!.id,
      query: null,
      cadence: 'daily' as const,
      send_at: '07:00',
      weekday: null,
      paused: 0,
      next_due_at: null,
      created_at: at,
    })),
  );
  for (const part of chunk(follows, 500))
    await db.insertInto('subscriptions').values(part).execute();
}

async function runSize(dialect: Dialect, recipients: number): Promise<Result> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-campaign-'));
  const database = await createBenchDatabase(dialect, dir);
  const sink = await startSmtpSink();
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
    SEND_CONCURRENCY: values.concurrency,
    SECRET_KEY: randomBytes(24).toString('hex'),
    MAIL_FROM: 'Trade Compliance Brief <alerts@news.example.com>',
    POSTAL_ADDRESS: '1200 Example Avenue NW, Washington, DC 20005',
    PUBLIC_BASE_URL: 'https://alerts.news.example.com',
    LOG_LEVEL: 'warn',
  };
  const settings = loadSettings(env, REPO);
  const app = await openApp(settings, { migrate: true, redis: true, now: () => new Date() });
  try {
    for (let i = 0; i < TOPICS; i++)
      await addTopic(app, { slug: `topic-${i}`, name: `Topic ${i}`, query: `tag:t${i}` });
    const stories = Array.from({ length: STORIES }, (_, i) => ({
      id: `story-${i}`,
      url: `https://news.example.com/stories/${i}`,
      headline: `Story ${i}: export controls and sanctions news of the day`,
      summary: 'A summary that a prospect may read before starting a trial.',
      publishedAt: new Date(SEED_AT.getTime() - i * 600_000).toISOString(),
      tags: [`t${i % TOPICS}`],
      access: i % 5 === 0 ? 'free' : 'subscriber',
    }));
    await publishStories(
      { ...app, queue: new DirectWorkQueue() },
      parseStoriesText(JSON.stringify(stories)),
    );
    const seedStart = performance.now();
    await seed(app.db, recipients);
    console.log(
      `  seeded ${recipients} prospects in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
    );

    const profileDir = path.join(dir, 'profile');
    const children: ChildProcess[] = [];
    const startWorker = (n: number) =>
      // Resolves, once the worker says it runs, to its run (wrapped: a promise would be awaited).
      new Promise<{ run: Promise<ChildRun> }>((resolve) => {
        const run = runNodeChild(CLI, ['worker'], {
          cwd: REPO,
          env,
          nodeFlags: values.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
          timing: values.statements,
          onSpawn: (spawned) => children.push(spawned),
          // The start-up message goes to stdout; the log (warnings only here) to stderr.
          onStdoutLine: (line) => {
            if (line.includes('Bulletin is running')) resolve({ run });
          },
          onStderrLine: (line) => {
            if (line.trim()) process.stderr.write(`  [worker ${n}] ${line}\n`);
          },
        });
      });
    const workers: Promise<ChildRun>[] = [];
    for (let n = 1; n <= Number(values.workers); n++) workers.push((await startWorker(n)).run);
    const ctx = campaignContextOf(app);
    const campaign = await createCampaign(ctx, {
      name: 'Bench',
      subject: 'Read every story free for 14 days',
      rate: Number(values.rate),
      stories: 5,
    });
    const cpuAtStart = children.map((child) => processCpuMs(child.pid) ?? 0);
    const start = performance.now();
    await startCampaign(ctx, campaign.id);
    const buildSeconds = (performance.now() - start) / 1000;
    for (;;) {
      const counts = await sink.stats();
      if (counts.messages >= recipients) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const sendSeconds = (performance.now() - start) / 1000;
    const workerCpuMs = children.reduce(
      (sum, child, i) => sum + (processCpuMs(child.pid) ?? 0) - (cpuAtStart[i] ?? 0),
      0,
    );
    const report = await reportCampaign(ctx, campaign.id);
    // Workers run until stopped (SIGTERM: each drains and writes its profile).
    for (const child of children) child.kill('SIGTERM');
    const runs = await Promise.all(workers);
    if (values.profile)
      console.log(formatProfileSummary(summarizeProfiles(profileFiles([profileDir]))).join('\n'));
    const [run] = runs;
    if (run?.timings) {
      const total = run.timings.statements.reduce((t, st) => t + st.ms, 0);
      console.log(`  SQL ${(total / 1000).toFixed(1)} s in worker 1; costliest statements:`);
      for (const st of [...run.timings.statements].sort((a, b) => b.ms - a.ms).slice(0, 10))
        console.log(
          `    ${(st.ms / 1000).toFixed(2)} s  ${st.count}x  ${st.sql.replace(/\s+/g, ' ').slice(0, 110)}`,
        );
    }
    console.log(`  counts ${JSON.stringify(report.counts)}`);
    return {
      dialect,
      recipients,
      buildSeconds,
      sendSeconds,
      perSecond: recipients / sendSeconds,
      peakRssMb: peakOf(runs),
      workerCpuMsPerMessage: workerCpuMs / recipients,
    };
  } finally {
    await app.close();
    await sink.stop().catch(() => {});
    if (!values.keep) {
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** The largest peak resident memory of the worker processes, MB. */
function peakOf(runs: ChildRun[]): number | null {
  const peaks = runs.flatMap((run) => (run.peakRssKb === null ? [] : [run.peakRssKb / 1024]));
  return peaks.length ? Math.max(...peaks) : null;
}

async function main(): Promise<void> {
  const results: Result[] = [];
  for (const dialect of dialects) {
    for (const recipients of sizes) {
      console.log(`${dialect}, ${recipients} recipients`);
      const result = await runSize(dialect, recipients);
      results.push(result);
      console.log(
        `  build ${result.buildSeconds.toFixed(1)} s, send ${result.sendSeconds.toFixed(1)} s: ` +
          `${result.perSecond.toFixed(0)} messages/s, peak RSS per worker ${result.peakRssMb?.toFixed(0) ?? '?'} MB, ` +
          `worker CPU ${result.workerCpuMsPerMessage.toFixed(2)} ms per message`,
      );
    }
  }
  console.log('\ndialect   recipients  build s  send s  msg/s  peak RSS MB  msg/s vs smallest');
  for (const r of results) {
    const smallest = results.find((s) => s.dialect === r.dialect)!;
    console.log(
      `${r.dialect.padEnd(9)} ${String(r.recipients).padStart(10)} ${r.buildSeconds.toFixed(1).padStart(8)} ` +
        `${r.sendSeconds.toFixed(1).padStart(7)} ${r.perSecond.toFixed(0).padStart(6)} ` +
        `${(r.peakRssMb?.toFixed(0) ?? '?').padStart(12)} ${(r.perSecond / smallest.perSecond).toFixed(2).padStart(18)}`,
    );
  }
}

process.on('SIGINT', () => {
  killRunningChildren();
  process.exit(130);
});
main().then(
  () => process.exit(0),
  (error: unknown) => {
    killRunningChildren();
    console.error(error);
    process.exit(1);
  },
);
