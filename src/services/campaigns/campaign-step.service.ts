import type { Db } from '../../../db/connection.js';
import {
  findCampaignById,
  moveCampaign,
  releaseStepLease,
  takeStepLease,
} from '../../../db/repositories/campaign.repository.js';
import { findReadersByIds } from '../../../db/repositories/campaign-audience.repository.js';
import {
  claimCampaignContacts,
  claimCampaignDomains,
  findFollowedTopicIds,
  findInvitedDomains,
  findPendingRecipients,
  findQueuedCampaignDeliveries,
  findRecentlyContacted,
  findSuppressedAmong,
  markRecipientQueued,
  type PendingRecipient,
  skipRecipients,
} from '../../../db/repositories/campaign-recipient.repository.js';
import { insertOrFindDelivery } from '../../../db/repositories/delivery.repository.js';
import { type Campaign, checkEligibility, type SkipReason } from '../../domain/campaign.js';
import { readSiteLicenses } from '../shared-reads.js';
import type { CampaignContext } from './campaign-queue.js';
import { loadStoryPool, pickStories } from './campaign-stories.js';

/** A delivery handed on this long ago and still `queued` has lost its send job. */
const LOST_HAND_ON_MS = 60_000;
/** How long a step may hold its campaign; a killed step's lease runs out after this. */
const STEP_LEASE_MS = 30_000;

export type SkipCounts = Partial<Record<SkipReason, number>>;

export type StepReport =
  | { status: 'not-sending'; campaignStatus: string }
  | { status: 'busy' }
  | { status: 'yielded'; digestSendsWaiting: number }
  | { status: 'done' }
  | { status: 'stepped'; handedOn: number; skipped: SkipCounts; rehandedOn: number };

/**
 * One step of a sending campaign, run once a second: checks up to `rate` recorded recipients
 * (less what is still waiting for a worker from the last step)
 * as they are now and hands on an invitation to each who may still be invited. Nothing is
 * handed on while digest or alert sends wait: digests go first. A step holds its campaign
 * (a lease in the row), so steps never overlap.
 *
 * The batch's recipients move `pending -> queued` (each with its delivery) or `pending ->
 * skipped` in one transaction with the claims of the per-domain and cooldown rules: a step
 * killed half-way leaves them all `pending`, for the next step. A delivery whose hand-on was
 * lost (recorded, no job) is handed on again a minute later; its job id and status keep a
 * second hand-on from sending twice.
 */
export async function runCampaignStep(
  ctx: CampaignContext,
  campaignId: number,
): Promise<StepReport> {
  const campaign = await findCampaignById(ctx.db, campaignId);
  if (campaign?.status !== 'sending') {
    await ctx.campaigns.stopSteps(campaignId);
    return { status: 'not-sending', campaignStatus: campaign?.status ?? 'removed' };
  }
  const waiting = await ctx.campaigns.countWaitingDigestSends();
  if (waiting > 0) return { status: 'yielded', digestSendsWaiting: waiting };
  const now = ctx.now();
  if (!(await takeStepLease(ctx.db, campaignId, now, new Date(now.getTime() + STEP_LEASE_MS))))
    return { status: 'busy' };
  try {
    return await stepCampaign(ctx, campaign, now);
  } finally {
    await releaseStepLease(ctx.db, campaignId);
  }
}

async function stepCampaign(
  ctx: CampaignContext,
  campaign: Campaign,
  now: Date,
): Promise<StepReport> {
  const lost = await findQueuedCampaignDeliveries(ctx.db, campaign.id, {
    queuedBefore: new Date(now.getTime() - LOST_HAND_ON_MS),
    limit: campaign.rate,
  });
  await ctx.campaigns.sendInvitations(lost);

  // Topped up to a second's worth: a backlog the workers have not taken yet is not added to,
  // so the campaign never runs ahead of its sends (nor leaves them waiting long enough for the
  // minute tick to sweep them into the digest send queue).
  const budget = Math.max(0, campaign.rate - (await ctx.campaigns.countWaitingInvitations()));
  if (budget === 0) return { status: 'stepped', handedOn: 0, skipped: {}, rehandedOn: lost.length };
  const pending = await findPendingRecipients(ctx.db, campaign.id, budget);
  if (pending.length === 0) {
    const unsent = await findQueuedCampaignDeliveries(ctx.db, campaign.id, { limit: 1 });
    if (unsent.length > 0)
      return { status: 'stepped', handedOn: 0, skipped: {}, rehandedOn: lost.length };
    await moveCampaign(ctx.db, campaign.id, ['sending'], 'done', now, { finishedAt: now });
    await ctx.campaigns.stopSteps(campaign.id);
    ctx.log.info({ event: 'campaign.done', campaign: campaign.id });
    return { status: 'done' };
  }
  const decided = await decideBatch(ctx, campaign, pending, now);
  const handedOn = await ctx.db
    .transaction()
    .execute((trx) => recordBatch(trx, ctx, campaign, decided, now));
  await ctx.campaigns.sendInvitations(handedOn);
  const skipped: SkipCounts = {};
  for (const [reason, ids] of decided.skips) skipped[reason] = ids.length;
  return { status: 'stepped', handedOn: handedOn.length, skipped, rehandedOn: lost.length };
}

