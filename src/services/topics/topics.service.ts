import type { Transaction } from 'kysely';
import type { Db } from '../../../db/connection.js';
import { countTopicFollowers } from '../../../db/repositories/catalog-stats.repository.js';
import { recordRuleChange } from '../../../db/repositories/rule-change.repository.js';
import { listStories } from '../../../db/repositories/story.repository.js';
import { countTableRows } from '../../../db/repositories/table-count.js';
import {
  deleteTopic,
  findTopicBySlug,
  insertTopic,
  listTopics as listTopicRows,
  listTopicsWithFollowers,
  updateTopic,
} from '../../../db/repositories/topic.repository.js';
import type { Database } from '../../../db/schema.js';
import { stripControlCharacters } from '../../domain/clean-text.js';
import {
  evaluateRule,
  type ParsedRule,
  parseRule,
  tokenizeStory,
} from '../../domain/rules/index.js';
import type { Topic } from '../../domain/topic.js';
import type { ServiceContext } from '../context.js';
import { InputError } from '../input-error.js';
import { forgetSharedReads } from '../shared-reads.js';
import { ruleKey } from './rule-keys.js';

/**
 * Parses a query or throws an {@link InputError} that shows the column with a caret; `field`
 * names the part of the request the query came from.
 */
export function parseQueryOrThrow(query: string, field = 'query'): ParsedRule {
  const parsed = parseRule(query);
  if (parsed.ok) return parsed.rule;
  throw new InputError(
    `${parsed.error.message} at column ${parsed.error.column}\n${parsed.error.display}`,
    { field },
  );
}

/** A topic's display name as stored: one line, no control characters, not blank. */
function cleanTopicName(name: string): string {
  const cleaned = stripControlCharacters(name).trim();
  if (!cleaned) throw new InputError('a topic needs a name', { field: 'name' });
  return cleaned;
}

/**
 * Topic changes and their entry in the rule change log commit together, so every worker's
 * index learns of exactly the topics that exist.
 */
export async function addTopic(
  ctx: ServiceContext,
  topic: { slug: string; name: string; query: string },
): Promise<Topic> {
  parseQueryOrThrow(topic.query);
  const name = cleanTopicName(topic.name);
  return changingTopics(ctx, async (trx) => {
    const created = await insertTopic(trx, { ...topic, name }, ctx.now());
    if (!created)
      throw new InputError(`topic "${topic.slug}" already exists`, {
        field: 'slug',
        problem: 'exists',
      });
    await recordRuleChange(trx, ruleKey.topic(created.id), created.query, ctx.now());
    return created;
  });
}

export async function changeTopic(
  ctx: ServiceContext,
  slug: string,
  changes: { name?: string; query?: string },
): Promise<Topic> {
  if (changes.query !== undefined) parseQueryOrThrow(changes.query);
  const cleaned = {
    ...changes,
    ...(changes.name !== undefined ? { name: cleanTopicName(changes.name) } : {}),
  };
  return changingTopics(ctx, async (trx) => {
    const updated = await updateTopic(trx, slug, cleaned, ctx.now());
    if (!updated) throw await unknownTopic(trx, slug);
    if (changes.query !== undefined) {
      await recordRuleChange(trx, ruleKey.topic(updated.id), updated.query, ctx.now());
    }
    return updated;
  });
}

/**
 * Removes a topic; its followers' subscriptions go with it. A followed topic is removed only
 * when `force` is given; either way the result says how many readers it affected.
 */
export async function removeTopic(
  ctx: ServiceContext,
  slug: string,
  options: { force?: boolean } = {},
): Promise<{ readers: number; subscriptions: number }> {
  return changingTopics(ctx, async (trx) => {
    const topic = await findTopicBySlug(trx, slug);
    if (!topic) throw await unknownTopic(trx, slug);
    const followers = await countTopicFollowers(trx, topic.id);
    if (followers.readers > 0 && !options.force)
      throw new InputError(
        `"${slug}" is followed by ${followers.readers === 1 ? '1 reader' : `${followers.readers} readers`}: removing it ends their subscriptions to it`,
        { field: 'slug', problem: 'in-use' },
      );
    await deleteTopic(trx, slug);
    await recordRuleChange(trx, ruleKey.topic(topic.id), null, ctx.now());
    return followers;
  });
}

