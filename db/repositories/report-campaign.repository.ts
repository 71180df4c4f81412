import { sql } from 'kysely';
import type { Db } from '../connection.js';
import { toIso } from '../mappers.js';
import { dayOf, type StatsWindow } from './delivery-stats.repository.js';

/*
 * The campaigns report's chart: invitations sent and trial-link clicks from campaigns, per UTC
 * day of a window. Each walks an index on its time column (deliveries_sent, trial_clicks_made)
 * that also holds the column it filters on, so neither reads a table row.
 */

/** Campaign invitations sent in the window, per UTC day (`YYYY-MM-DD`). */
export async function countCampaignSendsByDay(
  db: Db,
  window: StatsWindow,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('deliveries as d')
    .select([dayOf(db, 'd.sent_at').as('day'), sql<number>`count(*)`.as('n')])
    .where('d.sent_at', '>=', toIso(window.since))
    .where('d.sent_at', '<', toIso(window.until))
    .where('d.kind', '=', 'campaign')
    .groupBy(dayOf(db, 'd.sent_at'))
    .execute();
  return new Map(rows.map((row) => [row.day, Number(row.n)]));
}

/**
 * Clicks on campaigns' trial links in the window, per UTC day: every click, a reader's second
 * one too (the campaign's own figure counts people, once each, over its whole life).
 */
export async function countCampaignClicksByDay(
  db: Db,
  window: StatsWindow,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('trial_clicks as c')
    .select([dayOf(db, 'c.created_at').as('day'), sql<number>`count(*)`.as('n')])
    .where('c.created_at', '>=', toIso(window.since))
    .where('c.created_at', '<', toIso(window.until))
    .where('c.campaign_id', 'is not', null)
    .groupBy(dayOf(db, 'c.created_at'))
    .execute();
  return new Map(rows.map((row) => [row.day, Number(row.n)]));
}
