/**
 * `npm run bench:ingest`: stories through the real `bulletin stories publish` (JSON Lines),
 * into SQLite and into PostgreSQL, their matching jobs handed on to Redis; a 10k run beside
 * a 100k one, so the rate and the peak memory can be compared across sizes. Then a feed of
 * 1,000 items parsed and stored in this process. Figures go to stdout.
 *
 * BENCH_INGEST_SIZES=10000,100000 and BENCH_INGEST_DIALECTS=sqlite,postgres choose the runs;
 * BENCH_POSTGRES_URL and BENCH_REDIS_URL [redis://127.0.0.1:6379] the servers.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { DirectWorkQueue } from '../jobs/direct-work-queue.js';
import { createFeedFetcher } from '../src/adapters/feed-fetcher.js';
import { openApp } from '../src/app.js';
import { loadSettings } from '../src/config/settings.js';
import { addFeed, pollFeed } from '../src/services/stories/feeds.service.js';
import { createBenchDatabase, type Dialect } from './bench-database.js';
import { runNodeChild } from './run-child.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin/bulletin.js');
const SIZES = (process.env.BENCH_INGEST_SIZES ?? '10000,100000').split(',').map(Number);
const DIALECTS = (process.env.BENCH_INGEST_DIALECTS ?? 'sqlite,postgres').split(',') as Dialect[];
/** As the other benches: BENCH_REDIS_URL, never the REDIS_URL a shell may hold for real work. */
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const SECTIONS = ['Export controls', 'Sanctions', 'Customs', 'Trade policy'];
const WORDS =
  'sanctions entity list export controls customs tariff ruling treasury ofac bis dual-use semiconductor steel aluminium origin'.split(
    ' ',
  );

/** A story as a CMS sends it: an HTML body of about 1.5 KB, a few tags. */
function storyLine(i: number): string {
  const word = (k: number) => WORDS[(i * 7 + k * 13) % WORDS.length];
  const paragraph = (k: number) =>
    `<p>${Array.from({ length: 40 }, (_, w) => word(k * 40 + w)).join(' ')}.</p>`;
  return JSON.stringify({
    id: `bench-${i}`,
    url: `https://brief.example/2026/11/story-${i}`,
    headline: `Story ${i}: ${word(1)} and ${word(2)} <em>update</em>`,
    summary: `A teaser about ${word(3)}, ${word(4)} &amp; ${word(5)}.`,
    body: Array.from({ length: 5 }, (_, k) => paragraph(k)).join(''),
    section: SECTIONS[i % SECTIONS.length],
    tags: [word(6), word(7)],
    publishedAt: new Date(Date.UTC(2026, 10, 28, 9) - i * 1000).toISOString(),
    access: i % 3 === 0 ? 'free' : 'subscriber',
  });
}

function writeStories(file: string, count: number): number {
  const fd = fs.openSync(file, 'w');
  let chunk: string[] = [];
  for (let i = 0; i < count; i++) {
    chunk.push(storyLine(i));
    if (chunk.length === 5000) {
      fs.writeSync(fd, `${chunk.join('\n')}\n`);
      chunk = [];
    }
  }
  if (chunk.length > 0) fs.writeSync(fd, `${chunk.join('\n')}\n`);
  fs.closeSync(fd);
  return fs.statSync(file).size;
}

async function countIngestJobs(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL);
  try {
    return await redis.llen(`{${prefix}}:ingest:wait`);
  } finally {
    redis.disconnect();
  }
}

