import { bumpRulesVersion } from '../../db/repositories/counter.repository.js';
import { listStories } from '../../db/repositories/story.repository.js';
import {
  deleteTopic,
  insertTopic,
  type Topic,
  updateTopic,
} from '../../db/repositories/topic.repository.js';
import { evaluateRule, type ParsedRule, parseRule, tokenizeStory } from '../domain/rules/index.js';
import type { ServiceContext } from './context.js';
import { InputError } from './input-error.js';

/** Parses a query or throws an {@link InputError} that shows the column with a caret. */
export function parseQueryOrThrow(query: string, what = 'query'): ParsedRule {
  const parsed = parseRule(query);
  if (parsed.ok) return parsed.rule;
  throw new InputError(
    `${what}: ${parsed.error.message} at column ${parsed.error.column}\n${parsed.error.display}`,
  );
}

export async function addTopic(
  ctx: ServiceContext,
  topic: { slug: string; name: string; query: string },
): Promise<Topic> {
  parseQueryOrThrow(topic.query, '--query');
  const created = await insertTopic(ctx.db, topic, ctx.now());
  if (!created) throw new InputError(`topic "${topic.slug}" already exists (use topics update)`);
  await bumpRulesVersion(ctx.db);
  return created;
}

export async function changeTopic(
  ctx: ServiceContext,
  slug: string,
  changes: { name?: string; query?: string },
): Promise<Topic> {
  if (changes.query !== undefined) parseQueryOrThrow(changes.query, '--query');
  const updated = await updateTopic(ctx.db, slug, changes, ctx.now());
  if (!updated) throw new InputError(`no topic "${slug}"`);
  await bumpRulesVersion(ctx.db);
  return updated;
}

export async function removeTopic(ctx: ServiceContext, slug: string): Promise<void> {
  if (!(await deleteTopic(ctx.db, slug))) throw new InputError(`no topic "${slug}"`);
  await bumpRulesVersion(ctx.db);
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
