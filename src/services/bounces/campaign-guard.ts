import {
  findCampaignOfDelivery,
  moveCampaign,
} from '../../../db/repositories/campaign.repository.js';
import { countCampaignReports } from '../../../db/repositories/delivery-stats.repository.js';
import type { ServiceContext } from '../context.js';

/**
 * When a campaign stops itself to protect the sending domain: its complaints pass 0.3 % of
 * what it sent once it has sent 1,000, or its hard bounces 5 % once it has sent 500 (Gmail
 * and Yahoo block bulk senders whose complaints stay over 0.3 %). Parameters so a test can
 * use a small campaign; these defaults are the policy.
 */
export interface CampaignGuardLimits {
  complaintRate: number;
  complaintMinSent: number;
  hardBounceRate: number;
  hardBounceMinSent: number;
}

export const CAMPAIGN_GUARD_LIMITS: CampaignGuardLimits = {
  complaintRate: 0.003,
  complaintMinSent: 1000,
  hardBounceRate: 0.05,
  hardBounceMinSent: 500,
};

/** What the guard needs: the database, and (tests) limits other than the policy's. */
export interface GuardContext extends ServiceContext {
  campaignGuardLimits?: CampaignGuardLimits;
}

/** The campaign the guard paused, and why (what `campaigns status` shows). */
export interface GuardPause {
  campaignId: number;
  reason: string;
}

/**
 * Checks the campaign a delivery belongs to (if any) after a hard bounce or a complaint about
 * it was recorded, and pauses it while it is sending when a rate has passed its limit. The
 * pause is the same as `campaigns pause` (the campaign's step stops at its next beat, its
 * invitations not yet sent wait) with the reason kept; `campaigns resume` clears it.
 */
export async function guardCampaignOfDelivery(
  ctx: ServiceContext,
  deliveryId: number,
  limits: CampaignGuardLimits = CAMPAIGN_GUARD_LIMITS,
): Promise<GuardPause | null> {
  const campaign = await findCampaignOfDelivery(ctx.db, deliveryId);
  if (campaign?.status !== 'sending') return null;
  const counts = await countCampaignReports(ctx.db, campaign.id);
  const reason = pauseReason(counts, limits);
  if (!reason) return null;
  const paused = await moveCampaign(ctx.db, campaign.id, ['sending'], 'paused', ctx.now(), {
    pausedReason: reason,
  });
  if (!paused) return null;
  ctx.log.warn({
    event: 'campaign.guard-paused',
    campaign: campaign.id,
    sent: counts.sent,
    hard: counts.hard,
    complaints: counts.complaint,
    reason,
  });
  return { campaignId: campaign.id, reason };
}

/**
 * The guard after a message or event was recorded: each campaign delivery it reported a hard
 * bounce or a complaint about is checked once. A failure to check is logged, never thrown:
 * the report is recorded, and the next one checks again.
 */
export async function guardCampaignsAfter(
  ctx: GuardContext,
  bounces: readonly { kind: string; deliveryId: number | null }[],
): Promise<GuardPause[]> {
  const deliveries = new Set<number>();
  for (const bounce of bounces)
    if ((bounce.kind === 'hard' || bounce.kind === 'complaint') && bounce.deliveryId !== null)
      deliveries.add(bounce.deliveryId);
  const paused: GuardPause[] = [];
  for (const deliveryId of deliveries) {
    try {
      const pause = await guardCampaignOfDelivery(ctx, deliveryId, ctx.campaignGuardLimits);
      if (pause) paused.push(pause);
    } catch (error) {
      ctx.log.error({ event: 'campaign.guard-failed', delivery: deliveryId, err: error });
    }
  }
  return paused;
}

/** Why these counts stop a campaign, or null while they are within the limits. */
export function pauseReason(
  counts: { sent: number; hard: number; complaint: number },
  limits: CampaignGuardLimits = CAMPAIGN_GUARD_LIMITS,
): string | null {
  const { sent } = counts;
  if (sent >= limits.complaintMinSent && counts.complaint / sent > limits.complaintRate)
    return `complaints ${percent(counts.complaint / sent)} of sent (${counts.complaint} of ${sent}), over ${percent(limits.complaintRate)}`;
  if (sent >= limits.hardBounceMinSent && counts.hard / sent > limits.hardBounceRate)
    return `hard bounces ${percent(counts.hard / sent)} of sent (${counts.hard} of ${sent}), over ${percent(limits.hardBounceRate)}`;
  return null;
}

function percent(rate: number): string {
  return `${Number((rate * 100).toFixed(2))} %`;
}
