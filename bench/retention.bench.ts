/**
 * Retention at a publisher's size, through the real CLI:
 *
 *   npm run bench:retention [-- --size 10000000] [--pg-size N] [--dialect sqlite|postgres|both]
 *                           [--batch 1000] [--keep]
 *
 * For each dialect: a fresh database seeded with `--size` matches and the tables that go with
 * them (bench/retention-population.ts: two years of rows, 45 % older than the 400-day
 * RETENTION), the plans of the prune's statements at that size (EXPLAIN after ANALYZE), then
 * `node bin/bulletin.js db prune --dry-run --json` and `db prune --json`. While the prune runs,
 * a second connection inserts a delivery every 10 ms, as a worker would, and times each
 * insert: how long a concurrent small write waits at worst. Printed: the population's shape,
 * rows/s per table and in all, the longest batch (the longest a lock was held), and the
 * writer's waits, beside the machine's load.
 *
 * Environment: BENCH_POSTGRES_URL (bench/bench-database.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CompiledQuery } from 'kysely';
import { type Db, isPostgres, migrateDatabase, openDatabase } from '../db/connection.js';
import { PRUNED_TABLES, pruneBatch } from '../db/repositories/retention.repository.js';
import { createBenchDatabase, type Dialect } from './bench-database.js';
import { seedRetentionPopulation } from './retention-population.js';
import { killRunningChildren, runNodeChild } from './run-child.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(REPO, 'bin/bulletin.js');
const RETENTION_DAYS = 400;

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '10000000' },
    'pg-size': { type: 'string' },
    dialect: { type: 'string', default: 'both' },
    batch: { type: 'string', default: '1000' },
    keep: { type: 'boolean', default: false },
  },
});
const size = Number(values.size);
const batch = Number(values.batch);
const dialects: Dialect[] =
  values.dialect === 'both' ? ['sqlite', 'postgres'] : [values.dialect as Dialect];

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const load = () =>
  `load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${os.cpus().length} cores`;

interface PruneJson {
  rows: Record<string, number>;
  secondsByTable: Record<string, number>;
  batches: number;
  longestBatchMs: number;
  seconds: number;
}

/** A worker's small write, over and over on a connection of its own, each one timed. */
function startWriteProbe(db: Db) {
  const waits: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const now = new Date().toISOString();
      const started = performance.now();
      await db
        .insertInto('deliveries')
        .values({
          kind: 'alert',
          digest_id: null,
          subscriber_id: null,
          recipient: 'probe@example.com',
          cadence: 'instant',
          story_ids: '[]',
          message_id: null,
          status: 'queued',
          error: null,
          last_reply: null,
          created_at: now,
          updated_at: now,
          sent_at: null,
        })
        .execute();
      waits.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const summary = (from = 0) => {
    const sorted = waits.slice(from).sort((a, b) => a - b);
    const at = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return `${fmt(sorted.length)} inserts, median ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, worst ${(sorted.at(-1) ?? 0).toFixed(1)} ms`;
  };
  return {
    mark: () => waits.length,
    summary,
    async stop() {
      running = false;
      await loop;
      await db.destroy();
    },
  };
}

/** The prune's statements at this size, each with its plan: one batch of each, rolled back. */
async function explainPrune(config: Parameters<typeof openDatabase>[0]): Promise<string[]> {
  const statements: { sql: string; parameters: readonly unknown[] }[] = [];
  const watched = openDatabase(config, {
    onQuery: (text, parameters) => statements.push({ sql: text, parameters }),
  });
  const cutoff = new Date(Date.now() - RETENTION_DAYS * 86_400_000).toISOString();
  await watched
    .transaction()
    .execute(async (trx) => {
      for (const table of PRUNED_TABLES) await pruneBatch(trx, table, cutoff, 0, batch);
      throw new Error('rolled back');
    })
    .catch(() => undefined);
  const lines: string[] = [];
  for (const statement of statements) {
    if (!/^\s*(select|delete|update)/i.test(statement.sql)) continue;
    const explain = isPostgres(watched) ? 'explain' : 'explain query plan';
    const plan = await watched.executeQuery<Record<string, string>>(
      CompiledQuery.raw(`${explain} ${statement.sql}`, [...statement.parameters]),
    );
    lines.push(`  ${statement.sql.replace(/\s+/g, ' ').slice(0, 110)}`);
    for (const row of plan.rows) lines.push(`      ${row['QUERY PLAN'] ?? row.detail}`);
  }
  await watched.destroy();
  return lines;
}

