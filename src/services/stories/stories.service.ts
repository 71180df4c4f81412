import { countMatchesByStory } from '../../../db/repositories/catalog-stats.repository.js';
import {
  countStories as countStoryRows,
  listStories as selectStories,
} from '../../../db/repositories/story.repository.js';
import type { StoredStory } from '../../domain/stored-story.js';
import type { ServiceContext } from '../context.js';

/** Stored stories, newest first. */
export async function listStories(
  ctx: ServiceContext,
  filter: { since?: Date; limit: number },
): Promise<StoredStory[]> {
  return selectStories(ctx.db, filter);
}

/**
 * Stored stories, newest first, each with how many readers it was matched to; `limit` null:
 * all of them.
 */
export async function listStoriesWithMatches(
  ctx: ServiceContext,
  filter: { since?: Date; limit: number | null },
): Promise<(StoredStory & { matchedReaders: number })[]> {
  const stories = await selectStories(ctx.db, filter);
  const counts = await countMatchesByStory(
    ctx.db,
    stories.map((s) => s.id),
  );
  return stories.map((story) => ({ ...story, matchedReaders: counts.get(story.id) ?? 0 }));
}

/** How many stories {@link listStoriesWithMatches} would list without a limit. */
export async function countStories(ctx: ServiceContext, filter: { since?: Date } = {}) {
  return countStoryRows(ctx.db, filter);
}
