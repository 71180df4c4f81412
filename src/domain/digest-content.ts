import type { StoredStory } from './stored-story.js';
import type { StoryAccess } from './story.js';

/** A story as an email shows it. */
export interface EmailStory {
  /** The publisher's id. */
  id: string;
  headline: string;
  summary: string;
  url: string;
  /** ISO 8601. */
  publishedAt: string;
  section: string | null;
  access: StoryAccess;
  /** Names of the topics or rules that matched, for "Matched: …". */
  matched: string[];
}

/** The title of the group that holds stories matched by a reader's own rules. */
export const YOUR_SEARCHES_TITLE = 'Your searches';

/** Stories under one heading: a topic name, or "Your searches". */
export interface StoryGroup {
  title: string;
  stories: EmailStory[];
}

/** What one digest or alert holds; the same for every reader who gets the same stories. */
export interface DigestContent {
  kind: 'digest' | 'alert';
  cadence: 'instant' | 'daily' | 'weekly';
  /** ISO 8601; the end is exclusive. */
  periodStart: string;
  periodEnd: string;
  /** IANA zone the reader reads dates in. */
  timeZone: string;
  groups: StoryGroup[];
}

/** Stories in order of first appearance, each once even when it sits under several groups. */
export function listDistinctStories(groups: readonly StoryGroup[]): EmailStory[] {
  const seen = new Set<string>();
  const stories: EmailStory[] = [];
  for (const group of groups) {
    for (const story of group.stories) {
      if (seen.has(story.id)) continue;
      seen.add(story.id);
      stories.push(story);
    }
  }
  return stories;
}

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
  for (const story of sortNewestFirst(stories)) {
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

/** Stories newest first, the order every digest lists them in. */
export function sortNewestFirst<T extends { publishedAt: Date }>(stories: readonly T[]): T[] {
  return [...stories].sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime());
}
