import { upsertStory } from '../../db/repositories/story.repository.js';
import { metrics } from '../adapters/metrics.js';
import type { StoryRecord } from '../domain/story.js';
import type { FlowContext } from './context.js';

export interface PublishReport {
  created: number;
  updated: number;
  realerted: number;
  /** The records that were not stories, with where they were and why. */
  rejected: { position: string; error: string }[];
}

/**
 * Stores each good story (upsert by the publisher's id) and hands new stories, and updates
 * that ask for it, to matching. Bad records are reported and skipped; the good ones are kept.
 */
export async function publishStories(
  ctx: FlowContext,
  records: StoryRecord[],
): Promise<PublishReport> {
  const report: PublishReport = { created: 0, updated: 0, realerted: 0, rejected: [] };
  for (const record of records) {
    if (!record.ok) {
      report.rejected.push({ position: record.position, error: record.error });
      continue;
    }
    const { story, outcome } = await upsertStory(ctx.db, record.story, ctx.now());
    if (outcome === 'created') report.created++;
    else if (outcome === 'realert') report.realerted++;
    else report.updated++;
    metrics.storiesIngested.inc({ outcome });
    // A failed hand-on is not lost: the scheduler's sweep finds stories owing a match.
    if (story.matchedRevision < story.revision) {
      await ctx.queue.matchStory({ storyId: story.id, revision: story.revision });
    }
    ctx.log.info({ event: `story.${outcome}`, story: story.externalId, revision: story.revision });
  }
  return report;
}
