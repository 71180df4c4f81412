import { listCampaigns } from '../../../db/repositories/campaign.repository.js';
import type { CampaignContext } from './campaign-queue.js';
import { fixAudienceAndSend } from './campaigns.service.js';

/**
 * Starts the campaigns whose send time has come, and declares the steps of every campaign
 * sending (idempotent: a scheduler Redis still has is left alone).
 */
export async function resumeDueCampaigns(ctx: CampaignContext): Promise<void> {
  const now = ctx.now();
  for (const campaign of await listCampaigns(ctx.db, ['scheduled', 'sending'])) {
    if (campaign.status === 'sending') await ctx.campaigns.startSteps(campaign.id);
    else if (!campaign.sendAt || campaign.sendAt <= now) await fixAudienceAndSend(ctx, campaign);
  }
}
