/** The digest benchmark's closing table: dialects side by side, per population and size. */
import type { Dialect } from './bench-database.js';
import { fmt, rate } from './digest-bench-report.js';
import type { WorkersRun } from './digest-bench-workers.js';

export interface SizeResult {
  dialect: Dialect;
  readers: number;
  population: string;
  storiesMean: number;
  storiesMedian: number;
  /** SQL statements the CLI ran per digest received (from the probes; null with --bare). */
  statementsPerDigest: number | null;
  workers: WorkersRun[];
  seedSeconds: number;
  matchSeconds: number;
  matches: number;
  due: number;
  sent: number;
  received: number;
  childRuns: number;
  childSeconds: number;
  peakRssKb: number | null;
  finished: boolean;
  ok: boolean;
}

const perDigestMs = (r: SizeResult) => (1000 * r.childSeconds) / Math.max(1, r.received);

/** One line per population and size, each dialect's figures beside the other's. */
export function summarize(results: readonly SizeResult[], dialects: readonly Dialect[]): string[] {
  if (results.length === 0) return [];
  const lines = [
    '',
    '=== summary (one `digests run`, start-up included; workers: from their start) ===',
  ];
  const cell = (r: SizeResult | undefined) => {
    if (!r) return '-'.padEnd(44);
    const check = r.finished ? (r.ok ? 'OK' : 'MISMATCH') : 'NOT FINISHED';
    const statements = r.statementsPerDigest === null ? '?' : r.statementsPerDigest.toFixed(2);
    const rss = r.peakRssKb === null ? '?' : `${(r.peakRssKb / 1024).toFixed(0)} MB`;
    const workers = r.workers
      .map(
        (w) => `${w.workers}w ${rate(w.received, w.seconds)}/s${w.finished ? '' : ' (unfinished)'}`,
      )
      .join(', ');
    return `${rate(r.received, r.childSeconds).padStart(5)}/s ${perDigestMs(r).toFixed(2).padStart(5)} ms ${statements.padStart(5)} st ${rss.padStart(7)} ${check}${workers ? ` | ${workers}` : ''}`.padEnd(
      44,
    );
  };
  lines.push(
    `population  stories/digest   readers  ${dialects.map((d) => `${d}: digests/s, ms/digest, statements/digest, peak RSS`.padEnd(44)).join('  ')}`,
  );
  const keys = [...new Set(results.map((r) => `${r.population}|${r.readers}`))];
  for (const key of keys) {
    const row = results.filter((r) => `${r.population}|${r.readers}` === key);
    const first = row[0] as SizeResult;
    lines.push(
      [
        first.population.padEnd(10),
        `${first.storiesMean.toFixed(1)} (median ${first.storiesMedian})`.padStart(16),
        fmt(first.readers).padStart(9),
        ...dialects.map((d) => cell(row.find((r) => r.dialect === d))),
      ].join('  '),
    );
  }
  for (const dialect of dialects)
    for (const population of new Set(results.map((r) => r.population))) {
      const mine = results
        .filter(
          (r) =>
            r.dialect === dialect && r.population === population && r.finished && r.received > 0,
        )
        .sort((a, b) => a.readers - b.readers);
      const [small, large] = [mine[0], mine.at(-1)];
      if (!small || !large || small === large) continue;
      lines.push(
        `${dialect}, ${population}: time per digest at ${fmt(large.readers)} / at ${fmt(small.readers)} readers = ` +
          `${(perDigestMs(large) / perDigestMs(small)).toFixed(2)} (1.00 = scales linearly)`,
      );
    }
  return lines;
}
