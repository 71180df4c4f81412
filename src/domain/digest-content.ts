import type { StoredStory } from './stored-story.js';

/** What a digest shows of a stored story: no body (it is for matching only), no bookkeeping. */
export type DigestStory = Pick<
  StoredStory,
  'id' | 'externalId' | 'url' | 'headline' | 'summary' | 'section' | 'publishedAt' | 'access'
>;

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
  /**
   * Stories of this digest that the email leaves out (see {@link capDigestContent}); the
   * intro and the subject count them, a line under the stories names how many. None when absent.
   */
  omitted?: number;
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

/** What {@link capDigestStories} keeps, and how many distinct stories it left out. */
export interface CappedStories {
  groups: StoryGroup[];
  omitted: number;
}

/**
 * Keeps the `max` newest distinct stories across all groups, each in the groups and at the
 * places it had, and drops groups left empty. Stories published at the same instant keep the
 * order they first appear in, so the same groups always give the same email.
 */
export function capDigestStories(groups: readonly StoryGroup[], max: number): CappedStories {
  if (!Number.isInteger(max) || max < 1) {
    throw new RangeError(`the story cap must be a positive integer, got ${max}`);
  }
  const distinct = listDistinctStories(groups);
  if (distinct.length <= max) return { groups: [...groups], omitted: 0 };
  // Array.prototype.sort is stable: equal times stay in order of first appearance.
  const kept = new Set(
    [...distinct]
      .sort((a, b) => publishedMillis(b) - publishedMillis(a))
      .slice(0, max)
      .map((story) => story.id),
  );
  const capped = groups
    .map((group) => ({ ...group, stories: group.stories.filter((story) => kept.has(story.id)) }))
    .filter((group) => group.stories.length > 0);
  return { groups: capped, omitted: distinct.length - kept.size };
}

/** The content as the email shows it: at most `max` stories, the rest counted in `omitted`. */
export function capDigestContent(content: DigestContent, max: number): DigestContent {
  const { groups, omitted } = capDigestStories(content.groups, max);
  return { ...content, groups, omitted: (content.omitted ?? 0) + omitted };
}

/** A story whose date cannot be read sorts as the oldest (below any date a Date can hold). */
function publishedMillis(story: EmailStory): number {
  const millis = Date.parse(story.publishedAt);
  return Number.isNaN(millis) ? Number.MIN_SAFE_INTEGER : millis;
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
  stories: readonly DigestStory[],
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
    list.push(toEmailStory(story, matched));
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

/** A stored story as an email shows it, with the labels of the rules that matched it. */
export function toEmailStory(story: DigestStory, matched: string[]): EmailStory {
  return {
    id: story.externalId,
    headline: story.headline,
    summary: story.summary,
    url: story.url,
    publishedAt: story.publishedAt.toISOString(),
    section: story.section,
    access: story.access,
    matched,
  };
}
