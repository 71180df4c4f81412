import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { stopBulletin } from './run-cli.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/bulletin.js');

/** A long-running `bulletin` child whose output (its JSON log included) the test can read. */
export interface BulletinProcess {
  child: ChildProcess;
  webUrl: string | null;
  output(): string;
  alive(): boolean;
  /** SIGTERM, then SIGKILL if it has not exited within 15 s (a fault may hang it). */
  stop(): Promise<number | null>;
}

/**
 * Starts `bulletin <args>` and resolves once it says it is running. The child is killed if it
 * never gets there, and if the test process itself exits first.
 */
export async function spawnBulletin(
  args: string[],
  env: Record<string, string>,
): Promise<BulletinProcess> {
  const child = spawn(process.execPath, [BIN, ...args], {
    // React's production build, as a real `bulletin` runs: the development build's checks
    // cost several times the CPU per email, and drills run many of these side by side.
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const alive = () => child.exitCode === null && child.signalCode === null;
  // Generous: several of these start at once when the suite's files run side by side, and a
  // start that takes 1.3 s alone has taken 50 s on a busy two-core machine.
  const deadline = Date.now() + 120_000;
  while (!output.includes('Bulletin is running')) {
    if (!alive()) throw new Error(`bulletin ${args.join(' ')} exited: ${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`bulletin ${args.join(' ')} did not start: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    child,
    webUrl: /web:\s+(http:\/\/\S+)/.exec(output)?.[1] ?? null,
    output: () => output,
    alive,
    async stop() {
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await stopBulletin(child, 'SIGTERM');
      clearTimeout(timer);
      return code;
    },
  };
}

export interface LogEvent {
  level: number;
  event?: string;
  [field: string]: unknown;
}

/** The JSON log lines of some output, parsed; other lines are skipped. */
export function parseLog(output: string): LogEvent[] {
  return output.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as LogEvent];
    } catch {
      return [];
    }
  });
}

/** `worker.error x3, job.failed x1`: the warnings and errors logged. */
export function summarizeTrouble(events: LogEvent[]): string {
  const counts = new Map<string, number>();
  for (const e of events)
    if (e.level >= 40) counts.set(e.event ?? '?', (counts.get(e.event ?? '?') ?? 0) + 1);
  return [...counts].map(([event, n]) => `${event} x${n}`).join(', ') || 'none';
}

/** Node's report of an uncaught error, and the CLI's last word. */
const CRASH_LINE = /^(node:|\s+throw |\w*[Ee]rror: |Emitted 'error'|bulletin: )/;

/** What a crashed process said about why: its error lines, and where an error was emitted. */
export function crashLines(output: string): string {
  const lines = output.split('\n');
  return lines
    .flatMap((line, i) => {
      if (!CRASH_LINE.test(line)) return [];
      return line.startsWith('Emitted') ? [line, lines[i + 1] ?? ''] : [line];
    })
    .slice(0, 8)
    .join('\n');
}
