import type { Db } from '../../../db/connection.js';
import { findDigestById } from '../../../db/repositories/digest.repository.js';
import { findDigestMatches } from '../../../db/repositories/match.repository.js';
import { findStoriesByIds } from '../../../db/repositories/story.repository.js';
import { findSubscriptionLabels } from '../../../db/repositories/subscription.repository.js';
import {
  type DigestContent,
  groupDigestStories,
  type StoryGroup,
} from '../../domain/digest-content.js';
import type { StoredStory } from '../../domain/stored-story.js';
import type { Cadence } from '../../domain/subscription.js';
import { readTopicNames } from '../shared-reads.js';
import { type BuiltDigest, takeBuiltDigest } from './built-digest-memo.js';

/** Loads the stories of a set of matches and groups them as {@link groupDigestStories} does. */
export async function groupMatchedStories(
  db: Db,
  matches: readonly { storyId: number; subscriptionIds: number[] }[],
): Promise<StoryGroup[]> {
  return (await loadMatchedStories(db, matches)).groups;
}

/** The stories of a set of matches, and the groups a digest shows them in. */
export async function loadMatchedStories(
  db: Db,
  matches: readonly { storyId: number; subscriptionIds: number[] }[],
): Promise<{ stories: StoredStory[]; groups: StoryGroup[] }> {
  const stories = await findStoriesByIds(
    db,
    matches.map((m) => m.storyId),
  );
  const matchedBy = new Map(matches.map((m) => [m.storyId, m.subscriptionIds]));
  const subscriptionIds = [...new Set(matches.flatMap((m) => m.subscriptionIds))];
  const subscriptions = new Map(
    (await findSubscriptionLabels(db, subscriptionIds)).map((label) => [label.id, label]),
  );
  const topicNames = await readTopicNames(db);
  return { stories, groups: groupDigestStories(stories, matchedBy, subscriptions, topicNames) };
}

/**
 * Loads a built digest as email content for a reader in `timeZone`: as its build in this
 * process left it (see built-digest-memo.ts), or from the database.
 */
export async function loadDigestContent(
  db: Db,
  digestId: number,
  timeZone: string,
): Promise<DigestContent | undefined> {
  const built = takeBuiltDigest(db, digestId) ?? (await readBuiltDigest(db, digestId));
  if (!built) return undefined;
  return {
    kind: built.cadence === 'instant' ? 'alert' : 'digest',
    cadence: built.cadence,
    periodStart: built.periodStart,
    periodEnd: built.periodEnd,
    timeZone,
    groups: built.groups,
  };
}

async function readBuiltDigest(db: Db, digestId: number): Promise<BuiltDigest | undefined> {
  const digest = await findDigestById(db, digestId);
  if (!digest) return undefined;
  return {
    cadence: digest.cadence as Cadence,
    periodStart: digest.periodStart.toISOString(),
    periodEnd: digest.periodEnd.toISOString(),
    groups: await groupMatchedStories(db, await findDigestMatches(db, digestId)),
  };
}
