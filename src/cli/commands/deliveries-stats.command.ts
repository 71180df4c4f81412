import type { Command } from 'commander';
import {
  type DeliverabilityAlert,
  type DeliveryStatsRow,
  reportDeliveryStats,
  STATS_GROUPINGS,
  type StatsGrouping,
} from '../../services/bounces/index.js';
import { withApp } from '../cli-context.js';
import { printListing } from '../output.js';
import { choiceSchema, parseOption, parseSince } from '../parse.js';

interface StatsOptions {
  since: string;
  by?: string;
  json?: boolean;
}

const BY = ['day', 'kind', 'campaign'] as const;

/**
 * `deliveries stats`: sent, bounces, complaints and unsubscribes with their rates over a
 * window, and a warning (or error) line on stderr when the last 7 days' complaint or
 * hard-bounce rate reached a mailbox provider's limit. A report: it exits 0 either way.
 */
export function registerDeliveryStatsCommand(deliveries: Command): void {
  deliveries
    .command('stats')
    .description('sent, bounced, complained and unsubscribed, with their rates per sent')
    .option('--since <when>', 'a duration back (30d) or an ISO date', '30d')
    .option('--by <group>', `one row per ${BY.join('|')} (default: one total row)`)
    .option('--json', 'one JSON array')
    .action(async (opts: StatsOptions) => {
      const by: StatsGrouping = opts.by
        ? parseOption('--by', opts.by, choiceSchema(STATS_GROUPINGS))
        : 'total';
      await withApp({}, async (app) => {
        const since = parseSince('--since', opts.since, app.now()) as Date;
        const stats = await reportDeliveryStats(app, { since, by });
        const rows = stats.rows.map((row) => toJsonRow(row, by, stats.since, stats.until));
        printListing(rows, Boolean(opts.json), [
          ...groupColumns(by),
          { header: 'SENT', value: (r) => r.sent },
          { header: 'HARD', value: (r) => r.hardBounces },
          { header: 'HARD%', value: (r) => percent(r.hardBounceRate) },
          { header: 'SOFT', value: (r) => r.softBounces },
          { header: 'SOFT%', value: (r) => percent(r.softBounceRate) },
          { header: 'COMPLAINTS', value: (r) => r.complaints },
          { header: 'COMPLAINT%', value: (r) => percent(r.complaintRate) },
          { header: 'UNSUBSCRIBES', value: (r) => r.unsubscribes },
          { header: 'UNSUB%', value: (r) => percent(r.unsubscribeRate) },
        ]);
        for (const alert of stats.alerts) process.stderr.write(`${describeAlert(alert)}\n`);
      });
    });
}

type JsonRow = ReturnType<typeof toJsonRow>;

/** A row as `--json` writes it: its group's own field first, then the counts and rates. */
function toJsonRow(row: DeliveryStatsRow, by: StatsGrouping, since: Date, until: Date) {
  const { group, name, ...counts } = row;
  const key =
    by === 'day'
      ? { day: group }
      : by === 'kind'
        ? { kind: group }
        : by === 'campaign'
          ? { campaignId: group === null ? null : Number(group), campaign: name }
          : { since: since.toISOString(), until: until.toISOString() };
  return { ...key, ...counts };
}

function groupColumns(by: StatsGrouping): { header: string; value: (r: JsonRow) => unknown }[] {
  switch (by) {
    case 'day':
      return [{ header: 'DAY', value: (r) => ('day' in r ? r.day : null) }];
    case 'kind':
      return [{ header: 'KIND', value: (r) => ('kind' in r ? (r.kind ?? 'no delivery') : null) }];
    case 'campaign':
      return [
        {
          header: 'CAMPAIGN',
          value: (r) => ('campaignId' in r ? (r.campaignId ?? 'no delivery') : null),
        },
        { header: 'NAME', value: (r) => ('campaign' in r ? r.campaign : null) },
      ];
    default:
      return [{ header: 'SINCE', value: (r) => ('since' in r ? r.since : null) }];
  }
}

function percent(rate: number | null): string | null {
  return rate === null ? null : `${(rate * 100).toFixed(2)}%`;
}

/** One stderr line: what reached which limit over the last 7 days. */
export function describeAlert(alert: DeliverabilityAlert): string {
  const what = alert.measure === 'complaints' ? 'complaint rate' : 'hard-bounce rate';
  const advice =
    alert.measure === 'complaints'
      ? alert.level === 'error'
        ? 'Gmail and Yahoo block bulk senders over 0.3%'
        : 'Gmail and Yahoo ask bulk senders to stay under 0.1%'
      : 'the list holds dead addresses';
  return `${alert.level}: ${what} over the last 7 days is ${percent(alert.rate)} (${alert.count} of ${alert.sent} sent), at or over ${percent(alert.limit)}: ${advice}`;
}
