import { createHash } from 'node:crypto';
import { parseFeed } from '@rowanmanning/feed-parser';
import type { Feed } from '../../domain/feed.js';
import {
  cleanOneLine,
  parseStory,
  STORY_LIMITS,
  type StoryParseOptions,
  type StoryRecord,
} from '../../domain/story.js';

/** A feed answer that is not RSS, Atom or RDF (an HTML error page, broken XML). */
export class NotAFeedError extends Error {
  override name = 'NotAFeedError';
}

/**
 * The stories of an RSS 2.0, Atom 1.0 or RSS 1.0 (RDF) document, each checked like any
 * published story: categories become tags (after the feed's own), `content:encoded` or
 * Atom content the body, the description the summary. An item is known by its guid or id,
 * else by its link, so the same item polled again updates its story.
 */
export function readFeedItems(
  xml: string,
  feed: Feed,
  options: StoryParseOptions = {},
): StoryRecord[] {
  let parsed: ReturnType<typeof parseFeed>;
  try {
    parsed = parseFeed(xml);
  } catch (error) {
    throw new NotAFeedError(
      `not an RSS or Atom feed (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const now = options.now ?? new Date();
  return parsed.items.map((item, i) => {
    const key = item.id ?? item.url;
    const summary = truncate(cleanOneLine(item.description ?? ''), STORY_LIMITS.summaryCharacters);
    const categories = item.categories.map((c) => c.label ?? c.term);
    const tags = [...new Set([...feed.tags, ...categories].map(cleanOneLine).filter(Boolean))];
    const published = item.published ?? item.updated ?? now;
    const record = parseStory(
      {
        id: key ? storyIdOf(key) : undefined,
        url: item.url ?? undefined,
        headline: item.title ?? undefined,
        summary,
        body: item.content ?? item.description ?? '',
        section: feed.section,
        tags: tags
          .slice(0, STORY_LIMITS.tags)
          .map((tag) => truncate(tag, STORY_LIMITS.tagCharacters)),
        publishedAt: published.toISOString(),
        access: feed.access,
      },
      options,
    );
    const position = `item ${i + 1}${key ? ` (${key.slice(0, 80)})` : ''}`;
    return record.ok
      ? { position, ok: true, story: record.story }
      : { position, ok: false, error: record.error, errors: record.errors };
  });
}

/** A guid fits the story id when it is short enough; a longer one is known by its hash. */
function storyIdOf(key: string): string {
  const trimmed = key.trim();
  if (trimmed.length <= STORY_LIMITS.idCharacters) return trimmed;
  return `sha256:${createHash('sha256').update(trimmed).digest('hex')}`;
}

/**
 * Feeds often put the whole story in the description: the teaser is its start, cut at a
 * word, rather than the story refused.
 */
function truncate(text: string, limit: number): string {
  const characters = Array.from(text);
  if (characters.length <= limit) return text;
  const cut = characters.slice(0, limit - 1).join('');
  const atWord = cut.replace(/\s+\S*$/, '');
  return `${atWord.length > limit / 2 ? atWord : cut}…`;
}
