/** How the digest benchmark reports: the split of the CLI's time, counts and rates. */
import type { ChildRun } from './run-child.js';
import type { SinkCounts } from './smtp-sink-process.js';

/** Time in SQL statements and in sendMail, from the probes, and the statements that cost most. */
export function timeSplit(runs: ChildRun[]): string[] {
  const timed = runs.filter((run) => run.timings);
  if (timed.length === 0) return [];
  // A run killed by --child-timeout wrote no timings: only the runs that did count here.
  const childSeconds = timed.reduce((sum, run) => sum + run.seconds, 0);
  const bySql = new Map<string, { count: number; ms: number; prepareMs: number }>();
  let mailMs = 0;
  let mailCount = 0;
  for (const run of timed) {
    const timings = run.timings as NonNullable<ChildRun['timings']>;
    mailMs += timings.mail.ms;
    mailCount += timings.mail.count;
    for (const s of timings.statements) {
      const entry = bySql.get(s.sql) ?? { count: 0, ms: 0, prepareMs: 0 };
      entry.count += s.count;
      entry.ms += s.ms;
      entry.prepareMs += s.prepareMs;
      bySql.set(s.sql, entry);
    }
  }
  const all = [...bySql].sort((a, b) => b[1].ms + b[1].prepareMs - (a[1].ms + a[1].prepareMs));
  const sum = (pick: (e: { count: number; ms: number; prepareMs: number }) => number) =>
    all.reduce((total, [, e]) => total + pick(e), 0);
  const queryMs = sum((e) => e.ms + e.prepareMs);
  const share = (ms: number) => `${((100 * ms) / (1000 * childSeconds)).toFixed(0)}%`;
  const lines = [
    `split       ${timed.length < runs.length ? `(${timed.length} of ${runs.length} runs, ${secs(childSeconds)}) ` : ''}SQL ${secs(queryMs / 1000)} (${share(queryMs)}; ${fmt(sum((e) => e.count))} statements, ` +
      `of which preparing ${secs(sum((e) => e.prepareMs) / 1000)}), sendMail ${secs(mailMs / 1000)} ` +
      `(${share(mailMs)}; ${fmt(mailCount)} messages: MIME, DKIM, SMTP round trips), the rest ` +
      `${secs(childSeconds - (queryMs + mailMs) / 1000)} (rendering, services, start-up; --profile splits it)`,
    '  statements that took longest (wall time in the driver, count, mean):',
  ];
  for (const [text, e] of all.slice(0, 8)) {
    const total = e.ms + e.prepareMs;
    lines.push(
      `    ${secs(total / 1000).padStart(8)} ${fmt(e.count).padStart(9)}× ${((1000 * total) / Math.max(1, e.count)).toFixed(0).padStart(6)} µs  ${text.replace(/\s+/g, ' ').slice(0, 140)}`,
    );
  }
  return lines;
}

export function describeStatuses(byStatus: Map<string, number>): string {
  const parts = [...byStatus].filter(([status]) => status !== 'sent');
  return parts.length === 0
    ? 'none failed'
    : parts.map(([status, n]) => `${status} ${fmt(n)}`).join(', ');
}

export function runSpread(runs: ChildRun[]): string {
  if (runs.length === 0) return 'none';
  const seconds = runs.map((r) => r.seconds);
  if (runs.length === 1) return `one run`;
  return `${secs(Math.min(...seconds))} to ${secs(Math.max(...seconds))} each`;
}

export function sinkWindow(counts: SinkCounts): string {
  if (counts.firstAt === null || counts.lastAt === null) return 'nothing received';
  const seconds = (counts.lastAt - counts.firstAt) / 1000;
  return `first to last message at the sink ${secs(seconds)} (${rate(counts.messages, seconds)}/s)`;
}

export function progressReporter(total: number, what: string): (done: number) => void {
  const start = performance.now();
  let shown = 0;
  return (done) => {
    const elapsed = (performance.now() - start) / 1000;
    if (done < total && elapsed - shown < 15) return;
    shown = elapsed;
    const eta = done > 0 ? ((total - done) * elapsed) / done : 0;
    process.stderr.write(
      `  … ${what}: ${fmt(done)} of ${fmt(total)}, ${secs(elapsed)} in` +
        `${done < total ? `, about ${secs(eta)} to go` : ''}\n`,
    );
  };
}

export function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

export function secs(seconds: number): string {
  return seconds >= 120 ? `${(seconds / 60).toFixed(1)} min` : `${seconds.toFixed(1)} s`;
}

export function rate(count: number, seconds: number): string {
  return seconds > 0 ? (count / seconds).toFixed(count / seconds >= 100 ? 0 : 1) : '-';
}
