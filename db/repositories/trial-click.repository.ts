import type { Db } from '../connection.js';
import { toIso } from '../mappers.js';

/** Records a click on a trial link: who, which story, from which digest or campaign. */
export async function insertTrialClick(
  db: Db,
  click: { email: string; storyId: string; digestId: number | null; campaignId: number | null },
  now: Date,
): Promise<number> {
  const row = await db
    .insertInto('trial_clicks')
    .values({
      email: click.email,
      story_external_id: click.storyId,
      digest_id: click.digestId,
      campaign_id: click.campaignId,
      created_at: toIso(now),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Marks the click a trial was started from. Only the first trial counts: a click already
 * credited keeps its time. Whether the click exists and whether this call credited it.
 */
export async function creditTrialClick(
  db: Db,
  clickId: number,
  now: Date,
): Promise<'credited' | 'already-credited' | 'not-found'> {
  const result = await db
    .updateTable('trial_clicks')
    .set({ trial_started_at: toIso(now) })
    .where('id', '=', clickId)
    .where('trial_started_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) return 'credited';
  const exists = await db
    .selectFrom('trial_clicks')
    .select('id')
    .where('id', '=', clickId)
    .executeTakeFirst();
  return exists ? 'already-credited' : 'not-found';
}
