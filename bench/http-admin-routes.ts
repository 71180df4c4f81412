/**
 * The admin reports under load for `bench:http --routes admin-…`: a database of the reports'
 * size (bench/report-population.ts) behind a real `bulletin serve`, each page asked for one
 * request at a time, as a person does, and timed from the request to the last byte.
 *
 * Target: every page at most 200 ms (p95) at 100k readers, 10M deliveries and 100 campaigns.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { openApp } from '../src/app.js';
import { loadSettings } from '../src/config/settings.js';
import { createBenchDatabase, type Dialect } from './bench-database.js';
import { deleteQueueKeys } from './bench-queue-keys.js';
import { seedReportPopulation } from './report-population.js';
import { startBulletinServe } from './run-child.js';

export const ADMIN_ROUTES = {
  'admin-campaigns': '/admin/reports/campaigns',
  'admin-campaign': '/admin/reports/campaigns/1',
  'admin-deliverability': '/admin/reports/deliverability',
  'admin-deliverability-90': '/admin/reports/deliverability?days=90',
  'admin-digests': '/admin/reports/digests',
  'admin-digests-90': '/admin/reports/digests?days=90',
} as const;
export type AdminRoute = keyof typeof ADMIN_ROUTES;

const TARGET_MS = 200;
const PASSWORD = 'bench-admin';

export interface AdminBenchOptions {
  dialect: Dialect;
  routes: AdminRoute[];
  readers: number;
  deliveries: number;
  /** Timed requests per route, after three not timed. */
  requests: number;
  port: number;
  keep: boolean;
}

/** Seeds, serves, times each route; gives whether every route met the target. */
export async function benchAdminRoutes(options: AdminBenchOptions): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-bench-admin-'));
  const database = await createBenchDatabase(options.dialect, dir);
  const queuePrefix = `bench-admin-${randomBytes(4).toString('hex')}`;
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const env: Record<string, string> = {
    VAR_DIR: path.join(dir, 'var'),
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: queuePrefix,
    PORT: String(options.port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${options.port}`,
    MAIL_FROM: 'Bench Brief <alerts@bench.example>',
    POSTAL_ADDRESS: '1 Bench Street, Benchville',
    ADMIN_PASSWORD: PASSWORD,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  let server: ChildProcess | null = null;
  try {
    console.log(`load before seeding: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);
    const app = await openApp(loadSettings(env), { migrate: true, log: pino({ level: 'warn' }) });
    const started = performance.now();
    const size = { readers: options.readers, deliveries: options.deliveries, campaigns: 100 };
    const timings = await seedReportPopulation(app.db, size, new Date());
    await app.close();
    console.log(
      `seeded ${size.readers} readers, ${size.deliveries} deliveries, ${size.campaigns} campaigns on ${options.dialect} in ${((performance.now() - started) / 1000).toFixed(0)} s (${Object.entries(
        timings,
      )
        .map(([table, s]) => `${table} ${s.toFixed(1)}`)
        .join(', ')})`,
    );
    server = await startBulletinServe(env);
    const base = `http://127.0.0.1:${options.port}`;
    const authorization = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
    console.log(`load before timing: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);
    console.log(
      `\n${'route'.padEnd(26)}${'p50 ms'.padStart(8)}${'p95 ms'.padStart(8)}${'max ms'.padStart(8)}  bytes`,
    );
    let allMet = true;
    for (const route of options.routes) {
      const url = `${base}${ADMIN_ROUTES[route]}`;
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < options.requests + 3; i++) {
        const t0 = performance.now();
        const response = await fetch(url, { headers: { authorization } });
        const body = await response.text();
        const ms = performance.now() - t0;
        if (response.status !== 200)
          throw new Error(`${route}: ${response.status} ${body.slice(0, 200)}`);
        bytes = body.length;
        if (i >= 3) times.push(ms);
      }
      times.sort((a, b) => a - b);
      const at = (q: number) =>
        times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
      const met = at(0.95) <= TARGET_MS;
      allMet &&= met;
      console.log(
        `${route.padEnd(26)}${at(0.5).toFixed(0).padStart(8)}${at(0.95).toFixed(0).padStart(8)}${(times.at(-1) ?? 0).toFixed(0).padStart(8)}  ${bytes}${met ? '' : '  over target'}`,
      );
    }
    console.log(
      `\ntarget: p95 <= ${TARGET_MS} ms on every page; load after: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`,
    );
    return allMet;
  } finally {
    if (server && server.exitCode === null) server.kill('SIGTERM');
    if (!options.keep) {
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    } else console.log(`kept ${database.description}`);
    await deleteQueueKeys(redisUrl, queuePrefix);
  }
}
