import type { Transaction } from 'kysely';
import { recordRuleChange } from '../../db/repositories/rule-change.repository.js';
import { listStories } from '../../db/repositories/story.repository.js';
import {
  deleteTopic,
  findTopicBySlug,
  insertTopic,
  listTopicsWithFollowers,
  updateTopic,
} from '../../db/repositories/topic.repository.js';
import type { Database } from '../../db/schema.js';
import { stripControlCharacters } from '../domain/clean-text.js';
import { evaluateRule, type ParsedRule, parseRule, tokenizeStory } from '../domain/rules/index.js';
import type { Topic } from '../domain/topic.js';
import type { ServiceContext } from './context.js';
import { InputError } from './input-error.js';
import { ruleKey } from './rule-keys.js';
import { forgetSharedReads } from './shared-reads.js';

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
    if (!updated)
      throw new InputError(`no topic "${slug}"`, { field: 'slug', problem: 'not-found' });
    if (changes.query !== undefined) {
      await recordRuleChange(trx, ruleKey.topic(updated.id), updated.query, ctx.now());
    }
    return updated;
  });
}

/** Removes a topic; its followers' subscriptions go with it. */
export async function removeTopic(ctx: ServiceContext, slug: string): Promise<void> {
  await changingTopics(ctx, async (trx) => {
    const topic = await findTopicBySlug(trx, slug);
    if (!topic || !(await deleteTopic(trx, slug)))
      throw new InputError(`no topic "${slug}"`, { field: 'slug', problem: 'not-found' });
    await recordRuleChange(trx, ruleKey.topic(topic.id), null, ctx.now());
  });
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

/** A topic by its slug, or an {@link InputError} saying there is none. */
export async function requireTopic(ctx: ServiceContext, slug: string): Promise<Topic> {
  const topic = await findTopicBySlug(ctx.db, slug);
  if (!topic) throw new InputError(`no topic "${slug}"`, { field: 'slug', problem: 'not-found' });
  return topic;
}

/** Every topic with how many subscriptions follow it. */
export async function listTopics(ctx: ServiceContext): Promise<(Topic & { followers: number })[]> {
  return listTopicsWithFollowers(ctx.db);
}
