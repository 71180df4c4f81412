/** The reader routes' results in bench:http: one row per route and size, against the target. */

export const TARGET = { requestsPerSecond: 2000, p99Ms: 50 };

export type Route = 'unsubscribe' | 'trial' | 'preferences';

export interface RunResult {
  route: Route;
  size: number;
  requestsPerSecond: number;
  /** The server process's CPU time per request, ms (user and system, from /proc). */
  serverCpuMs: number | null;
  p50: number;
  p99: number;
  max: number;
  /** Answers other than the route's success status, plus connection errors and timeouts. */
  bad: number;
  /** What the database gained: unsubscribed readers, trial clicks (preferences: none). */
  recorded: number | null;
  expectedRecorded: number | null;
}
export function meetsTarget(r: RunResult): boolean {
  return r.requestsPerSecond >= TARGET.requestsPerSecond && r.p99 <= TARGET.p99Ms && r.bad === 0;
}

export function allRecorded(r: RunResult): boolean {
  return r.expectedRecorded === null || r.recorded === r.expectedRecorded;
}

export function printResults(results: RunResult[]): void {
  console.log(
    `\n${'route'.padEnd(12)}${'requests'.padStart(9)}${'req/s'.padStart(8)}${'p50 ms'.padStart(8)}` +
      `${'p99 ms'.padStart(8)}${'max ms'.padStart(8)}${'bad'.padStart(5)}${'srv ms/req'.padStart(11)}` +
      '  recorded in the database',
  );
  for (const r of results) {
    const recorded =
      r.expectedRecorded === null
        ? '(nothing to record)'
        : `${r.recorded} of ${r.expectedRecorded}${allRecorded(r) ? '' : '  MISSING'}`;
    console.log(
      `${r.route.padEnd(12)}${String(r.size).padStart(9)}${r.requestsPerSecond.toFixed(0).padStart(8)}` +
        `${String(r.p50).padStart(8)}${String(r.p99).padStart(8)}${String(r.max).padStart(8)}` +
        `${String(r.bad).padStart(5)}${(r.serverCpuMs?.toFixed(2) ?? '?').padStart(11)}` +
        `  ${recorded}${meetsTarget(r) ? '' : '  below target'}`,
    );
  }
  console.log(
    `\ntarget: >= ${TARGET.requestsPerSecond} req/s with p99 <= ${TARGET.p99Ms} ms, no bad answer`,
  );
  for (const route of ['unsubscribe', 'trial', 'preferences'] as const) {
    const [a, b] = results.filter((r) => r.route === route);
    if (a && b)
      console.log(
        `  ${route}: ${b.size} vs ${a.size} requests: req/s x${(b.requestsPerSecond / a.requestsPerSecond).toFixed(2)}, p99 x${(b.p99 / Math.max(1, a.p99)).toFixed(2)}`,
      );
  }
}
