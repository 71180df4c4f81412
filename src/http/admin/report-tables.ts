import type { CsvCell } from '../../domain/csv-cells.js';
import type {
  CampaignDetailReport,
  CampaignsReport,
  DeliverabilityReport,
  DigestsReport,
} from '../../services/reports/index.js';

/** How a column's values are shown on the page (the CSV keeps them raw). */
export type ColumnKind = 'text' | 'count' | 'rate' | 'time' | 'seconds';

/**
 * One table of figures, as the page shows it under its chart and as its CSV download gives
 * it: the same rows, so the two cannot disagree.
 */
export interface ReportTable {
  /** The CSV file's name, without `.csv`. */
  name: string;
  caption: string;
  columns: { header: string; kind: ColumnKind }[];
  /** Raw values: counts, rates as fractions, times as ISO text. */
  rows: CsvCell[][];
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function campaignsTable(report: CampaignsReport): ReportTable {
  return {
    name: 'campaigns',
    caption: 'Every campaign, newest first',
    columns: [
      { header: 'ID', kind: 'count' },
      { header: 'Name', kind: 'text' },
      { header: 'Status', kind: 'text' },
      { header: 'Audience filters', kind: 'text' },
      { header: 'Audience', kind: 'count' },
      { header: 'Sent', kind: 'count' },
      { header: 'Clicks', kind: 'count' },
      { header: 'Trials', kind: 'count' },
      { header: 'Conversion', kind: 'rate' },
    ],
    rows: report.campaigns.map((c) => [
      c.id,
      c.name,
      c.status,
      c.filters ?? 'every prospect',
      c.audience,
      c.sent,
      c.clicks,
      c.trials,
      c.conversion,
    ]),
  };
}

export function campaignDaysTable(report: CampaignsReport): ReportTable {
  return {
    name: 'campaign-days',
    caption: 'Invitations sent and trial-link clicks per day (UTC)',
    columns: [
      { header: 'Day', kind: 'text' },
      { header: 'Invitations sent', kind: 'count' },
      { header: 'Trial-link clicks', kind: 'count' },
    ],
    rows: report.days.map((d) => [d.day, d.sent, d.clicks]),
  };
}

export function campaignStoriesTable(report: CampaignDetailReport): ReportTable {
  return {
    name: 'stories',
    caption: 'Clicks and trials per story, most trials first',
    columns: [
      { header: 'Story', kind: 'text' },
      { header: 'Clicks', kind: 'count' },
      { header: 'Trials', kind: 'count' },
    ],
    rows: report.stories.map((s) => [s.storyId, s.clicks, s.trials]),
  };
}

export function campaignSkipsTable(report: CampaignDetailReport): ReportTable {
  return {
    name: 'skips',
    caption: 'Recipients left out at send time, by reason',
    columns: [
      { header: 'Reason', kind: 'text' },
      { header: 'Recipients', kind: 'count' },
    ],
    rows: report.skippedBy.map((s) => [s.reason, s.count]),
  };
}

export function deliverabilityTable(report: DeliverabilityReport): ReportTable {
  return {
    name: 'deliverability',
    caption: 'Sent and what came back, per day (UTC), with rates per sent',
    columns: [
      { header: 'Day', kind: 'text' },
      { header: 'Sent', kind: 'count' },
      { header: 'Hard bounces', kind: 'count' },
      { header: 'Hard-bounce rate', kind: 'rate' },
      { header: 'Soft bounces', kind: 'count' },
      { header: 'Soft-bounce rate', kind: 'rate' },
      { header: 'Complaints', kind: 'count' },
      { header: 'Complaint rate', kind: 'rate' },
      { header: 'Unsubscribes', kind: 'count' },
      { header: 'Unsubscribe rate', kind: 'rate' },
    ],
    rows: report.days.map((d) => [
      d.group,
      d.sent,
      d.hardBounces,
      d.hardBounceRate,
      d.softBounces,
      d.softBounceRate,
      d.complaints,
      d.complaintRate,
      d.unsubscribes,
      d.unsubscribeRate,
    ]),
  };
}

export function suppressionsTable(report: Pick<DeliverabilityReport, 'suppressions'>): ReportTable {
  return {
    name: 'suppressions',
    caption: 'Addresses suppressed now, by reason',
    columns: [
      { header: 'Reason', kind: 'text' },
      { header: 'Addresses', kind: 'count' },
    ],
    rows: report.suppressions.map((s) => [s.reason, s.count]),
  };
}

export function digestRunsTable(report: DigestsReport): ReportTable {
  return {
    name: 'digest-runs',
    caption: 'Each day’s scheduled digests (UTC), newest first',
    columns: [
      { header: 'Day', kind: 'text' },
      { header: 'Digests due', kind: 'count' },
      { header: 'Sent', kind: 'count' },
      { header: 'Failed', kind: 'count' },
      { header: 'Unknown outcome', kind: 'count' },
      { header: 'Suppressed', kind: 'count' },
      { header: 'Waiting', kind: 'count' },
      { header: 'First send', kind: 'time' },
      { header: 'Last send', kind: 'time' },
      { header: 'First to last', kind: 'seconds' },
    ],
    rows: report.runs.map((r) => [
      r.day,
      r.due,
      r.sent,
      r.failed,
      r.unknown,
      r.suppressed,
      r.queued,
      iso(r.firstSentAt),
      iso(r.lastSentAt),
      r.spanSeconds,
    ]),
  };
}

export function topicsTable(report: Pick<DigestsReport, 'topics'>): ReportTable {
  return {
    name: 'topics',
    caption: 'Topics by followers, with the stories each query matched in the last 30 days',
    columns: [
      { header: 'Topic', kind: 'text' },
      { header: 'Name', kind: 'text' },
      { header: 'Followers', kind: 'count' },
      { header: 'Matches (30 days)', kind: 'count' },
    ],
    rows: report.topics.map((t) => [t.slug, t.name, t.followers, t.storiesMatched]),
  };
}
