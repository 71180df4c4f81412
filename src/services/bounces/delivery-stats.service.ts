import { findCampaignById } from '../../../db/repositories/campaign.repository.js';
import {
  countDeliveryReports,
  countSentDeliveries,
  countUnsubscribed,
  type GroupKey,
  type ReportCounts,
  type StatsGrouping,
  type StatsWindow,
} from '../../../db/repositories/delivery-stats.repository.js';
import { DELIVERY_KINDS } from '../../domain/delivery.js';
import type { ServiceContext } from '../context.js';
import { type DaySeries, figuresByDay } from '../kept-days.js';

/**
 * Deliveries sent per UTC day: a sent delivery's day never changes, so a closed day is
 * counted once and kept (report_days) — what lets a 90-day window answer at 10M deliveries.
 */
function sentByDaySeries(ctx: ServiceContext): DaySeries<number> {
  return {
    name: 'sent',
    count: async (window) => {
      const counts = await countSentDeliveries(ctx.db, window, 'day');
      return new Map([...counts].map(([day, n]) => [day ?? '', n]));
    },
    empty: () => 0,
    settled: () => true,
    toJson: (n) => String(n),
    fromJson: (json) => Number(json),
  };
}

/** Sent in the window, per group; a total or per day through the kept days. */
async function countSent(
  ctx: ServiceContext,
  window: StatsWindow,
  by: StatsGrouping,
): Promise<Map<GroupKey, number>> {
  if (by === 'kind' || by === 'campaign') return countSentDeliveries(ctx.db, window, by);
  const days = await figuresByDay(ctx, sentByDaySeries(ctx), window);
  if (by === 'day') return new Map(days);
  return new Map([[null, [...days.values()].reduce((sum, n) => sum + n, 0)]]);
}

export type { StatsGrouping } from '../../../db/repositories/delivery-stats.repository.js';
export const STATS_GROUPINGS = ['total', 'day', 'kind', 'campaign'] as const;

/** What the mailbox providers watch, over the last 7 days (Gmail's and Yahoo's bulk-sender rules). */
export const DELIVERABILITY_LIMITS = {
  /** Complaints per sent: a warning from here (aim under it)… */
  complaintWarning: 0.001,
  /** …an error from here: the providers' line, past which they block. */
  complaintError: 0.003,
  /** Hard bounces per sent: a list this stale should be cleaned before it is mailed again. */
  hardBounceWarning: 0.02,
  days: 7,
} as const;

/** One group's counts and their rates per sent (null with nothing sent). */
export interface DeliveryStatsRow {
  /** The UTC day (YYYY-MM-DD), the delivery kind or the campaign id; null for the total. */
  group: string | null;
  /** By campaign: its name. */
  name: string | null;
  sent: number;
  hardBounces: number;
  softBounces: number;
  complaints: number;
  unsubscribes: number;
  hardBounceRate: number | null;
  softBounceRate: number | null;
  complaintRate: number | null;
  unsubscribeRate: number | null;
}

export interface DeliverabilityAlert {
  level: 'warning' | 'error';
  measure: 'complaints' | 'hard-bounces';
  rate: number;
  count: number;
  sent: number;
  /** The limit it reached. */
  limit: number;
}

export interface DeliveryStats {
  since: Date;
  until: Date;
  by: StatsGrouping;
  rows: DeliveryStatsRow[];
  /** The last 7 days' complaint and hard-bounce rates that reached a limit. */
  alerts: DeliverabilityAlert[];
}

/**
 * Sent, hard and soft bounces, complaints and unsubscribes since `since`, with their rates
 * per sent, in one total row or per UTC day, delivery kind or campaign; and, whatever the
 * window, the last 7 days' rates that reached a provider's limit.
 *
 * Bounces and complaints count the deliveries of ours they were matched to, each once, by when
 * they came back. Unsubscribes are the addresses that unsubscribed in the window (the reader's
 * own link or a provider's opt-out); by kind or campaign only provider opt-outs name a
 * delivery, so the others are one more row, with group null and nothing sent.
 */
