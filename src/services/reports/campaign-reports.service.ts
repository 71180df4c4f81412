import {
  countCampaignClicksByDay,
  countCampaignSendsByDay,
} from '../../../db/repositories/report-campaign.repository.js';
import type { Campaign, SkipReason } from '../../domain/campaign.js';
import { listCampaigns, reportCampaign, reportCampaignStories } from '../campaigns/index.js';
import type { ServiceContext } from '../context.js';
import { type DaySeries, figuresByDay } from '../kept-days.js';
import { daysOfWindow, type ReportWindow, windowEnding } from './report-window.js';

/** Campaign invitations sent per day: a send's day never changes once it is over. */
function campaignSendSeries(ctx: ServiceContext): DaySeries<number> {
  return {
    name: 'campaign-sends',
    count: (window) => countCampaignSendsByDay(ctx.db, window),
    empty: () => 0,
    settled: () => true,
    toJson: (n) => String(n),
    fromJson: (json) => Number(json),
  };
}

/** One campaign's line in the report: the figures of `campaigns status ID --json`. */
export interface CampaignSummary {
  id: number;
  name: string;
  status: Campaign['status'];
  /** The audience filters as given; null: every prospect with consent. */
  filters: string | null;
  /** How many it reaches (the recipients once sending started). */
  audience: number | null;
  sent: number;
  clicks: number;
  trials: number;
  conversion: number;
}

/** Invitations sent and trial-link clicks from any campaign, on one UTC day. */
export interface CampaignDay {
  day: string;
  sent: number;
  clicks: number;
}

export interface CampaignsReport {
  window: ReportWindow;
  /** Newest first, as `campaigns list`. */
  campaigns: CampaignSummary[];
  days: CampaignDay[];
}

/**
 * Every campaign with what `campaigns status` reports of it (through the same use case, so
 * the figures cannot drift apart), and the campaigns' sends and clicks per day of the window.
 */
export async function reportCampaigns(
  ctx: ServiceContext,
  options: { days: number },
): Promise<CampaignsReport> {
  const window = windowEnding(ctx.now(), options.days);
  const campaigns: CampaignSummary[] = [];
  for (const campaign of await listCampaigns(ctx)) {
    const report = await reportCampaign(ctx, campaign.id, { withAudience: true });
    campaigns.push({
      id: campaign.id,
      name: campaign.name,
      status: campaign.status,
      filters: campaign.audience,
      audience: report.audience,
      sent: report.counts.sent,
      clicks: report.clicks,
      trials: report.trials,
      conversion: report.conversion,
    });
  }
  const sends = await figuresByDay(ctx, campaignSendSeries(ctx), window);
  const clicks = await countCampaignClicksByDay(ctx.db, window);
  const days = daysOfWindow(window).map((day) => ({
    day,
    sent: sends.get(day) ?? 0,
    clicks: clicks.get(day) ?? 0,
  }));
  return { window, campaigns, days };
}

/** One campaign's page: its status figures, clicks and trials per story, skips by reason. */
export interface CampaignDetailReport {
  summary: CampaignSummary;
  subject: string;
  total: number;
  failed: number;
  suppressed: number;
  skipped: number;
  skippedBy: { reason: SkipReason; count: number }[];
  stories: { storyId: string; clicks: number; trials: number }[];
}

/** One campaign in full, from the use cases behind `campaigns status ID --stories`. */
export async function reportCampaignDetail(
  ctx: ServiceContext,
  id: number,
): Promise<CampaignDetailReport> {
  const report = await reportCampaign(ctx, id, { withAudience: true });
  const stories = await reportCampaignStories(ctx, id);
  const { campaign, counts } = report;
  const skippedBy = Object.entries(counts.skippedBy)
    .map(([reason, count]) => ({ reason: reason as SkipReason, count: count ?? 0 }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  return {
    summary: {
      id: campaign.id,
      name: campaign.name,
      status: campaign.status,
      filters: campaign.audience,
      audience: report.audience,
      sent: counts.sent,
      clicks: report.clicks,
      trials: report.trials,
      conversion: report.conversion,
    },
    subject: campaign.subject,
    total: counts.total,
    failed: counts.failed,
    suppressed: counts.suppressed,
    skipped: counts.skipped,
    skippedBy,
    stories,
  };
}
