import { findLastAlertAt } from '../../../db/repositories/digest.repository.js';
import {
  findLastAlertTimes,
  findStoryMatchSummary,
  hasStoryMatches,
  recordStoryMatches,
} from '../../../db/repositories/match-recording.repository.js';
import { findStoryById, markStoryMatched } from '../../../db/repositories/story.repository.js';
import { tokenizeStory } from '../../domain/rules/index.js';
import type { FlowContext } from '../context.js';
import type { RuleCatalog } from '../topics/rule-catalog.js';
import type { BuildAlertWork, MatchStoryWork } from '../work-queue.js';

/**
 * Matches one story revision against every rule and records one match per reader, going by
 * the reader's fastest matching cadence. Instant matches hand on an alert. Running it twice
 * records nothing new: matches are unique per reader, story and revision.
 */
export async function matchStory(
  ctx: FlowContext,
  catalog: RuleCatalog,
  work: MatchStoryWork,
): Promise<{ matched: number; created: number }> {
  const story = await findStoryById(ctx.db, work.storyId);
  if (!story || story.matchedRevision >= work.revision) return { matched: 0, created: 0 };
  await catalog.refresh();
  const rules = catalog.match(tokenizeStory(story));
  const revision = { storyId: story.id, revision: story.revision };
  const now = ctx.now();
  // Looked at before recording: a run that finds no earlier row of this revision learns all it
  // needs from what its own insert returns.
  const ranBefore = await hasStoryMatches(ctx.db, revision);
  const created = await recordStoryMatches(ctx.db, { ...revision, ...rules }, now);
  let matched = created.length;
  let owedAlerts = created.filter((m) => m.cadence === 'instant').map((m) => m.readerId);
  if (ranBefore) {
    // An earlier run stopped after recording matches, before handing their alerts on: every
    // instant match of this revision still unclaimed is owed one. Handed on twice is harmless:
    // the second build finds nothing left to claim.
    const summary = await findStoryMatchSummary(ctx.db, revision);
    matched = summary.readers;
    owedAlerts = summary.instantUnclaimed;
  }
  await scheduleAlerts(ctx, owedAlerts, now);
  await markStoryMatched(ctx.db, story.id, story.revision);
  ctx.log.info({
    event: 'story.matched',
    story: story.externalId,
    revision: story.revision,
    readers: matched,
    created: created.length,
  });
  return { matched, created: created.length };
}

/**
 * {@link scheduleAlert} for many readers at once: their last alerts read in one statement,
 * the alerts handed on in one go.
 */
export async function scheduleAlerts(
  ctx: FlowContext,
  readerIds: readonly number[],
  now: Date,
): Promise<void> {
  if (readerIds.length === 0) return;
  const lastAlerts = await findLastAlertTimes(ctx.db, readerIds);
  const works = readerIds.map((readerId) =>
    alertWork(ctx, readerId, lastAlerts.get(readerId), now),
  );
  if (ctx.queue.buildAlerts) await ctx.queue.buildAlerts(works);
  else for (const { work, delayMs } of works) await ctx.queue.buildAlert(work, delayMs);
}

/**
 * Alerts go out at once for the first story, then at most one per ALERT_WINDOW per reader: a
 * burst of stories inside the window gathers into the next alert.
 */
export async function scheduleAlert(ctx: FlowContext, readerId: number, now: Date): Promise<void> {
  const lastAlertAt = await findLastAlertAt(ctx.db, readerId);
  const { work, delayMs } = alertWork(ctx, readerId, lastAlertAt ?? undefined, now);
  await ctx.queue.buildAlert(work, delayMs);
}

function alertWork(
  ctx: FlowContext,
  readerId: number,
  lastAlertAt: Date | undefined,
  now: Date,
): { work: BuildAlertWork; delayMs: number } {
  const windowEnd = lastAlertAt ? lastAlertAt.getTime() + ctx.settings.alertWindowMs : 0;
  // Rounded down to the second so that concurrent match jobs name the same alert job; the
  // build claims every waiting match whenever it runs, so rounding never drops one.
  const dueAt = new Date(Math.floor(Math.max(now.getTime(), windowEnd) / 1000) * 1000);
  return {
    work: { readerId, dueAt: dueAt.toISOString() },
    delayMs: Math.max(0, dueAt.getTime() - now.getTime()),
  };
}