export async function reportDeliveryStats(
  ctx: ServiceContext,
  options: { since: Date; by: StatsGrouping },
): Promise<DeliveryStats> {
  const until = ctx.now();
  const window = { since: options.since, until };
  const rows = await statsRows(ctx, window, options.by);
  const week = {
    since: new Date(until.getTime() - DELIVERABILITY_LIMITS.days * 86_400_000),
    until,
  };
  const [lastWeek] = await statsRows(ctx, week, 'total');
  return { since: options.since, until, by: options.by, rows, alerts: alertsOf(lastWeek) };
}

async function statsRows(
  ctx: ServiceContext,
  window: StatsWindow,
  by: StatsGrouping,
): Promise<DeliveryStatsRow[]> {
  const sent = await countSent(ctx, window, by);
  const reports = await countDeliveryReports(ctx.db, window, by);
  const attributed = by === 'kind' || by === 'campaign';
  const unsubscribed = await countUnsubscribed(ctx.db, window, attributed ? 'total' : by);
  const keys = groupKeys(window, by, [...sent.keys(), ...reports.keys()]);
  const rows: DeliveryStatsRow[] = [];
  for (const key of keys) {
    const counts = reports.get(key);
    const unsubscribes = attributed ? (counts?.unsubscribe ?? 0) : (unsubscribed.get(key) ?? 0);
    rows.push(rowOf(key, sent.get(key) ?? 0, counts, unsubscribes));
  }
  if (attributed) {
    const named = rows.reduce((n, row) => n + row.unsubscribes, 0);
    const others = Math.max(0, (unsubscribed.get(null) ?? 0) - named);
    if (others > 0) rows.push(rowOf(null, 0, undefined, others));
  }
  if (by === 'campaign')
    for (const row of rows)
      if (row.group !== null)
        row.name = (await findCampaignById(ctx.db, Number(row.group)))?.name ?? null;
  return rows;
}

/** The groups shown: every day of the window, every kind, each campaign that sent or heard back. */
function groupKeys(window: StatsWindow, by: StatsGrouping, seen: GroupKey[]): GroupKey[] {
  if (by === 'total') return [null];
  if (by === 'kind') return [...DELIVERY_KINDS];
  if (by === 'campaign')
    return [...new Set(seen.filter((key) => key !== null))].sort((a, b) => Number(a) - Number(b));
  const days: string[] = [];
  const day = new Date(window.since.toISOString().slice(0, 10));
  for (; day < window.until; day.setUTCDate(day.getUTCDate() + 1))
    days.push(day.toISOString().slice(0, 10));
  return days;
}

function rowOf(
  group: GroupKey,
  sent: number,
  counts: ReportCounts | undefined,
  unsubscribes: number,
): DeliveryStatsRow {
  const rate = (n: number) => (sent > 0 ? n / sent : null);
  const hard = counts?.hard ?? 0;
  const soft = counts?.soft ?? 0;
  const complaints = counts?.complaint ?? 0;
  return {
    group,
    name: null,
    sent,
    hardBounces: hard,
    softBounces: soft,
    complaints,
    unsubscribes,
    hardBounceRate: rate(hard),
    softBounceRate: rate(soft),
    complaintRate: rate(complaints),
    unsubscribeRate: rate(unsubscribes),
  };
}

function alertsOf(week: DeliveryStatsRow | undefined): DeliverabilityAlert[] {
  if (!week || week.sent === 0) return [];
  const alerts: DeliverabilityAlert[] = [];
  const complaints = week.complaintRate ?? 0;
  if (complaints >= DELIVERABILITY_LIMITS.complaintWarning) {
    const error = complaints >= DELIVERABILITY_LIMITS.complaintError;
    alerts.push({
      level: error ? 'error' : 'warning',
      measure: 'complaints',
      rate: complaints,
      count: week.complaints,
      sent: week.sent,
      limit: error ? DELIVERABILITY_LIMITS.complaintError : DELIVERABILITY_LIMITS.complaintWarning,
    });
  }
  const hard = week.hardBounceRate ?? 0;
  if (hard >= DELIVERABILITY_LIMITS.hardBounceWarning)
    alerts.push({
      level: 'warning',
      measure: 'hard-bounces',
      rate: hard,
      count: week.hardBounces,
      sent: week.sent,
      limit: DELIVERABILITY_LIMITS.hardBounceWarning,
    });
  return alerts;
}
