/**
 * `npm run bench:import`: how fast `bulletin subscribers import` takes a publisher's readers.
 *
 * For each dialect (SQLite, PostgreSQL) and size (10,000, then 100,000 rows by default) it
 * writes a CSV (bench/readers-csv.ts), takes a fresh database with 50 topics, and runs the
 * real CLI on it as a child process: the first import (every reader new) and the same file
 * again (every reader already there, nothing written). It prints wall time (start-up
 * included), rows per second, the child's peak resident memory, and at the end the ratio of
 * the time per row at the largest size to that at the smallest (1.00 is linear).
 *
 *   npm run bench:import
 *   npm run bench:import -- --rows 10000,100000 --dialect sqlite --profile
 *   npm run bench:import -- --rows 10000 --statements   # the SQL statements that cost most
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { openApp } from '../src/app.js';
import { loadSettings } from '../src/config/settings.js';
import { addTopic } from '../src/services/topics/topics.service.js';
import { createBenchDatabase, type Dialect } from './bench-database.js';
import { formatProfileSummary, profileFiles, summarizeProfiles } from './cpu-profile-summary.js';
import { benchTopicSlugs, writeReadersCsv } from './readers-csv.js';
import { runNodeChild } from './run-child.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin/bulletin.js');
const TOPICS = 50;

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000,100000' },
    dialect: { type: 'string', default: 'sqlite,postgres' },
    profile: { type: 'boolean', default: false },
    statements: { type: 'boolean', default: false },
  },
});
const sizes = values.rows.split(',').map(Number);
const dialects = values.dialect.split(',') as Dialect[];

interface Result {
  dialect: Dialect;
  rows: number;
  seconds: number;
  againSeconds: number;
  peakMb: number | null;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-import-'));
const results: Result[] = [];
try {
  const files = new Map<number, string>();
  for (const rows of sizes) {
    const file = path.join(work, `readers-${rows}.csv`);
    await writeReadersCsv(file, rows, benchTopicSlugs(TOPICS));
    files.set(rows, file);
  }
  console.log(
    `load average before: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  for (const dialect of dialects) {
    for (const rows of sizes) {
      results.push(await runOne(dialect, rows, files.get(rows) as string));
    }
  }
  console.log('\nsummary');
  for (const dialect of dialects) {
    const own = results.filter((r) => r.dialect === dialect);
    const first = own[0];
    const last = own[own.length - 1];
    if (!first || !last || first === last) continue;
    const ratio = last.seconds / last.rows / (first.seconds / first.rows);
    console.log(
      `  ${dialect}: time per row at ${last.rows.toLocaleString('en-US')} / at ${first.rows.toLocaleString('en-US')} = ${ratio.toFixed(2)}`,
    );
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

async function runOne(dialect: Dialect, rows: number, file: string): Promise<Result> {
  const database = await createBenchDatabase(dialect, work);
  const varDir = fs.mkdtempSync(path.join(work, 'var-'));
  const env = {
    ...(process.env as Record<string, string>),
    VAR_DIR: varDir,
    DATABASE_URL: database.url,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  try {
    const app = await openApp(loadSettings(env), {
      migrate: true,
      log: pino({ level: 'silent' }),
    });
    for (const slug of benchTopicSlugs(TOPICS))
      await addTopic(app, { slug, name: slug, query: slug.replace('-', '') });
    await app.close();

    const profileDir = path.join(work, `profile-${dialect}-${rows}`);
    const nodeFlags = values.profile
      ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-interval', '1000']
      : [];
    const args = ['subscribers', 'import', file, '--json'];
    const first = await runNodeChild(BIN, args, {
      cwd: ROOT,
      env,
      nodeFlags,
      timing: values.statements,
    });
    const report = JSON.parse(first.stdout || '{}');
    if (first.exitCode !== 0 || report.added !== rows)
      throw new Error(`import failed (${first.exitCode}): ${first.stderr.slice(0, 500)}`);
    const again = await runNodeChild(BIN, args, { cwd: ROOT, env });
    const second = JSON.parse(again.stdout || '{}');
    const peakMb = first.peakRssKb === null ? null : first.peakRssKb / 1024;
    console.log(
      `${dialect} ${rows.toLocaleString('en-US')} rows: ${first.seconds.toFixed(1)} s, ${Math.round(rows / first.seconds).toLocaleString('en-US')} rows/s, ${report.subscriptionsAdded.toLocaleString('en-US')} subscriptions, peak ${peakMb?.toFixed(0) ?? '?'} MB; again: ${again.seconds.toFixed(1)} s, ${second.skipped} left as they were, ${second.added} added${second.added === 0 ? '' : '  MISMATCH'}`,
    );
    if (first.timings) {
      const statements = [...first.timings.statements].sort((a, b) => b.ms - a.ms).slice(0, 6);
      const total = first.timings.statements.reduce((t, st) => t + st.ms, 0);
      console.log(`  SQL ${(total / 1000).toFixed(1)} s; costliest statements:`);
      for (const st of statements)
        console.log(
          `    ${(st.ms / 1000).toFixed(2)} s  ${st.count}x  ${st.sql.replace(/\s+/g, ' ').slice(0, 110)}`,
        );
    }
    if (values.profile)
      for (const line of formatProfileSummary(summarizeProfiles(profileFiles([profileDir]))))
        console.log(`  ${line}`);
    return { dialect, rows, seconds: first.seconds, againSeconds: again.seconds, peakMb };
  } finally {
    await database.drop();
  }
}
