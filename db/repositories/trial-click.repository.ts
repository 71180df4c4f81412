import type { Db } from '../connection.js';
import { toIso } from '../mappers.js';

/** Records a click on a trial link: who, which story, from which digest or campaign. */
export async function insertTrialClick(
  db: Db,
  click: { email: string; storyId: string; digestId: number | null; campaignId: number | null },
  now: Date,
): Promise<void> {
  await db
    .insertInto('trial_clicks')
    .values({
      email: click.email,
      story_external_id: click.storyId,
      digest_id: click.digestId,
      campaign_id: click.campaignId,
      created_at: toIso(now),
    })
    .execute();
}
