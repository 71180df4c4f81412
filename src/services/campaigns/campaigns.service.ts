import {
  findCampaignById,
  insertCampaign,
  moveCampaign,
  type NewCampaign,
  listCampaigns as selectCampaigns,
} from '../../../db/repositories/campaign.repository.js';
import {
  countCampaignAttribution,
  countCampaignAttributionByStory,
} from '../../../db/repositories/campaign-attribution.repository.js';
import {
  cancelUnsent,
  countCampaignRecipients,
  findQueuedCampaignDeliveries,
  insertRecipients,
} from '../../../db/repositories/campaign-recipient.repository.js';
import { countTableRows } from '../../../db/repositories/table-count.js';
import {
  type Campaign,
  type CampaignCounts,
  conversionRate,
  estimateSecondsLeft,
} from '../../domain/campaign.js';
import { collapseWhitespace as collapseWhitespaceText } from '../../email/email-content.js';
import type { ServiceContext } from '../context.js';
import { InputError } from '../input-error.js';
import { countAudience, readAudienceFilter, selectAudience } from './campaign-audience.service.js';
import type { CampaignContext } from './campaign-queue.js';

export const MAX_CAMPAIGN_STORIES = 20;
export const MAX_CAMPAIGN_RATE = 10_000;

export interface CampaignRequest {
  name: string;
  subject: string;
  audience?: string | null;
  intro?: string | null;
  stories?: number;
  sendAt?: Date | null;
  /** Invitations per second; SEND_RATE when absent. */
  rate?: number;
  onePerDomain?: boolean;
}

/** Drafts a campaign; nothing is sent until `startCampaign`. */
export async function createCampaign(
  ctx: ServiceContext,
  request: CampaignRequest,
): Promise<Campaign> {
  const name = collapseWhitespaceText(request.name);
  const subject = collapseWhitespaceText(request.subject);
  if (!name) throw new InputError('a campaign needs a name', { field: 'name' });
  if (!subject) throw new InputError('a campaign needs a subject line', { field: 'subject' });
  if (subject.length > 150)
    throw new InputError('the subject line is longer than 150 characters', { field: 'subject' });
  const storyCount = request.stories ?? 5;
  if (!Number.isInteger(storyCount) || storyCount < 1 || storyCount > MAX_CAMPAIGN_STORIES)
    throw new InputError(`stories must be a whole number from 1 to ${MAX_CAMPAIGN_STORIES}`, {
      field: 'stories',
    });
  const rate = request.rate ?? Math.max(1, Math.round(ctx.settings.sendRate));
  if (!Number.isInteger(rate) || rate < 1 || rate > MAX_CAMPAIGN_RATE)
    throw new InputError(
      `the rate must be a whole number of emails per second, 1 to ${MAX_CAMPAIGN_RATE}`,
      {
        field: 'rate',
      },
    );
  const audience = request.audience?.trim() || null;
  await readAudienceFilter(ctx, audience);
  const campaign: NewCampaign = {
    name,
    subject,
    audience,
    intro: request.intro ? collapseWhitespaceText(request.intro) || null : null,
    storyCount,
    sendAt: request.sendAt ?? null,
    rate,
    onePerDomain: request.onePerDomain ?? false,
  };
  return insertCampaign(ctx.db, campaign, ctx.now());
}

export async function requireCampaign(ctx: ServiceContext, id: number): Promise<Campaign> {
  const campaign = await findCampaignById(ctx.db, id);
  if (!campaign)
    throw new InputError(`no campaign ${id}`, { field: 'campaign', problem: 'not-found' });
  return campaign;
}

/** Campaigns, newest first (at most `limit` when given). */
export async function listCampaigns(
  ctx: ServiceContext,
  options: { limit?: number | null } = {},
): Promise<Campaign[]> {
  return selectCampaigns(ctx.db, undefined, options.limit ?? null);
}

/** How many campaigns there are. */
export async function countCampaigns(ctx: ServiceContext): Promise<number> {
  return countTableRows(ctx.db, 'campaigns');
}

export type StartOutcome =
  | { status: 'sending'; recipients: number }
  | { status: 'scheduled'; sendAt: Date };

/**
 * Starts sending: records the audience as it is now (each recipient is checked again just
 * before their invitation goes) and starts the campaign's steps. A campaign with a send time
 * still ahead is only scheduled; the campaign worker starts it then. Starting a campaign
 * already sending changes nothing.
 */
export async function startCampaign(ctx: CampaignContext, id: number): Promise<StartOutcome> {
  const campaign = await requireCampaign(ctx, id);
  const now = ctx.now();
  if (campaign.status === 'sending') {
    await ctx.campaigns.startSteps(id);
    return { status: 'sending', recipients: (await countCampaignRecipients(ctx.db, id)).total };
  }
  if (campaign.status !== 'draft' && campaign.status !== 'scheduled')
    throw new InputError(`campaign ${id} is ${campaign.status}: it cannot be sent`, {
      field: 'campaign',
    });
  if (campaign.sendAt && campaign.sendAt > now) {
    await moveCampaign(ctx.db, id, ['draft'], 'scheduled', now);
    return { status: 'scheduled', sendAt: campaign.sendAt };
  }
  return fixAudienceAndSend(ctx, campaign);
}

