import { findCampaignOfDelivery } from '../../../db/repositories/campaign.repository.js';
import { findStoriesByExternalIds } from '../../../db/repositories/campaign-audience.repository.js';
import { findFollowedTopicIds } from '../../../db/repositories/campaign-recipient.repository.js';
import { finishDelivery } from '../../../db/repositories/delivery.repository.js';
import { decideAccess } from '../../domain/access.js';
import type { Campaign } from '../../domain/campaign.js';
import type { Delivery } from '../../domain/delivery.js';
import { type EmailStory, toEmailStory } from '../../domain/digest-content.js';
import { linkSettingsOf, type RenderedEmail } from '../../email/index.js';
import type { RenderContext } from '../context.js';
import { emailReaderOf, type ReaderToEmail } from '../email-reader.js';
import { readSiteLicenses } from '../shared-reads.js';
import { loadStoryPool, toInvitationStories } from './campaign-stories.js';

/** The List-Id label of invitations: a list of its own, apart from every digest. */
export const INVITATION_LIST_ID = 'trial-invitations';

/**
 * The campaign each delivery being sent belongs to, read once by the hold check and used
 * again to render it: keyed by the delivery object the send service passes to both.
 */
const campaignOfSend = new WeakMap<Delivery, Campaign>();

async function readCampaignOf(
  ctx: RenderContext,
  delivery: Delivery,
): Promise<Campaign | undefined> {
  const known = campaignOfSend.get(delivery);
  if (known) return known;
  const campaign = await findCampaignOfDelivery(ctx.db, delivery.id);
  if (campaign) campaignOfSend.set(delivery, campaign);
  return campaign;
}

/**
 * Whether a campaign's delivery must wait: its campaign is paused (the delivery stays
 * `queued`; resuming hands it on again) or cancelled (the delivery fails, saying so). Null
 * when it may be sent.
 */
export async function holdCampaignDelivery(
  ctx: RenderContext,
  delivery: Delivery,
): Promise<string | null> {
  const campaign = await readCampaignOf(ctx, delivery);
  if (campaign?.status === 'paused') return 'campaign paused';
  if (campaign?.status === 'cancelled') {
    await finishDelivery(
      ctx.db,
      delivery.id,
      { status: 'failed', error: 'campaign cancelled before sending' },
      ctx.now(),
    );
    return 'campaign cancelled';
  }
  return null;
}

/** Renders a delivery's invitation: the stories chosen when it was handed on, for its reader. */
export async function renderCampaignDelivery(
  ctx: RenderContext,
  delivery: Delivery,
  reader: ReaderToEmail,
): Promise<{ campaign: Campaign; rendered: RenderedEmail } | null> {
  const campaign = await readCampaignOf(ctx, delivery);
  if (!campaign) return null;
  const topicIds = (await findFollowedTopicIds(ctx.db, [reader.id])).get(reader.id) ?? [];
  const stories = await readInvitationStories(ctx, campaign, delivery.storyIds, topicIds);
  return { campaign, rendered: await renderInvitation(ctx, campaign, reader, stories) };
}

/** Renders a campaign's invitation for a reader, deciding their access now. */
export async function renderInvitation(
  ctx: RenderContext,
  campaign: Campaign,
  reader: ReaderToEmail,
  stories: EmailStory[],
): Promise<RenderedEmail> {
  const now = ctx.now();
  const access = decideAccess(reader, await readSiteLicenses(ctx.db), now);
  const rendered = await ctx.renderer.renderCampaignEmail({
    reader: await emailReaderOf(ctx, reader, access.full),
    stories,
    campaignId: campaign.id,
    links: linkSettingsOf(ctx.settings, ctx.secretKey),
    now,
    ...(campaign.intro ? { intro: campaign.intro } : {}),
    timeZone: reader.tz,
  });
  return { ...rendered, subject: campaign.subject };
}

/** The stories by publisher id, from the campaign's pool or, once gone from it, the database. */
export async function readInvitationStories(
  ctx: RenderContext,
  campaign: Campaign,
  storyIds: readonly string[],
  topicIds: readonly number[],
): Promise<EmailStory[]> {
  const pool = await loadStoryPool(ctx.db, campaign);
  const fromPool = toInvitationStories(pool, storyIds, topicIds);
  if (fromPool.length === storyIds.length) return fromPool;
  const stored = await findStoriesByExternalIds(ctx.db, storyIds);
  const byId = new Map(stored.map((story) => [story.externalId, story]));
  const inPool = new Map(fromPool.map((story) => [story.id, story]));
  return storyIds.flatMap((id) => {
    const known = inPool.get(id);
    if (known) return [known];
    const story = byId.get(id);
    if (!story) return [];
    return [toEmailStory(story, [])];
  });
}
