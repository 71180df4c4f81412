import type { Db } from '../../../db/connection.js';
import { findLastAlertAt } from '../../../db/repositories/digest.repository.js';
import {
  findLastAlertTimes,
  findStoryMatchSummary,
  markStoriesMatched,
  recordStoryMatches,
  type StoryHits,
} from '../../../db/repositories/match-recording.repository.js';
import { findStoriesByIds } from '../../../db/repositories/story.repository.js';
import { tokenizeStory } from '../../domain/rules/index.js';
import type { FlowContext } from '../context.js';
import type { RuleCatalog } from '../topics/rule-catalog.js';
import type { BuildAlertWork, MatchStoryWork } from '../work-queue.js';

/** What matching did: readers with a match of the story revision, and rows filed now. */
export interface MatchReport {
  matched: number;
  created: number;
}

/**
 * Matches one story revision against every rule and records one match per reader, going by
 * the reader's fastest matching cadence. Instant matches hand on an alert. Running it twice
 * records nothing new: matches are unique per reader, story and revision.
 */
export async function matchStory(
  ctx: FlowContext,
  catalog: RuleCatalog,
  work: MatchStoryWork,
): Promise<MatchReport> {
  return matchStories(ctx, catalog, [work]);
}

/**
 * {@link matchStory} for several story revisions at once: their match rows filed in one
 * transaction, so that an index page a hundred stories' rows land on is written once, not a
 * hundred times; their alerts handed on in one go after it commits; the stories marked
 * matched last. A run stopped anywhere is finished by running it again.
 */
export async function matchStories(
  ctx: FlowContext,
  catalog: RuleCatalog,
  works: readonly MatchStoryWork[],
): Promise<MatchReport> {
  const wanted = new Map(works.map((w) => [w.storyId, w.revision]));
  const stories = (await findStoriesByIds(ctx.db, [...wanted.keys()])).filter(
    (story) => story.matchedRevision < (wanted.get(story.id) ?? 0),
  );
  if (stories.length === 0) return { matched: 0, created: 0 };
  await catalog.refresh();
  const hits = stories.map((story) => ({
    storyId: story.id,
    revision: story.revision,
    ...catalog.match(tokenizeStory(story)),
  }));
  const now = ctx.now();
  const recorded = await ctx.db.transaction().execute(async (trx) => {
    const results = [];
    for (const story of hits) results.push(await recordOne(trx, story, now));
    return results;
  });
  const owed = new Set(recorded.flatMap((r) => r.owedAlerts));
  await scheduleAlerts(ctx, [...owed], now);
  await ctx.db.transaction().execute((trx) => markStoriesMatched(trx, stories));
  const report: MatchReport = { matched: 0, created: 0 };
  stories.forEach((story, i) => {
    const { matched, created } = recorded[i]!;
    report.matched += matched;
    report.created += created;
    ctx.log.info({
      event: 'story.matched',
      story: story.externalId,
      revision: story.revision,
      readers: matched,
      created,
    });
  });
  return report;
}

/** Files one story's matches; says which readers are owed an alert for it. */
async function recordOne(
  db: Db,
  hits: StoryHits,
  now: Date,
): Promise<MatchReport & { owedAlerts: number[] }> {
  const revision = { storyId: hits.storyId, revision: hits.revision };
  const { created, earlier } = await recordStoryMatches(db, hits, now);
  // A run that finds no earlier row of this revision learns all it needs from its own insert.
  if (!earlier) {
    const owedAlerts = created.filter((m) => m.cadence === 'instant').map((m) => m.readerId);
    return { matched: created.length, created: created.length, owedAlerts };
  }
  // An earlier run stopped after recording matches, before handing their alerts on: every
  // instant match of this revision still unclaimed is owed one. Handed on twice is harmless:
  // the second build finds nothing left to claim.
  const summary = await findStoryMatchSummary(db, revision);
  return {
    matched: summary.readers,
    created: created.length,
    owedAlerts: summary.instantUnclaimed,
  };
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