/** Records the recipients and moves the campaign to `sending` in one transaction. */
export async function fixAudienceAndSend(
  ctx: CampaignContext,
  campaign: Campaign,
): Promise<StartOutcome> {
  const readers = await selectAudience(ctx, campaign.audience);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    if (
      !(await moveCampaign(trx, campaign.id, ['draft', 'scheduled'], 'sending', now, {
        audienceFixedAt: now,
      }))
    )
      return;
    await insertRecipients(trx, campaign.id, readers, now);
  });
  await ctx.campaigns.startSteps(campaign.id);
  ctx.log.info({ event: 'campaign.started', campaign: campaign.id, recipients: readers.length });
  return {
    status: 'sending',
    recipients: (await countCampaignRecipients(ctx.db, campaign.id)).total,
  };
}

/** Stops handing on invitations; those already with the mail transport finish. */
export async function pauseCampaign(ctx: CampaignContext, id: number): Promise<void> {
  await requireCampaign(ctx, id);
  if (!(await moveCampaign(ctx.db, id, ['sending', 'scheduled'], 'paused', ctx.now())))
    throw new InputError(`campaign ${id} is not sending: nothing to pause`, { field: 'campaign' });
  await ctx.campaigns.stopSteps(id);
  ctx.log.info({ event: 'campaign.paused', campaign: id });
}

/** Goes on where the campaign stopped; invitations held while paused are handed on again. */
export async function resumeCampaign(ctx: CampaignContext, id: number): Promise<void> {
  const campaign = await requireCampaign(ctx, id);
  if (campaign.status !== 'paused')
    throw new InputError(`campaign ${id} is ${campaign.status}, not paused`, { field: 'campaign' });
  // Paused before its audience was fixed: it goes back to waiting for its time, or starts.
  if (!campaign.audienceFixedAt) {
    await moveCampaign(ctx.db, id, ['paused'], 'draft', ctx.now());
    await startCampaign(ctx, id);
    return;
  }
  await moveCampaign(ctx.db, id, ['paused'], 'sending', ctx.now());
  await ctx.campaigns.sendInvitations(await findQueuedCampaignDeliveries(ctx.db, id));
  await ctx.campaigns.startSteps(id);
  ctx.log.info({ event: 'campaign.resumed', campaign: id });
}

/** Ends the campaign: no one not yet sent to is invited. */
export async function cancelCampaign(ctx: CampaignContext, id: number): Promise<void> {
  await requireCampaign(ctx, id);
  const now = ctx.now();
  if (
    !(await moveCampaign(
      ctx.db,
      id,
      ['draft', 'scheduled', 'sending', 'paused'],
      'cancelled',
      now,
      { finishedAt: now },
    ))
  )
    throw new InputError(`campaign ${id} has already ended`, { field: 'campaign' });
  await ctx.campaigns.stopSteps(id);
  await cancelUnsent(ctx.db, id, now);
  ctx.log.info({ event: 'campaign.cancelled', campaign: id });
}

export interface CampaignReport {
  campaign: Campaign;
  /**
   * How many it reaches: before sending starts, the prospects its filters select now (each
   * is checked again as their invitation goes); once started, the recipients recorded. Null
   * unless asked for (`withAudience`): selecting the audience reads every prospect.
   */
  audience: number | null;
  counts: CampaignCounts;
  /** Distinct readers who clicked a trial link. */
  clicks: number;
  /** Distinct readers who started a trial from a click. */
  trials: number;
  /** trials / sent. */
  conversion: number;
  etaSeconds: number | null;
}

/** A campaign's progress and what it brought; with `withAudience`, how many it reaches. */
export async function reportCampaign(
  ctx: ServiceContext,
  id: number,
  options: { withAudience?: boolean } = {},
): Promise<CampaignReport> {
  const campaign = await requireCampaign(ctx, id);
  const counts = await countCampaignRecipients(ctx.db, id);
  const { clicks, trials } = await countCampaignAttribution(ctx.db, id);
  let audience: number | null = null;
  if (options.withAudience)
    audience = campaign.audienceFixedAt
      ? counts.total
      : await countAudience(ctx, campaign.audience);
  return {
    campaign,
    audience,
    counts,
    clicks,
    trials,
    conversion: conversionRate(trials, counts.sent),
    etaSeconds: estimateSecondsLeft(campaign, counts, ctx.now()),
  };
}

/** Clicks and trials per story, the stories that brought most trials first. */
export async function reportCampaignStories(ctx: ServiceContext, id: number) {
  await requireCampaign(ctx, id);
  return countCampaignAttributionByStory(ctx.db, id);
}
