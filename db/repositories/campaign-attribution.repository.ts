import type { Db } from '../connection.js';
import { toIso } from '../mappers.js';

/** Distinct people who clicked a campaign's trial links, and who went on to start a trial. */
export async function countCampaignAttribution(
  db: Db,
  campaignId: number,
): Promise<{ clicks: number; trials: number }> {
  const row = await db
    .selectFrom('trial_clicks')
    .select((eb) => [
      eb.fn.count<number>('email').distinct().as('clicks'),
      eb.fn
        .count<number>(
          eb.case().when('trial_started_at', 'is not', null).then(eb.ref('email')).end(),
        )
        .distinct()
        .as('trials'),
    ])
    .where('campaign_id', '=', campaignId)
    .executeTakeFirst();
  return { clicks: Number(row?.clicks ?? 0), trials: Number(row?.trials ?? 0) };
}

/** The same per story (publisher id): which stories bring clicks and trials. */
export async function countCampaignAttributionByStory(
  db: Db,
  campaignId: number,
): Promise<{ storyId: string; clicks: number; trials: number }[]> {
  const rows = await db
    .selectFrom('trial_clicks')
    .select((eb) => [
      'story_external_id',
      eb.fn.count<number>('email').distinct().as('clicks'),
      eb.fn
        .count<number>(
          eb.case().when('trial_started_at', 'is not', null).then(eb.ref('email')).end(),
        )
        .distinct()
        .as('trials'),
    ])
    .where('campaign_id', '=', campaignId)
    .groupBy('story_external_id')
    .execute();
  return rows
    .map((r) => ({
      storyId: r.story_external_id,
      clicks: Number(r.clicks),
      trials: Number(r.trials),
    }))
    .sort(
      (a, b) => b.trials - a.trials || b.clicks - a.clicks || a.storyId.localeCompare(b.storyId),
    );
}

/**
 * Credits a trial to the reader's latest click from the campaign: what a trial started with
 * that click's `ref` records. Returns whether there was a click to credit.
 */
export async function creditCampaignTrial(
  db: Db,
  email: string,
  campaignId: number,
  at: Date,
): Promise<boolean> {
  const click = await db
    .selectFrom('trial_clicks')
    .select('id')
    .where('email', '=', email)
    .where('campaign_id', '=', campaignId)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!click) return false;
  await db
    .updateTable('trial_clicks')
    .set({ trial_started_at: toIso(at) })
    .where('id', '=', click.id)
    .where('trial_started_at', 'is', null)
    .execute();
  return true;
}