/** A topic with how many follow it and what its query matched lately. */
export interface TopicDetails {
  topic: Topic;
  followers: { readers: number; subscriptions: number };
  /** Stored stories published in the last `days` days that the query matches. */
  recent: BacktestResult;
  days: number;
}

/** A topic, its followers, and the stories of the last 30 days its query matches. */
export async function showTopic(
  ctx: ServiceContext,
  slug: string,
  days = 30,
): Promise<TopicDetails> {
  const topic = await requireTopic(ctx, slug);
  const followers = await countTopicFollowers(ctx.db, topic.id);
  const since = new Date(ctx.now().getTime() - days * 86_400_000);
  const recent = await backtestRule(ctx, parseQueryOrThrow(topic.query, 'storedQuery'), since);
  return { topic, followers, recent, days };
}

/** Runs a change to topics in a transaction; this process's digests see it at once. */
async function changingTopics<T>(
  ctx: ServiceContext,
  change: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  const result = await ctx.db.transaction().execute(change);
  forgetSharedReads(ctx.db);
  return result;
}

export interface BacktestResult {
  considered: number;
  matches: { publishedAt: Date; headline: string; id: string }[];
}

/** Runs a rule over stored stories (newest first): what it would have matched. */
export async function backtestRule(
  ctx: ServiceContext,
  rule: ParsedRule,
  since: Date | undefined,
): Promise<BacktestResult> {
  const stories = await listStories(ctx.db, since ? { since } : {});
  const matches = stories
    .filter((story) => evaluateRule(rule, tokenizeStory(story)))
    .map((story) => ({
      publishedAt: story.publishedAt,
      headline: story.headline,
      id: story.externalId,
    }));
  return { considered: stories.length, matches };
}

/**
 * A topic by its slug, or an {@link InputError} saying there is none, with the slugs nearest
 * the one given; `field` names where the slug came from (`slug`, `topic`, `audience`).
 */
export async function requireTopic(
  ctx: ServiceContext,
  slug: string,
  field = 'slug',
): Promise<Topic> {
  const topic = await findTopicBySlug(ctx.db, slug);
  if (!topic) throw await unknownTopic(ctx.db, slug, field);
  return topic;
}

/** `no topic "custms" (did you mean customs?)`: a slug mistyped, and the ones it may mean. */
export async function unknownTopic(db: Db, slug: string, field = 'slug'): Promise<InputError> {
  const near = nearestSlugs(
    slug,
    (await listTopicRows(db)).map((topic) => topic.slug),
  );
  const suggestion = near.length > 0 ? ` (did you mean ${near.join(' or ')}?)` : '';
  return new InputError(`no topic "${slug}"${suggestion}`, { field, problem: 'not-found' });
}

/**
 * The slugs a mistyped one may mean, nearest first, three at most: a few letters off (edit
 * distance, a swap of two counting as one) for its length, or one containing the other
 * (`export` for `export-controls`).
 */
export function nearestSlugs(typed: string, slugs: readonly string[]): string[] {
  const wanted = typed.toLowerCase();
  const allowed = Math.max(1, Math.floor(wanted.length / 3));
  return slugs
    .map((slug) => ({ slug, distance: editDistance(wanted, slug) }))
    .filter(
      ({ slug, distance }) =>
        distance <= allowed ||
        (wanted.length >= 3 && (slug.includes(wanted) || wanted.includes(slug))),
    )
    .sort((a, b) => a.distance - b.distance || a.slug.localeCompare(b.slug))
    .slice(0, 3)
    .map(({ slug }) => slug);
}

/** Levenshtein distance with adjacent swaps (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** Every topic (by slug, at most `limit` when given) with how many readers follow it. */
export async function listTopics(
  ctx: ServiceContext,
  options: { limit?: number | null } = {},
): Promise<(Topic & { followers: number })[]> {
  return listTopicsWithFollowers(ctx.db, options.limit ?? null);
}

/** How many topics there are. */
export async function countTopics(ctx: ServiceContext): Promise<number> {
  return countTableRows(ctx.db, 'topics');
}
