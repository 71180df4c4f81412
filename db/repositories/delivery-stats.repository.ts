import { type RawBuilder, sql } from 'kysely';
import { type Db, isPostgres } from '../connection.js';
import { toIso } from '../mappers.js';

/*
 * The counts behind `deliveries stats` and the campaign guard: deliveries sent, and what came
 * back about them (bounces, complaints, opt-outs), over a window, grouped. Each query walks an
 * index on its window (deliveries_sent, bounces_kind, suppressions_reason).
 */

/** How the counts are grouped: one total, per UTC day, per delivery kind, per campaign. */
export type StatsGrouping = 'total' | 'day' | 'kind' | 'campaign';

export interface StatsWindow {
  since: Date;
  until: Date;
}

/** One group's key: null for the total (and, by campaign, deliveries of no campaign). */
export type GroupKey = string | null;

/** What came back, by kind, about the deliveries of one group. */
export interface ReportCounts {
  hard: number;
  soft: number;
  complaint: number;
  unsubscribe: number;
}

const REPORTED = ['hard', 'soft', 'complaint', 'unsubscribe'] as const;

/** `YYYY-MM-DD` (UTC) of a timestamp column, the same on both dialects. */
export function dayOf(db: Db, column: string): RawBuilder<string> {
  return isPostgres(db)
    ? sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD')`
    : sql<string>`substr(${sql.ref(column)}, 1, 10)`;
}

function dayOrNull(db: Db, by: 'total' | 'day', column: string): RawBuilder<string | null> {
  return by === 'day' ? dayOf(db, column) : sql<string | null>`null`;
}

function keyOf(value: unknown): GroupKey {
  return value === null || value === undefined ? null : String(value);
}

/** Deliveries sent in the window, per group. */
export async function countSentDeliveries(
  db: Db,
  window: StatsWindow,
  by: StatsGrouping,
): Promise<Map<GroupKey, number>> {
  const base = db
    .selectFrom('deliveries as d')
    .where('d.sent_at', '>=', toIso(window.since))
    .where('d.sent_at', '<', toIso(window.until));
  const count = sql<number>`count(*)`.as('n');
  const rows =
    by === 'campaign'
      ? await base
          .leftJoin('campaign_recipients as r', 'r.delivery_id', 'd.id')
          .select(['r.campaign_id as key', count])
          .groupBy('r.campaign_id')
          .execute()
      : by === 'kind'
        ? await base.select(['d.kind as key', count]).groupBy('d.kind').execute()
        : by === 'day'
          ? await base
              .select([dayOf(db, 'd.sent_at').as('key'), count])
              .groupBy(dayOf(db, 'd.sent_at'))
              .execute()
          : await base.select([sql<null>`null`.as('key'), count]).execute();
  return new Map(rows.map((row) => [keyOf(row.key), Number(row.n)]));
}

/**
 * Bounces, complaints and provider opt-outs received in the window about deliveries of ours
 * (matched ones), per group: each delivery counted once per kind, however many reports about
 * it came back. By day, the day the report came; by kind or campaign, its delivery's.
 */
export async function countDeliveryReports(
  db: Db,
  window: StatsWindow,
  by: StatsGrouping,
): Promise<Map<GroupKey, ReportCounts>> {
  const base = db
    .selectFrom('bounces as b')
    .where('b.kind', 'in', REPORTED)
    .where('b.received_at', '>=', toIso(window.since))
    .where('b.received_at', '<', toIso(window.until))
    .where('b.delivery_id', 'is not', null);
  const count = sql<number>`count(distinct b.delivery_id)`.as('n');
  const rows =
    by === 'campaign'
      ? await base
          .leftJoin('campaign_recipients as r', 'r.delivery_id', 'b.delivery_id')
          .select(['r.campaign_id as key', 'b.kind', count])
          .groupBy(['r.campaign_id', 'b.kind'])
          .execute()
      : by === 'kind'
        ? await base
            .innerJoin('deliveries as d', 'd.id', 'b.delivery_id')
            .select(['d.kind as key', 'b.kind', count])
            .groupBy(['d.kind', 'b.kind'])
            .execute()
        : by === 'day'
          ? await base
              .select([dayOf(db, 'b.received_at').as('key'), 'b.kind', count])
              .groupBy([dayOf(db, 'b.received_at'), 'b.kind'])
              .execute()
          : await base
              .select([sql<null>`null`.as('key'), 'b.kind', count])
              .groupBy('b.kind')
              .execute();
  const counts = new Map<GroupKey, ReportCounts>();
  for (const row of rows) {
    const key = keyOf(row.key);
    const group = counts.get(key) ?? { hard: 0, soft: 0, complaint: 0, unsubscribe: 0 };
    group[row.kind as keyof ReportCounts] += Number(row.n);
    counts.set(key, group);
  }
  return counts;
}

/**
 * Addresses that unsubscribed in the window, per UTC day or in total: the `unsubscribed`
 * suppressions written in it (the reader's own link, a provider's opt-out) and the provider
 * opt-outs received in it about addresses already suppressed otherwise, each address once.
 */
export async function countUnsubscribed(
  db: Db,
  window: StatsWindow,
  by: 'total' | 'day',
): Promise<Map<GroupKey, number>> {
  const since = toIso(window.since);
  const until = toIso(window.until);
  const suppressed = db
    .selectFrom('suppressions as s')
    .select(['s.email as email', dayOrNull(db, by, 's.created_at').as('day')])
    .where('s.reason', '=', 'unsubscribed')
    .where('s.created_at', '>=', since)
    .where('s.created_at', '<', until);
  const reported = db
    .selectFrom('bounces as b')
    .select([sql<string>`b.recipient`.as('email'), dayOrNull(db, by, 'b.received_at').as('day')])
    .where('b.kind', '=', 'unsubscribe')
    .where('b.recipient', 'is not', null)
    .where('b.received_at', '>=', since)
    .where('b.received_at', '<', until);
  const rows = await db
    .selectFrom(suppressed.union(reported).as('u'))
    .select(['u.day as key', sql<number>`count(*)`.as('n')])
    .groupBy('u.day')
    .execute();
  return new Map(rows.map((row) => [keyOf(row.key), Number(row.n)]));
}

/**
 * One campaign's recipients sent to, and its deliveries that hard-bounced or drew a
 * complaint (each delivery once), for the guard that pauses it.
 */
export async function countCampaignReports(
  db: Db,
  campaignId: number,
): Promise<{ sent: number; hard: number; complaint: number }> {
  const sent = await db
    .selectFrom('campaign_recipients as r')
    .innerJoin('deliveries as d', 'd.id', 'r.delivery_id')
    .select(sql<number>`count(*)`.as('n'))
    .where('r.campaign_id', '=', campaignId)
    .where('d.status', '=', 'sent')
    .executeTakeFirstOrThrow();
  const reports = await db
    .selectFrom('campaign_recipients as r')
    .innerJoin('bounces as b', 'b.delivery_id', 'r.delivery_id')
    .select(['b.kind', sql<number>`count(distinct b.delivery_id)`.as('n')])
    .where('r.campaign_id', '=', campaignId)
    .where('b.kind', 'in', ['hard', 'complaint'])
    .groupBy('b.kind')
    .execute();
  const of = (kind: string) => Number(reports.find((row) => row.kind === kind)?.n ?? 0);
  return { sent: Number(sent.n), hard: of('hard'), complaint: of('complaint') };
}
