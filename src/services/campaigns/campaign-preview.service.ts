import { findFollowedTopicIds } from '../../../db/repositories/campaign-recipient.repository.js';
import type { RenderedEmail } from '../../email/index.js';
import type { RenderContext } from '../context.js';
import { InputError } from '../input-error.js';
import { requireReader } from '../readers/readers.service.js';
import { selectAudience, whyNotInvited } from './campaign-audience.service.js';
import { readInvitationStories, renderInvitation } from './campaign-email.service.js';
import { loadStoryPool, pickStories } from './campaign-stories.js';
import { requireCampaign } from './campaigns.service.js';

export interface CampaignPreview extends RenderedEmail {
  email: string;
  /**
   * Why the campaign would not invite this reader now (no consent, plan, cooldown, no story
   * to show…), in words; empty when it would. The invitation is rendered either way.
   */
  notInvited: string[];
}

/**
 * Renders the invitation a reader would get now: the one named, or else the first reader of
 * the audience, and says why they would not get it, if they would not. Nothing is recorded
 * or sent.
 */
export async function previewCampaign(
  ctx: RenderContext,
  id: number,
  email?: string,
): Promise<CampaignPreview> {
  const campaign = await requireCampaign(ctx, id);
  const reader = email
    ? await requireReader(ctx, email)
    : (await selectAudience(ctx, campaign.audience))[0];
  if (!reader)
    throw new InputError(
      `campaign ${id} has no one in its audience to preview for; name a reader`,
      {
        field: 'audience',
        problem: 'not-found',
      },
    );
  const topicIds = (await findFollowedTopicIds(ctx.db, [reader.id])).get(reader.id) ?? [];
  const pool = await loadStoryPool(ctx.db, campaign);
  const chosen = pickStories(pool, topicIds, campaign.storyCount).map((s) => s.externalId);
  const stories = await readInvitationStories(ctx, campaign, chosen, topicIds);
  const notInvited = await whyNotInvited(ctx, campaign, reader);
  if (chosen.length === 0) notInvited.push('there is no story to show them');
  return {
    ...(await renderInvitation(ctx, campaign, reader, stories)),
    email: reader.email,
    notInvited,
  };
}
