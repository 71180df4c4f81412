/**
 * Runs a Node program (the real `bin/bulletin.js`) as a child process: wall time, output,
 * exit status and peak resident memory (VmHWM, written by the child itself at exit through
 * bench/child-probes.mjs; polled from /proc/<pid>/status as a fallback, e.g. when it is
 * killed), and, if asked, the probes' time in SQL statements and in sending mail.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PROBES_MODULE = pathToFileURL(
  path.join(path.dirname(fileURLToPath(import.meta.url)), 'child-probes.mjs'),
).href;

export interface StatementTiming {
  sql: string;
  count: number;
  /** Wall time in the driver, milliseconds (pg: until the reply). */
  ms: number;
  /** better-sqlite3: preparing the statement (Kysely prepares every time). */
  prepareMs: number;
}

export interface ChildTimings {
  statements: StatementTiming[];
  mail: { count: number; ms: number };
}

export interface ChildRun {
  exitCode: number | null;
  signal: string | null;
  seconds: number;
  stdout: string;
  stderr: string;
  /** kB; null where /proc is not there to read. */
  peakRssKb: number | null;
  timedOut: boolean;
  /** Present when the probes timed the run (`timing`) and it exited normally. */
  timings: ChildTimings | null;
}

export interface ChildOptions {
  cwd: string;
  env: Record<string, string>;
  /** Flags for node itself, before the script (`--cpu-prof`). */
  nodeFlags?: string[];
  /** Killed (SIGTERM, then SIGKILL) after this long. */
  timeoutMs?: number;
  /** Called every `everyMs` while the child runs. */
  onTick?: () => void;
  everyMs?: number;
  /** Each line of the child's stderr, as it comes. */
  onStderrLine?: (line: string) => void;
  /** Each line of the child's stdout (where a process says it is running), as it comes. */
  onStdoutLine?: (line: string) => void;
  /** Time the child's SQL statements and mail sends (bench/child-probes.mjs). */
  timing?: boolean;
  /** Given the child once spawned: for a long-running one the caller stops itself. */
  onSpawn?: (child: ChildProcess) => void;
}

const running = new Set<ChildProcess>();

/** Ends the children still running (the benchmark was interrupted). */
export function killRunningChildren(): void {
  for (const child of running) child.kill('SIGKILL');
}

export async function runNodeChild(
  script: string,
  args: string[],
  options: ChildOptions,
): Promise<ChildRun> {
  const probesFile = path.join(
    fs.mkdtempSync(path.join(options.env.TMPDIR ?? '/tmp', 'bench-probes-')),
    'probes.json',
  );
  const child = spawn(
    process.execPath,
    [...(options.nodeFlags ?? []), '--import', PROBES_MODULE, script, ...args],
    {
      cwd: options.cwd,
      env: {
        ...options.env,
        BENCH_PROBES_FILE: probesFile,
        ...(options.timing ? { BENCH_PROBES_TIMING: '1' } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.add(child);
  options.onSpawn?.(child);
  const start = performance.now();
  let stdout = '';
  let stderr = '';
  const stdoutLines = lineSplitter(options.onStdoutLine);
  const stderrLines = lineSplitter(options.onStderrLine);
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
    stdoutLines.push(text);
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
    stderrLines.push(text);
  });
  let polledKb: number | null = null;
  const poll = setInterval(() => {
    const kb = readPeakRss(child.pid);
    if (kb !== null) polledKb = Math.max(polledKb ?? 0, kb);
  }, 250);
  const ticker = options.onTick ? setInterval(options.onTick, options.everyMs ?? 10_000) : null;
  let timedOut = false;
  const killer = options.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }, options.timeoutMs)
    : null;
  const [exitCode, signal] = await new Promise<[number | null, string | null]>((resolve) =>
    child.on('close', (code, sig) => resolve([code, sig])),
  );
  const seconds = (performance.now() - start) / 1000;
  running.delete(child);
  clearInterval(poll);
  if (ticker) clearInterval(ticker);
  if (killer) clearTimeout(killer);
  let peakRssKb: number | null = polledKb;
  let timings: ChildTimings | null = null;
  try {
    const probes = JSON.parse(fs.readFileSync(probesFile, 'utf8')) as ChildTimings & {
      peakRssKb: number | null;
    };
    if (probes.peakRssKb !== null) peakRssKb = Math.max(peakRssKb ?? 0, probes.peakRssKb);
    if (options.timing) timings = { statements: probes.statements, mail: probes.mail };
  } catch {
    // Killed before it could write them: the polled peak stands.
  }
  fs.rmSync(path.dirname(probesFile), { recursive: true, force: true });
  stdoutLines.end();
  stderrLines.end();
  return { exitCode, signal, seconds, stdout, stderr, peakRssKb, timedOut, timings };
}

/** Hands whole lines to `onLine` as text arrives in pieces; `end` hands on the last one. */
function lineSplitter(onLine: ((line: string) => void) | undefined) {
  let partial = '';
  return {
    push(text: string) {
      if (!onLine) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    },
    end() {
      if (partial && onLine) onLine(partial);
      partial = '';
    },
  };
}

function readPeakRss(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** Linux counts a process's CPU time in ticks of 1/100 s (USER_HZ). */
const CLOCK_TICKS_PER_SECOND = 100;

/** A process's CPU time so far (user and system), ms, from /proc; null where there is none. */
export function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 on.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'bulletin.js');

/**
 * `bulletin serve` from the build, as an operator runs it (node flags such as `--cpu-prof`
 * before the entry point); resolves once it says it is running.
 */
export async function startBulletinServe(
  env: Record<string, string>,
  nodeFlags: string[] = [],
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeFlags, CLI, 'serve'], {
    cwd: path.dirname(path.dirname(CLI)),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Bulletin is running')) {
    if (child.exitCode !== null) throw new Error(`bulletin serve exited: ${output}`);
    if (Date.now() > deadline) throw new Error(`bulletin serve did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return child;
}
