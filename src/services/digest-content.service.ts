import type { Db } from '../../db/connection.js';
import { findDigestById } from '../../db/repositories/digest.repository.js';
import { findDigestMatches } from '../../db/repositories/match.repository.js';
import { findStoriesByIds, type StoredStory } from '../../db/repositories/story.repository.js';
import { listTopics } from '../../db/repositories/topic.repository.js';
import type { DigestContent, EmailStory, StoryGroup } from '../domain/email-content.js';
import { YOUR_SEARCHES_TITLE } from '../domain/email-content.js';
import type { Cadence } from '../domain/subscription.js';

/** The subscriptions that may have matched, with the topic each follows (if any). */
export interface SubscriptionLabel {
  id: number;
  topicId: number | null;
}

/**
 * Assembles what a digest shows: its stories, newest first, grouped under the topic that
 * matched them (a story matched by several topics shows once, under the first by name, with
 * every match named), and the reader's own queries under "Your searches".
 */
export function groupDigestStories(
  stories: readonly StoredStory[],
  matchedBy: ReadonlyMap<number, number[]>,
  subscriptions: ReadonlyMap<number, SubscriptionLabel>,
  topicNames: ReadonlyMap<number, string>,
): StoryGroup[] {
  const groups = new Map<string, EmailStory[]>();
  const sorted = [...stories].sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime());
  for (const story of sorted) {
    const labels = new Set<string>();
    for (const subscriptionId of matchedBy.get(story.id) ?? []) {
      const topicId = subscriptions.get(subscriptionId)?.topicId ?? null;
      labels.add(
        topicId === null ? YOUR_SEARCHES_TITLE : (topicNames.get(topicId) ?? YOUR_SEARCHES_TITLE),
      );
    }
    const matched = [...labels].sort((a, b) => groupOrder(a) - groupOrder(b) || a.localeCompare(b));
    const title = matched[0] ?? YOUR_SEARCHES_TITLE;
    const list = groups.get(title) ?? [];
    list.push({
      id: story.externalId,
      headline: story.headline,
      summary: story.summary,
      url: story.url,
      publishedAt: story.publishedAt.toISOString(),
      section: story.section,
      access: story.access,
      matched,
    });
    groups.set(title, list);
  }
  return [...groups]
    .sort(([a], [b]) => groupOrder(a) - groupOrder(b) || a.localeCompare(b))
    .map(([title, groupStories]) => ({ title, stories: groupStories }));
}

/** Topic groups first, the reader's own searches last. */
function groupOrder(title: string): number {
  return title === YOUR_SEARCHES_TITLE ? 1 : 0;
}

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
  const subscriptions = new Map<number, SubscriptionLabel>();
  if (subscriptionIds.length > 0) {
    const rows = await db
      .selectFrom('subscriptions')
      .select(['id', 'topic_id'])
      .where('id', 'in', subscriptionIds)
      .execute();
    for (const row of rows) subscriptions.set(row.id, { id: row.id, topicId: row.topic_id });
  }
  const topicNames = new Map((await listTopics(db)).map((t) => [t.id, t.name]));
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