async function benchDialect(dialect: Dialect, rows: number, dir: string): Promise<void> {
  const bench = await createBenchDatabase(dialect, dir);
  const config =
    dialect === 'sqlite'
      ? { kind: 'sqlite' as const, file: bench.url.slice('sqlite:'.length) }
      : { kind: 'postgres' as const, url: bench.url };
  const env = {
    ...(process.env as Record<string, string>),
    DATABASE_URL: bench.url,
    VAR_DIR: dir,
    RETENTION: `${RETENTION_DAYS}d`,
  };
  const db = openDatabase(config);
  try {
    await migrateDatabase(db);
    const seedStarted = performance.now();
    const shape = await seedRetentionPopulation(db, rows, new Date(), RETENTION_DAYS);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    console.log(`\n== ${dialect}: ${bench.description}`);
    console.log(
      `seeded in ${seedSeconds.toFixed(0)} s (${load()}): ${Object.entries(shape.rows)
        .map(([table, n]) => `${table} ${fmt(n)}`)
        .join(
          ', ',
        )}; two years of rows, ${(shape.olderShare * 100).toFixed(0)} % of each older than RETENTION ${RETENTION_DAYS}d`,
    );
    console.log('plans (after ANALYZE):');
    for (const line of await explainPrune(config)) console.log(line);

    const dry = await runNodeChild(CLI, ['db', 'prune', '--dry-run', '--json'], {
      cwd: REPO,
      env,
      timeoutMs: 600_000,
    });
    if (dry.exitCode !== 0)
      throw new Error(`db prune --dry-run exited ${dry.exitCode}: ${dry.stderr}`);
    const counted = JSON.parse(dry.stdout) as PruneJson;
    console.log(`dry run: ${dry.seconds.toFixed(1)} s to count (${load()})`);

    const probe = startWriteProbe(openDatabase(config));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idle = probe.summary();
    const from = probe.mark();
    const loadBefore = load();
    const run = await runNodeChild(CLI, ['db', 'prune', '--json', '--batch', String(batch)], {
      cwd: REPO,
      env,
      timeoutMs: 900_000,
    });
    await probe.stop();
    if (run.exitCode !== 0) throw new Error(`db prune exited ${run.exitCode}: ${run.stderr}`);
    const pruned = JSON.parse(run.stdout) as PruneJson;
    let total = 0;
    console.log(
      `prune, batches of ${fmt(batch)} (${loadBefore} at its start, ${load()} at its end):`,
    );
    for (const table of PRUNED_TABLES) {
      const n = pruned.rows[table] ?? 0;
      const seconds = pruned.secondsByTable[table] ?? 0;
      total += n;
      const same =
        n === counted.rows[table] ? '' : ` (the dry run counted ${fmt(counted.rows[table] ?? 0)})`;
      console.log(
        `  ${table.padEnd(17)} ${fmt(n).padStart(11)} rows in ${seconds.toFixed(1).padStart(6)} s  ${fmt(seconds > 0 ? n / seconds : 0).padStart(9)} rows/s${same}`,
      );
    }
    console.log(
      `  total             ${fmt(total).padStart(11)} rows in ${pruned.seconds.toFixed(1).padStart(6)} s  ${fmt(total / pruned.seconds).padStart(9)} rows/s; ${fmt(pruned.batches)} batches, the longest ${pruned.longestBatchMs.toFixed(0)} ms; the command took ${run.seconds.toFixed(1)} s`,
    );
    console.log(`a concurrent insert of a delivery: idle ${idle}`);
    console.log(`                       during the prune ${probe.summary(from)}`);
  } finally {
    await db.destroy();
    if (!values.keep) await bench.drop();
    else console.log(`kept ${bench.description}`);
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-retention-bench-'));
  console.log(`retention bench: ${load()}`);
  try {
    for (const dialect of dialects) {
      const rows = dialect === 'postgres' ? Number(values['pg-size'] ?? size) : size;
      await benchDialect(dialect, rows, dir);
    }
  } finally {
    if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  killRunningChildren();
  console.error(error);
  process.exit(1);
});