async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function benchPublish(dir: string, dialect: Dialect, count: number, file: string) {
  const database = await createBenchDatabase(dialect, dir);
  const prefix = `bench-ingest-${process.pid}-${dialect}-${count}`;
  const env = {
    VAR_DIR: path.join(dir, `var-${dialect}-${count}`),
    DATABASE_URL: database.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  try {
    // Migrated first, so the timed run is the publish alone.
    await runNodeChild(BIN, ['db', 'migrate'], { cwd: ROOT, env });
    const run = await runNodeChild(BIN, ['stories', 'publish', file], {
      cwd: ROOT,
      env,
      timeoutMs: 30 * 60_000,
    });
    if (run.exitCode !== 0) throw new Error(`publish exited ${run.exitCode}: ${run.stderr}`);
    const jobs = await countIngestJobs(prefix);
    return { seconds: run.seconds, peakRssKb: run.peakRssKb, jobs, summary: run.stdout.trim() };
  } finally {
    await deleteQueueKeys(prefix);
    await database.drop();
  }
}

function feedXml(items: number): string {
  const entries = Array.from(
    { length: items },
    (
      _,
      i,
    ) => `<item><guid>feed-${i}</guid><title>Feed story ${i}</title><link>https://brief.example/f/${i}</link>
<description><![CDATA[<p>Teaser ${i} about sanctions</p>]]></description>
<content:encoded><![CDATA[${'<p>Body paragraph about export controls and customs.</p>'.repeat(10)}]]></content:encoded>
<category>Sanctions</category><pubDate>Sat, 28 Nov 2026 09:00:00 GMT</pubDate></item>`,
  ).join('\n');
  return `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Bench</title><link>https://brief.example</link>${entries}</channel></rss>`;
}

async function benchFeed(dir: string, dialect: Dialect, items: number) {
  const xml = feedXml(items);
  const server = http.createServer((_req, res) => res.end(xml));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const database = await createBenchDatabase(dialect, dir);
  const settings = loadSettings({
    VAR_DIR: path.join(dir, `var-feed-${dialect}`),
    DATABASE_URL: database.url,
    FEEDS_ALLOW_PRIVATE: 'true',
  });
  const app = await openApp(settings, { migrate: true, log: pino({ level: 'silent' }) });
  const fetcher = createFeedFetcher({ allowPrivate: true, maxBytes: 50 * 1024 * 1024 });
  const queue = new DirectWorkQueue();
  const ctx = {
    ...app,
    queue,
    fetcher,
    feedSchedule: { schedule: async () => {}, unschedule: async () => {} },
  };
  try {
    const port = (server.address() as AddressInfo).port;
    const feed = await addFeed(ctx, { url: `http://127.0.0.1:${port}/feed`, everyMs: 300_000 });
    const start = performance.now();
    const report = await pollFeed(ctx, feed.id);
    const seconds = (performance.now() - start) / 1000;
    if (report.status !== 'polled') throw new Error(`feed poll: ${JSON.stringify(report)}`);
    return {
      seconds,
      created: report.created,
      bytes: Buffer.byteLength(xml),
      matches: queue.waiting,
    };
  } finally {
    await fetcher.close();
    await app.close();
    await database.drop();
    server.close();
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-bench-ingest-'));
  try {
    console.log(`bench:ingest on ${os.cpus().length} cores (a shared machine: figures vary)`);
    const files = new Map<number, { file: string; bytes: number }>();
    for (const size of SIZES) {
      const file = path.join(dir, `stories-${size}.jsonl`);
      files.set(size, { file, bytes: writeStories(file, size) });
    }
    for (const dialect of DIALECTS) {
      const results: { size: number; rate: number; rssMb: number }[] = [];
      for (const size of SIZES) {
        const { file, bytes } = files.get(size) as { file: string; bytes: number };
        const run = await benchPublish(dir, dialect, size, file);
        const rate = size / run.seconds;
        const rssMb = (run.peakRssKb ?? 0) / 1024;
        results.push({ size, rate, rssMb });
        console.log(
          `${dialect.padEnd(8)} ${String(size).padStart(7)} stories (${(bytes / 1e6).toFixed(0)} MB): ${run.seconds.toFixed(1)} s, ${rate.toFixed(0)} stories/s, peak RSS ${rssMb.toFixed(0)} MB, ${run.jobs} match jobs queued`,
        );
        if (run.jobs !== size) console.log(`  ! expected ${size} match jobs, found ${run.jobs}`);
      }
      const [small, large] = [results[0], results.at(-1)];
      if (small && large && small !== large) {
        console.log(
          `${dialect.padEnd(8)} ${large.size / small.size}x the stories: rate x${(large.rate / small.rate).toFixed(2)}, peak RSS x${(large.rssMb / small.rssMb).toFixed(2)}`,
        );
      }
    }
    for (const dialect of DIALECTS) {
      const feed = await benchFeed(dir, dialect, 1000);
      console.log(
        `${dialect.padEnd(8)} feed of 1,000 items (${(feed.bytes / 1e6).toFixed(1)} MB): fetched, parsed and stored in ${feed.seconds.toFixed(2)} s (${feed.created} new, ${feed.matches} matches handed on)`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
