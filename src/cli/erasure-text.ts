import type { ErasureReport } from '../services/readers/index.js';

/** An erasure as lines for people: each kind of row, what became of it. */
export function formatErasure(report: ErasureReport): string {
  const c = report.counts;
  const rows: [string, number, string][] = [
    ['profile and consent', 1, 'deleted'],
    ['subscriptions', c.subscriptions, 'deleted'],
    ['matches', c.matches, 'deleted'],
    ['digests', c.digests, 'deleted'],
    ['deliveries', c.deliveries, 'kept for the counts, without the reader'],
    ['trial clicks', c.trialClicks, 'kept for the counts, without the reader'],
    ['campaign invitations', c.campaignInvitations, 'kept for the counts, without the reader'],
    ['bounces', c.bounces, 'kept for the counts, without the address'],
    ['inbound messages', c.inboundMessages, 'raw text deleted'],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(
    ([label, n, fate]) => `  ${label.padEnd(width)}  ${String(n).padStart(6)}  ${fate}`,
  );
  const suppression = report.keptAsHash
    ? `the address stays on the do-not-mail list only as a keyed hash (${report.keptAsHash})`
    : c.suppression
      ? `its suppression (${c.suppression}) is deleted`
      : 'the address is not kept';
  return report.dryRun
    ? [
        `would erase ${report.email}:`,
        ...lines,
        `  ${suppression}`,
        'nothing changed (--dry-run)',
      ].join('\n')
    : [`erased ${report.email}:`, ...lines, `  ${suppression}`].join('\n');
}
