import { listStories as selectStories } from '../../db/repositories/story.repository.js';
import type { StoredStory } from '../domain/stored-story.js';
import type { ServiceContext } from './context.js';

/** Stored stories, newest first. */
export async function listStories(
  ctx: ServiceContext,
  filter: { since?: Date; limit: number },
): Promise<StoredStory[]> {
  return selectStories(ctx.db, filter);
}
