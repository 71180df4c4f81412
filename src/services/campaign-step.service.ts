import { findCampaignById, moveCampaign } from '../../db/repositories/campaign.repository.js';
import { findReadersByIds } from '../../db/repositories/campaign-audience.repository.js';
import {
  claimCampaignContact,
  claimCampaignDomain,
  findFollowedTopicIds,
  findPendingRecipients,
  findQueuedCampaignDeliveries,
  findSuppressedAmong,
  markRecipientQueued,
  type PendingRecipient,
  skipRecipient,
} from '../../db/repositories/campaign-recipient.repository.js';
import { insertOrFindDelivery } from '../../db/repositories/delivery.repository.js';
import type { LicenseTerms } from '../domain/access.js';
import { type Campaign, checkEligibility, type SkipReason } from '../domain/campaign.js';
import type { Reader } from '../domain/reader.js';
import type { CampaignContext } from './campaign-queue.js';
import { loadStoryPool, pickStories, type StoryPool } from './campaign-stories.js';
import { readSiteLicenses } from './shared-reads.js';

/** A delivery handed on this long ago and still `queued` has lost its send job. */
const LOST_HAND_ON_MS = 60_000;

export type StepReport =
  | { status: 'not-sending'; campaignStatus: string }
  | { status: 'yielded'; digestSendsWaiting: number }
  | { status: 'done' }
  | {
      status: 'stepped';
      handedOn: number;
      skipped: Partial<Record<SkipReason, number>>;
      rehandedOn: number;
    };

/**
 * One step of a sending campaign, run once a second: checks up to `rate` recorded recipients
 * as they are now and hands on an invitation to each who may still be invited. Nothing is
 * handed on while digest or alert sends wait: digests go first.
 *
 * Each recipient moves `pending -> queued` (with its delivery) or `pending -> skipped` in one
 * transaction with the claims of the per-domain and cooldown rules, so a step killed half-way
 * or run twice at once invites no one twice and loses no one: what it did not finish is still
 * `pending`. A delivery whose hand-on was lost (queued, no job) is handed on again later.
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
  const lost = await findQueuedCampaignDeliveries(ctx.db, campaignId, {
    queuedBefore: new Date(now.getTime() - LOST_HAND_ON_MS),
    limit: campaign.rate,
  });
  for (const deliveryId of lost) await ctx.campaigns.sendInvitation(deliveryId);

  const pending = await findPendingRecipients(ctx.db, campaignId, campaign.rate);
  if (pending.length === 0) {
    const unsent = await findQueuedCampaignDeliveries(ctx.db, campaignId, { limit: 1 });
    if (unsent.length > 0)
      return { status: 'stepped', handedOn: 0, skipped: {}, rehandedOn: lost.length };
    await moveCampaign(ctx.db, campaignId, ['sending'], 'done', now, { finishedAt: now });
    await ctx.campaigns.stopSteps(campaignId);
    ctx.log.info({ event: 'campaign.done', campaign: campaignId });
    return { status: 'done' };
  }

  const batch = await readBatchFacts(ctx, campaign, pending);
  const skipped: Partial<Record<SkipReason, number>> = {};
  const handedOn: number[] = [];
  for (const recipient of pending) {
    const outcome = await handleRecipient(ctx, campaign, recipient, batch, now);
    if (typeof outcome === 'number') handedOn.push(outcome);
    else if (outcome) skipped[outcome] = (skipped[outcome] ?? 0) + 1;
  }
  for (const deliveryId of handedOn) await ctx.campaigns.sendInvitation(deliveryId);
  return { status: 'stepped', handedOn: handedOn.length, skipped, rehandedOn: lost.length };
}

interface BatchFacts {
  readers: Map<number, Reader>;
  suppressed: Set<string>;
  licenses: readonly LicenseTerms[];
  topics: Map<number, number[]>;
  pool: StoryPool;
}

/** What checking a batch needs, read with a few statements rather than a few per recipient. */
async function readBatchFacts(
  ctx: CampaignContext,
  campaign: Campaign,
  pending: readonly PendingRecipient[],
): Promise<BatchFacts> {
  const ids = pending.map((r) => r.readerId);
  return {
    readers: await findReadersByIds(ctx.db, ids),
    suppressed: await findSuppressedAmong(
      ctx.db,
      pending.map((r) => r.email),
    ),
    licenses: await readSiteLicenses(ctx.db),
    topics: await findFollowedTopicIds(ctx.db, ids),
    pool: await loadStoryPool(ctx.db, campaign),
  };
}

class AlreadyHandled extends Error {}

/**
 * Checks one recipient and hands on their invitation: the delivery id, the reason they were
 * left out, or null when another step got to them first.
 */
async function handleRecipient(
  ctx: CampaignContext,
  campaign: Campaign,
  recipient: PendingRecipient,
  batch: BatchFacts,
  now: Date,
): Promise<number | SkipReason | null> {
  const reader = batch.readers.get(recipient.readerId);
  const reason: SkipReason | null = reader
    ? checkEligibility({
        reader,
        licenses: batch.licenses,
        suppressed: batch.suppressed.has(recipient.email),
        now,
      })
    : 'reader-removed';
  if (reason) return (await skipRecipient(ctx.db, recipient.id, reason, now)) ? reason : null;
  const topicIds = batch.topics.get(recipient.readerId) ?? [];
  const stories = pickStories(batch.pool, topicIds, campaign.storyCount);
  if (stories.length === 0)
    return (await skipRecipient(ctx.db, recipient.id, 'no-stories', now)) ? 'no-stories' : null;
  const cooldownCutoff = new Date(now.getTime() - ctx.settings.campaignCooldownMs);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      if (campaign.onePerDomain && !(await claimCampaignDomain(trx, campaign.id, recipient.domain)))
        return (await skipRecipient(trx, recipient.id, 'domain-already-invited', now))
          ? 'domain-already-invited'
          : null;
      if (!(await claimCampaignContact(trx, recipient.readerId, campaign.id, now, cooldownCutoff)))
        return (await skipRecipient(trx, recipient.id, 'cooldown', now)) ? 'cooldown' : null;
      const delivery = await insertOrFindDelivery(
        trx,
        {
          kind: 'campaign',
          digestId: null,
          readerId: recipient.readerId,
          recipient: recipient.email,
          cadence: null,
          storyIds: stories.map((story) => story.externalId),
        },
        now,
      );
      // Another step queued them meanwhile: undo this one's claims and delivery.
      if (!(await markRecipientQueued(trx, recipient.id, delivery.id, now)))
        throw new AlreadyHandled();
      return delivery.id;
    });
  } catch (error) {
    if (error instanceof AlreadyHandled) return null;
    throw error;
  }
}
