import type { Selectable } from 'kysely';
import type { Campaign, CampaignStatus } from '../../src/domain/campaign.js';
import type { Db } from '../connection.js';
import { toBit, toBoolean, toDate, toDateOrNull, toIso } from '../mappers.js';
import { reusableQuery } from '../reusable-query.js';
import type { CampaignsTable } from '../schema.js';

function toCampaign(row: Selectable<CampaignsTable>): Campaign {
  return {
    id: row.id,
    name: row.name,
    subject: row.subject,
    audience: row.audience,
    intro: row.intro,
    storyCount: row.story_count,
    sendAt: toDateOrNull(row.send_at),
    rate: row.rate,
    onePerDomain: toBoolean(row.one_per_domain),
    status: row.status,
    audienceFixedAt: toDateOrNull(row.audience_fixed_at),
    finishedAt: toDateOrNull(row.finished_at),
    pausedReason: row.paused_reason ?? null,
    createdAt: toDate(row.created_at),
  };
}

export interface NewCampaign {
  name: string;
  subject: string;
  audience: string | null;
  intro: string | null;
  storyCount: number;
  sendAt: Date | null;
  rate: number;
  onePerDomain: boolean;
}

export async function insertCampaign(db: Db, campaign: NewCampaign, now: Date): Promise<Campaign> {
  const row = await db
    .insertInto('campaigns')
    .values({
      name: campaign.name,
      subject: campaign.subject,
      audience: campaign.audience,
      intro: campaign.intro,
      story_count: campaign.storyCount,
      send_at: campaign.sendAt && toIso(campaign.sendAt),
      rate: campaign.rate,
      one_per_domain: toBit(campaign.onePerDomain),
      status: 'draft',
      created_at: toIso(now),
      updated_at: toIso(now),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toCampaign(row);
}

export async function findCampaignById(db: Db, id: number): Promise<Campaign | undefined> {
  const row = await db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toCampaign(row);
}

/** Campaigns, newest first (of some statuses only, when given); `limit` null: all of them. */
export async function listCampaigns(
  db: Db,
  statuses?: readonly CampaignStatus[],
  limit: number | null = null,
): Promise<Campaign[]> {
  let query = db.selectFrom('campaigns').selectAll().orderBy('id', 'desc');
  if (statuses) query = query.where('status', 'in', statuses);
  if (limit !== null) query = query.limit(limit);
  return (await query.execute()).map(toCampaign);
}

/**
 * Moves a campaign from one of `from` to `to`; false when it was in none of them (another
 * process moved it first, or the move makes no sense from where it is).
 */
export async function moveCampaign(
  db: Db,
  id: number,
  from: readonly CampaignStatus[],
  to: CampaignStatus,
  now: Date,
  extra: { audienceFixedAt?: Date; finishedAt?: Date; pausedReason?: string } = {},
): Promise<boolean> {
  const result = await db
    .updateTable('campaigns')
    .set({
      status: to,
      updated_at: toIso(now),
      // Why it paused itself; any other move (a pause by hand, resuming) clears it.
      paused_reason: to === 'paused' ? (extra.pausedReason ?? null) : null,
      ...(extra.audienceFixedAt ? { audience_fixed_at: toIso(extra.audienceFixedAt) } : {}),
      ...(extra.finishedAt ? { finished_at: toIso(extra.finishedAt) } : {}),
    })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Takes the campaign's step lease until `until`; false while another step holds it. A step
 * killed half-way holds it at most until its lease runs out.
 */
export async function takeStepLease(db: Db, id: number, now: Date, until: Date): Promise<boolean> {
  const result = await db
    .updateTable('campaigns')
    .set({ step_lease_until: toIso(until) })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([eb('step_lease_until', 'is', null), eb('step_lease_until', '<=', toIso(now))]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function releaseStepLease(db: Db, id: number): Promise<void> {
  await db.updateTable('campaigns').set({ step_lease_until: null }).where('id', '=', id).execute();
}

/** The campaign a delivery was handed on by, or undefined for a delivery of none. */
/** Read by every invitation's send: built once (see {@link reusableQuery}). */
const campaignOfDelivery = reusableQuery((db: Db, deliveryId: number) =>
  db
    .selectFrom('campaign_recipients as r')
    .innerJoin('campaigns as c', 'c.id', 'r.campaign_id')
    .selectAll('c')
    .where('r.delivery_id', '=', deliveryId),
);

export async function findCampaignOfDelivery(
  db: Db,
  deliveryId: number,
): Promise<Campaign | undefined> {
  const [row] = (await campaignOfDelivery(db, deliveryId)).rows;
  return row && toCampaign(row);
}
