import { findLastAlertAt } from '../../../db/repositories/digest.repository.js';
import {
  findUnclaimedReaders,
  insertMatches,
  type NewMatch,
} from '../../../db/repositories/match.repository.js';
import { findStoryById, markStoryMatched } from '../../../db/repositories/story.repository.js';
import { findLiveSubscriptionsForRules } from '../../../db/repositories/subscription.repository.js';
import { tokenizeStory } from '../../domain/rules/index.js';
import { type Cadence, fastestCadence } from '../../domain/subscription.js';
import type { FlowContext } from '../context.js';
import type { RuleCatalog } from '../topics/rule-catalog.js';
import type { MatchStoryWork } from '../work-queue.js';

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
  const revision = { storyId: story.id, revision: story.revision };
  for (const readerId of await readersOwedAlerts(ctx, revision, matches, created)) {
    await scheduleAlert(ctx, readerId, now);
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
 * The readers whose instant match of this story needs an alert handed on: the new ones, and
 * on a job run again (its first run stopped after recording matches, before handing their
 * alerts on), those recorded earlier and still unclaimed. An alert handed on twice is harmless:
 * the second build finds nothing left to claim.
 */
async function readersOwedAlerts(
  ctx: FlowContext,
  revision: { storyId: number; revision: number },
  matches: NewMatch[],
  created: NewMatch[],
): Promise<number[]> {
  const instant = (list: NewMatch[]) =>
    list.filter((m) => m.cadence === 'instant').map((m) => m.readerId);
  const fresh = instant(created);
  const all = instant(matches);
  if (fresh.length === all.length) return fresh;
  const isFresh = new Set(fresh);
  const earlier = await findUnclaimedReaders(
    ctx.db,
    revision,
    all.filter((id) => !isFresh.has(id)),
  );
  return [...fresh, ...earlier];
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
