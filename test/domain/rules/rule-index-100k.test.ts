import { describe, expect, it } from 'vitest';
import { SyntheticNews } from '../../../bench/synthetic-data.js';
import {
  evaluateRule,
  type ParsedRule,
  parseRule,
  RuleIndex,
  type TokenizedStory,
  tokenizeStory,
} from '../../../src/domain/rules/index.js';
import { countDocumentFrequencies } from '../../../src/domain/rules/rule-share.js';
import type { MatchableStory } from '../../../src/domain/story.js';
import { createRandom, randomQuery, randomStory } from './random-rules.js';

/** `MATCH_SEED=n npx vitest run test/domain/rules/rule-index-100k.test.ts` replays a failure. */
const SEED = Number(process.env.MATCH_SEED ?? 20261207);
const RULES = 100_000;
const STORIES = 12;

/**
 * Stories that both rule families meet: the benchmark's news (long, Zipf vocabulary) with
 * the edge-case stories of random-rules.ts (stemming corners, Unicode, tags, sections)
 * written into the same fields.
 */
function mixedStory(news: SyntheticNews, random: () => number): MatchableStory {
  const a = news.story(random);
  const b = randomStory(random);
  return {
    headline: `${b.headline} ${a.headline}`,
    summary: `${a.summary} ${b.summary}`,
    body: `${b.body} ${a.body}`,
    tags: [...b.tags, ...a.tags],
    section: random() < 0.5 ? a.section : b.section,
  };
}

/** The first rule the index and the reference disagree on, with what each said. */
function firstDifference(
  rules: Array<{ id: string; query: string; rule: ParsedRule }>,
  got: string[],
  story: TokenizedStory,
): string {
  const matched = new Set(got);
  for (const { id, query, rule } of rules) {
    const expected = evaluateRule(rule, story);
    if (expected !== matched.has(id)) {
      return `${id} ${JSON.stringify(query)}: reference ${expected}, index ${!expected}`;
    }
  }
  return 'the same rules, in another order';
}

describe('RuleIndex at 100k rules', () => {
  it(`agrees with the reference evaluator on every rule (seed ${SEED})`, () => {
    const random = createRandom(SEED);
    const news = new SyntheticNews(SEED);
    const rules: Array<{ id: string; query: string; rule: ParsedRule }> = [];
    while (rules.length < RULES) {
      // Mostly readers' own queries at the benchmark's density; a fifth the edge cases.
      const query = random() < 0.8 ? news.readerQuery(random) : randomQuery(random);
      const parsed = parseRule(query);
      if (parsed.ok) rules.push({ id: `r${rules.length}`, query, rule: parsed.rule });
    }
    const stories = Array.from({ length: STORIES }, () => tokenizeStory(mixedStory(news, random)));
    // Anchored as `bulletin match` anchors them: by the stories' own term frequencies.
    const index = new RuleIndex({ documentFrequency: countDocumentFrequencies(stories) });
    for (const { id, rule } of rules) index.add(id, rule);
    let total = 0;
    stories.forEach((story, s) => {
      const got = index.match(story);
      const expected = rules.filter(({ rule }) => evaluateRule(rule, story)).map(({ id }) => id);
      if (got.join() !== expected.join()) {
        const where = firstDifference(rules, got, story);
        expect.fail(`seed ${SEED}, story ${s}: ${where} (MATCH_SEED=${SEED} replays it)`);
      }
      total += got.length;
    });
    // Agreement must not be agreement on "nothing matches": about 1 % of rules match.
    expect(total).toBeGreaterThan(STORIES * 500);
  }, 600_000);
});
