import type { Db } from '../../db/connection.js';
import { findDigestById } from '../../db/repositories/digest.repository.js';
import { findDigestMatches } from '../../db/repositories/match.repository.js';
import { findStoriesByIds } from '../../db/repositories/story.repository.js';
import { findSubscriptionLabels } from '../../db/repositories/subscription.repository.js';
import {
  type DigestContent,
  groupDigestStories,
  type StoryGroup,
} from '../domain/digest-content.js';
import type { Cadence } from '../domain/subscription.js';
import { readTopicNames } from './shared-reads.js';

/** Loads the stories of a set of matches and groups them as {@link groupDigestStories} does. */
export async function groupMatchedStories(
  db: Db,
  matches: readonly { storyId: number; subscriptionIds: number[] }[],
): Promise<StoryGroup[]> {
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
  return groupDigestStories(stories, matchedBy, subscriptions, topicNames);
}

/** Loads a built digest as email content for a reader in `timeZone`. */
export async function loadDigestContent(
  db: Db,
  digestId: number,
  timeZone: string,
): Promise<DigestContent | undefined> {
  const digest = await findDigestById(db, digestId);
  if (!digest) return undefined;
  return {
    kind: digest.cadence === 'instant' ? 'alert' : 'digest',
    cadence: digest.cadence as Cadence,
    periodStart: digest.periodStart.toISOString(),
    periodEnd: digest.periodEnd.toISOString(),
    timeZone,
    groups: await groupMatchedStories(db, await findDigestMatches(db, digestId)),
  };
}
