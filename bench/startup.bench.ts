/**
 * `npm run bench:startup`: how long the built CLI takes to start, as cron, systemd and a
 * deploy script run it. Each command runs several times (after one warm-up run that is not
 * counted) and its median, min and max are set against the goal:
 *
 *   bulletin --version          ≤ 0.3 s   (exit)
 *   bulletin topics list        ≤ 0.8 s   (exit; a migrated SQLite database with a few topics)
 *   bulletin start              ≤ 2 s     (until its port answers GET /healthz; then SIGTERM)
 *
 * It builds first (`npm run -s build`, incremental), so the figures are of today's sources.
 * Every run has a temporary VAR_DIR (SQLite, outbox, secret key), a free port, the local
 * Redis with a queue prefix of its own (deleted afterwards), and runs from the system's
 * temporary directory, not the project, as an installed command does.
 *
 *   --runs N      counted runs per command [5]
 *   --profile     one more `start` under `node --cpu-prof`: where its CPU went until the port
 *                 answered and it stopped
 *
 * Environment: BENCH_REDIS_URL [redis://127.0.0.1:6379].
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { deleteQueueKeys } from './bench-queue-keys.js';
import { formatProfileSummary, profileFiles, summarizeProfiles } from './cpu-profile-summary.js';
import { type ChildRun, killRunningChildren, processCpuMs, runNodeChild } from './run-child.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(REPO, 'bin', 'bulletin.js');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const GOALS = { version: 0.3, topicsList: 0.8, start: 2 };
/** A start that has not answered by then has failed, whatever the goal. */
const START_TIMEOUT_MS = 30_000;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    profile: { type: 'boolean', default: false },
  },
});
const RUNS = Number(values.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs must be a whole number ≥ 1');

interface Figure {
  name: string;
  goal: number;
  seconds: number[];
}

/** A start's wall time to /healthz, and the CPU its threads had used by then. */
interface StartTiming {
  seconds: number;
  cpuSeconds: number | null;
}

async function main(): Promise<void> {
  const buildStart = performance.now();
  try {
    execFileSync('npm', ['run', '-s', 'build'], { cwd: REPO, stdio: 'inherit' });
  } catch {
    // tsc has printed its errors above: figures of a stale dist/ would mislead.
    console.error('bench:startup: `npm run build` failed; nothing measured');
    process.exit(1);
  }
  console.log(`build       up to date in ${secs((performance.now() - buildStart) / 1000)}`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-startup-'));
  const prefix = `bench-startup-${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    TMPDIR: os.tmpdir(),
    VAR_DIR: path.join(dir, 'var'),
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'warn',
  };
  try {
    await prepareInstallation(env);
    const figures: Figure[] = [
      {
        name: 'bulletin --version',
        goal: GOALS.version,
        seconds: await timeRuns(() => timeExit(['--version'], env)),
      },
      {
        name: 'bulletin topics list',
        goal: GOALS.topicsList,
        seconds: await timeRuns(() => timeExit(['topics', 'list'], env)),
      },
    ];
    const starts: StartTiming[] = [];
    figures.push({
      name: 'bulletin start, to /healthz',
      goal: GOALS.start,
      seconds: await timeRuns(async () => {
        const timing = await timeStart(env);
        starts.push(timing);
        return timing.seconds;
      }),
    });
    report(figures);
    reportStartCpu(starts.slice(1));
    if (values.profile) await profileStart(env, path.join(dir, 'profiles'));
  } finally {
    await deleteQueueKeys(REDIS_URL, prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A migrated database with a few topics, so `topics list` has rows to print. */
async function prepareInstallation(env: Record<string, string>): Promise<void> {
  await expectExit(['db', 'migrate'], env);
  for (const slug of ['sanctions', 'customs', 'export-controls']) {
    await expectExit(['topics', 'add', slug, '--name', slug, '--query', slug], env);
  }
}

/** One warm-up run (file cache, the first start's secret key), then RUNS counted ones. */
async function timeRuns(run: () => Promise<number>): Promise<number[]> {
  await run();
  const seconds: number[] = [];
  for (let i = 0; i < RUNS; i++) seconds.push(await run());
  return seconds;
}

/** Seconds from spawn to exit of a one-shot command, which must succeed. */
async function timeExit(args: string[], env: Record<string, string>): Promise<number> {
  return (await expectExit(args, env)).seconds;
}

async function expectExit(args: string[], env: Record<string, string>): Promise<ChildRun> {
  const run = await runNodeChild(CLI, args, { cwd: os.tmpdir(), env, timeoutMs: 60_000 });
  if (run.exitCode !== 0) throw childFailure(`bulletin ${args.join(' ')}`, run);
  return run;
}

/**
 * Seconds from spawn until `start` answers GET /healthz on its port, and its CPU time by then;
 * then it is stopped with SIGTERM and must exit 0.
 */
async function timeStart(
  env: Record<string, string>,
  nodeFlags: string[] = [],
): Promise<StartTiming> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const started = performance.now();
  const exited = runNodeChild(CLI, ['start'], {
    cwd: os.tmpdir(),
    env: { ...env, PORT: String(port) },
    nodeFlags,
    timeoutMs: START_TIMEOUT_MS + 15_000,
    onSpawn: (spawned) => {
      child = spawned;
    },
  });
  let exitedEarly = false;
  void exited.then(() => {
    exitedEarly = true;
  });
  let answeredAt: number | null = null;
  let cpuMs: number | null = null;
  while (answeredAt === null && !exitedEarly) {
    if (performance.now() - started > START_TIMEOUT_MS) break;
    if (await answersHealthz(port)) {
      answeredAt = performance.now();
      cpuMs = processCpuMs(child?.pid);
    } else await new Promise((resolve) => setTimeout(resolve, 10));
  }
  child?.kill('SIGTERM');
  const run = await exited;
  if (answeredAt === null) throw childFailure('bulletin start (never answered /healthz)', run);
  if (run.exitCode !== 0) throw childFailure('bulletin start (stopped with SIGTERM)', run);
  return {
    seconds: (answeredAt - started) / 1000,
    cpuSeconds: cpuMs === null ? null : cpuMs / 1000,
  };
}

async function answersHealthz(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, {
      signal: AbortSignal.timeout(1000),
    });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** One `start` under the CPU profiler, summarised by part of the program. */
async function profileStart(env: Record<string, string>, profileDir: string): Promise<void> {
  const { seconds } = await timeStart(env, [
    '--cpu-prof',
    '--cpu-prof-dir',
    profileDir,
    '--cpu-prof-interval',
    '500',
  ]);
  console.log(
    `\nprofile     one start under --cpu-prof: ${secs(seconds)} to /healthz (the profiler slows it); CPU until it stopped:`,
  );
  const files = fs.existsSync(profileDir) ? profileFiles([profileDir]) : [];
  for (const line of formatProfileSummary(summarizeProfiles(files))) console.log(`  ${line}`);
}

function report(figures: Figure[]): void {
  console.log(
    `\n${'command'.padEnd(30)} ${'median'.padStart(8)} ${'min'.padStart(8)} ${'max'.padStart(8)}   goal`,
  );
  for (const { name, goal, seconds } of figures) {
    const sorted = [...seconds].sort((a, b) => a - b);
    const median = medianOf(sorted);
    const verdict = median <= goal ? 'ok' : 'OVER';
    console.log(
      `${name.padEnd(30)} ${secs(median).padStart(8)} ${secs(sorted[0] as number).padStart(8)} ${secs(sorted.at(-1) as number).padStart(8)}   ≤ ${goal} s  ${verdict}`,
    );
  }
  console.log(
    `\n${RUNS} runs each after a warm-up; node ${process.version}, ${os.cpus().length} CPUs, 1-minute load ${(os.loadavg()[0] as number).toFixed(1)}`,
  );
}

/**
 * The CPU a start used until its port answered, all its threads (the mail thread loads its
 * own modules beside the main one). Other work on the machine stretches wall time far more
 * than this, so it says what the start itself costs when the machine is busy.
 */
function reportStartCpu(starts: StartTiming[]): void {
  const cpu = starts.flatMap((s) => (s.cpuSeconds === null ? [] : [s.cpuSeconds]));
  if (cpu.length === 0) return;
  const sorted = cpu.sort((a, b) => a - b);
  console.log(
    `start's CPU until /healthz (all threads): median ${secs(medianOf(sorted))}, min ${secs(sorted[0] as number)}, max ${secs(sorted.at(-1) as number)}`,
  );
}

function medianOf(sorted: number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function secs(seconds: number): string {
  return `${seconds.toFixed(3)} s`;
}

function childFailure(what: string, run: ChildRun): Error {
  return new Error(
    `${what}: exit ${run.exitCode ?? run.signal}${run.timedOut ? ' (timed out)' : ''}\n${run.stderr.slice(-2000)}`,
  );
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

process.on('SIGINT', () => {
  killRunningChildren();
  process.exit(130);
});

await main();
