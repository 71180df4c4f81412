import { countMatchesByStory } from '../../../db/repositories/catalog-stats.repository.js';
import { listStories as selectStories } from '../../../db/repositories/story.repository.js';
import type { StoredStory } from '../../domain/stored-story.js';
import type { ServiceContext } from '../context.js';

/** Stored stories, newest first. */
export async function listStories(
  ctx: ServiceContext,
  filter: { since?: Date; limit: number },
): Promise<StoredStory[]> {
  return selectStories(ctx.db, filter);
}

/** Stored stories, newest first, each with how many readers it was matched to. */
export async function listStoriesWithMatches(
  ctx: ServiceContext,
  filter: { since?: Date; limit: number },
): Promise<(StoredStory & { matchedReaders: number })[]> {
  const stories = await selectStories(ctx.db, filter);
  const counts = await countMatchesByStory(
    ctx.db,
    stories.map((s) => s.id),
  );
  return stories.map((story) => ({ ...story, matchedReaders: counts.get(story.id) ?? 0 }));
}