interface Invitation {
  recipient: PendingRecipient;
  storyIds: string[];
}

interface DecidedBatch {
  invitations: Invitation[];
  skips: Map<SkipReason, number[]>;
}

/**
 * Decides, from a few reads, who in the batch is invited and who is left out and why: the
 * checks of `checkEligibility`, then stories to show, then one per domain and the cooldown.
 */
async function decideBatch(
  ctx: CampaignContext,
  campaign: Campaign,
  pending: readonly PendingRecipient[],
  now: Date,
): Promise<DecidedBatch> {
  const readerIds = pending.map((r) => r.readerId);
  const readers = await findReadersByIds(ctx.db, readerIds);
  const suppressed = await findSuppressedAmong(
    ctx.db,
    pending.map((r) => r.email),
  );
  const licenses = await readSiteLicenses(ctx.db);
  const topics = await findFollowedTopicIds(ctx.db, readerIds);
  const pool = await loadStoryPool(ctx.db, campaign);
  const cutoff = new Date(now.getTime() - ctx.settings.campaignCooldownMs);
  const recent = await findRecentlyContacted(ctx.db, readerIds, cutoff);
  const takenDomains = campaign.onePerDomain
    ? await findInvitedDomains(
        ctx.db,
        campaign.id,
        pending.map((r) => r.domain),
      )
    : new Set<string>();

  const skips = new Map<SkipReason, number[]>();
  const skip = (recipient: PendingRecipient, reason: SkipReason) => {
    const ids = skips.get(reason) ?? [];
    ids.push(recipient.id);
    skips.set(reason, ids);
  };
  const invitations: Invitation[] = [];
  for (const recipient of pending) {
    const reader = readers.get(recipient.readerId);
    const reason: SkipReason | null = reader
      ? checkEligibility({ reader, licenses, suppressed: suppressed.has(recipient.email), now })
      : 'reader-removed';
    if (reason) {
      skip(recipient, reason);
      continue;
    }
    const stories = pickStories(pool, topics.get(recipient.readerId) ?? [], campaign.storyCount);
    if (stories.length === 0) skip(recipient, 'no-stories');
    else if (campaign.onePerDomain && takenDomains.has(recipient.domain))
      skip(recipient, 'domain-already-invited');
    else if (recent.has(recipient.readerId)) skip(recipient, 'cooldown');
    else {
      if (campaign.onePerDomain) takenDomains.add(recipient.domain);
      invitations.push({ recipient, storyIds: stories.map((story) => story.externalId) });
    }
  }
  return { invitations, skips };
}

/** Another sender took a claim or a recipient meanwhile: the batch is undone, to be redone. */
class BatchRaced extends Error {
  constructor(what: string) {
    super(`another sender ${what} meanwhile; the step is undone and redone`);
  }
}

/** Records the batch's decisions; returns the deliveries to hand on. Throws {@link BatchRaced}. */
async function recordBatch(
  trx: Db,
  ctx: CampaignContext,
  campaign: Campaign,
  decided: DecidedBatch,
  now: Date,
): Promise<number[]> {
  const invited = decided.invitations;
  for (const [reason, ids] of decided.skips) await skipRecipients(trx, ids, reason, now);
  if (campaign.onePerDomain) {
    const domains = invited.map((i) => i.recipient.domain);
    if ((await claimCampaignDomains(trx, campaign.id, domains)) < domains.length)
      throw new BatchRaced('invited someone at one of these domains');
  }
  const cutoff = new Date(now.getTime() - ctx.settings.campaignCooldownMs);
  const readerIds = invited.map((i) => i.recipient.readerId);
  if ((await claimCampaignContacts(trx, readerIds, campaign.id, now, cutoff)) < readerIds.length)
    throw new BatchRaced('invited one of these readers');
  const deliveries: number[] = [];
  for (const { recipient, storyIds } of invited) {
    const delivery = await insertOrFindDelivery(
      trx,
      {
        kind: 'campaign',
        digestId: null,
        readerId: recipient.readerId,
        recipient: recipient.email,
        cadence: null,
        storyIds,
      },
      now,
    );
    if (!(await markRecipientQueued(trx, recipient.id, delivery.id, now)))
      throw new BatchRaced('handled one of these recipients');
    deliveries.push(delivery.id);
  }
  return deliveries;
}
