import { createHash } from 'node:crypto';
import { parseFeed } from '@rowanmanning/feed-parser';
import { XMLValidator } from 'fast-xml-parser';
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
 * else by its link, so the same item polled again updates its story. A document that is not
 * a feed throws a {@link NotAFeedError} saying what it is instead.
 */
export function readFeedItems(
  xml: string,
  feed: Feed,
  options: StoryParseOptions = {},
): StoryRecord[] {
  // White space before the XML declaration is not well-formed, but templates that print a
  // line break first are common and it hides nothing: it is dropped, as a byte-order mark is.
  const text = xml.replace(/^[\uFEFF\s]+/, '');
  checkIsFeedDocument(text);
  let parsed: ReturnType<typeof parseFeed>;
  try {
    parsed = parseFeed(text);
  } catch (error) {
    throw new NotAFeedError(notAFeed(text, error instanceof Error ? error.message : String(error)));
  }
  // Each item asks the feed for its link (to resolve a relative one) and its categories (when
  // it has none of its own), and the parser walks the whole channel for them at every call:
  // 7,000 items (5 MB) took 80 s, holding up the worker. Read once, they are kept on the feed.
  for (const key of ['url', 'categories', 'authors'] as const)
    Object.defineProperty(parsed, key, { value: parsed[key] });
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

/**
 * What a document is, when it cannot be a feed: an HTML page or JSON (a login or error page,
 * an API's answer) by how it starts, else XML that is not well-formed, with the line and
 * column the validator gives. The feed parser reads broken XML without a word, as if it
 * were a feed with an empty item: the document is checked first.
 */
function checkIsFeedDocument(text: string): void {
  if (text === '') throw new NotAFeedError('not an RSS or Atom feed: the answer is empty');
  if (/^[{[]/.test(text)) throw new NotAFeedError('not an RSS or Atom feed: the answer is JSON');
  const root = rootElementOf(text);
  if (/^<!doctype\s+html[\s>]/i.test(text) || root?.toLowerCase() === 'html')
    throw new NotAFeedError('not an RSS or Atom feed: the answer is an HTML page');
  const checked = XMLValidator.validate(text);
  if (checked === true) return;
  const { msg, line, col } = checked.err;
  // Elements still open at the end: the validator gives where the first one opened (or,
  // for several, line 1), but it is the end that is wrong, most likely an answer cut short.
  const unclosed =
    /^Invalid '\[(.*)\]' found\.$/.exec(msg)?.[1] ?? /^Unclosed tag '(.*)'\.$/.exec(msg)?.[1];
  if (unclosed !== undefined) {
    const tags = tagNames(msg.startsWith('Invalid') ? `[${unclosed}]` : null, unclosed)
      .map((t) => `<${t}>`)
      .join(', ');
    throw new NotAFeedError(
      `not well-formed XML: the document ends (line ${text.split('\n').length}) with ${tags} still open (cut short?)`,
    );
  }
  const where = `line ${line}${col ? `, column ${col}` : ''}`;
  throw new NotAFeedError(`not well-formed XML at ${where}: ${msg.replace(/\.$/, '')}`);
}

/** The validator lists several open elements as JSON; one is named as it is. */
function tagNames(json: string | null, one: string): string[] {
  if (json === null) return [one];
  try {
    const names: unknown = JSON.parse(json);
    if (Array.isArray(names)) return names.map(String);
  } catch {}
  return [one];
}

/** Well-formed XML the parser found no feed in: named by its root element. */
function notAFeed(text: string, reason: string): string {
  const root = rootElementOf(text);
  return root && !/^(rss|feed|(\w+:)?rdf)$/i.test(root)
    ? `not an RSS or Atom feed: the document is <${root}>, not <rss>, <feed> or <rdf:RDF>`
    : `not a feed the parser can read (${reason})`;
}

/**
 * The name of the first element after the prolog (declaration, comments, doctype), read
 * by hand: a regular expression for it backtracks for ever on a hostile doctype.
 */
function rootElementOf(text: string): string | undefined {
  let at = 0;
  const past = (marker: string, from: number) => {
    const found = text.indexOf(marker, from);
    return found < 0 ? text.length : found + marker.length;
  };
  for (;;) {
    while (at < text.length && /\s/.test(text.charAt(at))) at++;
    if (text.startsWith('<?', at)) at = past('?>', at);
    else if (text.startsWith('<!--', at)) at = past('-->', at);
    else if (text.slice(at, at + 9).toUpperCase() === '<!DOCTYPE') {
      const close = past('>', at);
      const subset = text.indexOf('[', at);
      at = subset >= 0 && subset < close ? past('>', past(']', subset)) : close;
    } else break;
  }
  return /^<([^\s/>!?]{1,50})/.exec(text.slice(at, at + 60))?.[1];
}
