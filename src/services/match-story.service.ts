import { findLastAlertAt } from '../../db/repositories/digest.repository.js';
import { insertMatches, type NewMatch } from '../../db/repositories/match.repository.js';
import { findStoryById, markStoryMatched } from '../../db/repositories/story.repository.js';
import { findLiveSubscriptionsForRules } from '../../db/repositories/subscription.repository.js';
import { tokenizeStory } from '../domain/rules/index.js';
import { type Cadence, fastestCadence } from '../domain/subscription.js';
import type { FlowContext } from './context.js';
import type { RuleCatalog } from './rule-catalog.js';
import type { MatchStoryWork } from './work-queue.js';

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
  const subscriptions = await findLiveSubscriptionsForRules(ctx.db, rules, ctx.now());

  const byReader = new Map<number, { cadences: Cadence[]; subscriptionIds: number[] }>();
  for (const sub of subscriptions) {
    const entry = byReader.get(sub.readerId) ?? { cadences: [], subscriptionIds: [] };
    entry.cadences.push(sub.cadence);
    entry.subscriptionIds.push(sub.id);
    byReader.set(sub.readerId, entry);
  }
  const matches: NewMatch[] = [...byReader].map(([readerId, entry]) => ({
    readerId,
    storyId: story.id,
    revision: story.revision,
    cadence: fastestCadence(entry.cadences),
    subscriptionIds: entry.subscriptionIds.sort((a, b) => a - b),
  }));
  const now = ctx.now();
  const created = await insertMatches(ctx.db, matches, now);
  for (const match of created) {
    if (match.cadence === 'instant') await scheduleAlert(ctx, match.readerId, now);
  }
  await markStoryMatched(ctx.db, story.id, story.revision);
  ctx.log.info({
    event: 'story.matched',
    story: story.externalId,
    revision: story.revision,
    readers: matches.length,
    created: created.length,
  });
  return { matched: matches.length, created: created.length };
}

/**
 * Alerts go out at once for the first story, then at most one per ALERT_WINDOW per reader: a
 * burst of stories inside the window gathers into the next alert.
 */
export async function scheduleAlert(ctx: FlowContext, readerId: number, now: Date): Promise<void> {
  const lastAlertAt = await findLastAlertAt(ctx.db, readerId);
  const windowEnd = lastAlertAt ? lastAlertAt.getTime() + ctx.settings.alertWindowMs : 0;
  // Rounded down to the second so that concurrent match jobs name the same alert job; the
  // build claims every waiting match whenever it runs, so rounding never drops one.
  const dueAt = new Date(Math.floor(Math.max(now.getTime(), windowEnd) / 1000) * 1000);
  await ctx.queue.buildAlert(
    { readerId, dueAt: dueAt.toISOString() },
    Math.max(0, dueAt.getTime() - now.getTime()),
  );
}
