/**
 * The morning's digests sent by long-running `bulletin worker` processes, as a publisher that
 * scales out runs them: one `bulletin scheduler` for the tick and N workers sharing the work
 * through Redis, on a copy of the seeded and matched database. Timed from the processes'
 * start to the last message at the SMTP sink.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type ChildRun, runNodeChild } from './run-child.js';
import type { SinkCounts, SmtpSink } from './smtp-sink-process.js';

export interface WorkersRun {
  workers: number;
  received: number;
  distinctRecipients: number;
  /** From the processes' start to the last message at the sink. */
  seconds: number;
  finished: boolean;
  /** The largest peak resident memory of any worker. */
  peakRssKb: number | null;
  /** Statements the workers ran, from the probes (null without them). */
  statements: number | null;
}

/** Starts the scheduler and `workers` workers, waits until `due` digests arrived, stops them. */
export async function runWorkers(options: {
  cli: string;
  cwd: string;
  env: Record<string, string>;
  workers: number;
  due: number;
  sink: SmtpSink;
  timeoutMs: number;
  timing: boolean;
}): Promise<WorkersRun> {
  await options.sink.reset();
  const env = { ...options.env, QUEUE_PREFIX: `bench-${randomBytes(4).toString('hex')}` };
  const children: ChildProcess[] = [];
  const start = Date.now();
  const spawnPart = (role: 'worker' | 'scheduler') =>
    runNodeChild(options.cli, [role], {
      cwd: options.cwd,
      env,
      timing: options.timing && role === 'worker',
      timeoutMs: options.timeoutMs + 60_000,
      onSpawn: (child) => children.push(child),
      onStderrLine: (line) => {
        if (/"level":(50|60)/.test(line)) process.stderr.write(`  [${role} stderr] ${line}\n`);
      },
    });
  const runs: Promise<ChildRun>[] = [spawnPart('scheduler')];
  for (let i = 0; i < options.workers; i++) runs.push(spawnPart('worker'));
  let counts: SinkCounts = await options.sink.stats();
  const deadline = start + options.timeoutMs;
  let lastReport = Date.now();
  while (counts.messages < options.due && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    counts = await options.sink.stats();
    if (Date.now() - lastReport > 15_000) {
      lastReport = Date.now();
      process.stderr.write(
        `  … ${options.workers} worker(s): ${counts.messages} of ${options.due} received, ` +
          `${((Date.now() - start) / 1000).toFixed(0)} s in\n`,
      );
    }
  }
  // Whatever is still in flight lands before the count is final.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  counts = await options.sink.stats();
  for (const child of children) child.kill('SIGTERM');
  const done = await Promise.all(runs);
  const workerRuns = done.slice(1);
  const peaks = workerRuns.map((r) => r.peakRssKb).filter((kb): kb is number => kb !== null);
  const timed = workerRuns.filter((r) => r.timings);
  return {
    workers: options.workers,
    received: counts.messages,
    distinctRecipients: counts.distinctRecipients,
    seconds: ((counts.lastAt ?? Date.now()) - start) / 1000,
    finished: counts.messages >= options.due,
    peakRssKb: peaks.length > 0 ? Math.max(...peaks) : null,
    statements:
      timed.length === 0
        ? null
        : timed.reduce(
            (sum, r) => sum + (r.timings?.statements ?? []).reduce((n, s) => n + s.count, 0),
            0,
          ),
  };
}
