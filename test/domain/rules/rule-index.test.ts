import { describe, expect, it } from 'vitest';
import {
  evaluateRule,
  type ParsedRule,
  parseRule,
  RuleIndex,
  type TokenizedStory,
  tokenizeStory,
} from '../../../src/domain/rules/index.js';
import { createRandom, randomQuery, randomStory } from './random-rules.js';

function parse(query: string): ParsedRule {
  const parsed = parseRule(query);
  if (!parsed.ok) throw new Error(`${query}: ${parsed.error.message}`);
  return parsed.rule;
}

function randomRules(seed: number, count: number): Array<{ id: string; rule: ParsedRule }> {
  const random = createRandom(seed);
  const rules: Array<{ id: string; rule: ParsedRule }> = [];
  while (rules.length < count) {
    const parsed = parseRule(randomQuery(random));
    if (parsed.ok) rules.push({ id: `r${rules.length}`, rule: parsed.rule });
  }
  return rules;
}

function expectedIds(
  rules: Array<{ id: string; rule: ParsedRule }>,
  story: TokenizedStory,
): string[] {
  return rules.filter(({ rule }) => evaluateRule(rule, story)).map(({ id }) => id);
}

describe('RuleIndex agrees with the reference evaluator', () => {
  const rules = randomRules(20241128, 3000);
  const random = createRandom(7);
  const stories = Array.from({ length: 300 }, () => tokenizeStory(randomStory(random)));

  it('on thousands of random rules and stories', () => {
    const index = new RuleIndex();
    for (const { id, rule } of rules) index.add(id, rule);
    let total = 0;
    for (const story of stories) {
      const ids = index.match(story);
      expect(ids).toEqual(expectedIds(rules, story));
      total += ids.length;
    }
    // The data is dense enough that agreement is not agreement on "nothing matches".
    expect(total).toBeGreaterThan(stories.length * 20);
  });

  it('with a document-frequency table choosing the anchors', () => {
    const frequency = new Map<string, number>();
    for (const story of stories) {
      for (const term of new Set(story.fields.flatMap((f) => [...f.tokens, ...f.stems]))) {
        frequency.set(term, (frequency.get(term) ?? 0) + 1 / stories.length);
      }
    }
    const index = new RuleIndex({ documentFrequency: (term) => frequency.get(term) ?? 0 });
    for (const { id, rule } of rules) index.add(id, rule);
    for (const story of stories.slice(0, 100)) {
      expect(index.match(story)).toEqual(expectedIds(rules, story));
    }
  });

  it('while rules are removed, re-added and replaced in place', () => {
    const index = new RuleIndex();
    for (const { id, rule } of rules) index.add(id, rule);
    const order = createRandom(99);
    const live = new Map(rules.map((entry) => [entry.id, entry.rule]));
    for (const { id } of rules) {
      if (order() < 0.5) {
        expect(index.remove(id)).toBe(true);
        live.delete(id);
      }
    }
    // Replace some with other rules, re-add some under their old id.
    const replacements = randomRules(4242, 300);
    replacements.forEach(({ rule }, i) => {
      const id = rules[i * 7]!.id;
      index.add(id, rule);
      live.delete(id);
      live.set(id, rule);
    });
    expect(index.size).toBe(live.size);
    const liveRules = [...live].map(([id, rule]) => ({ id, rule }));
    for (const story of stories.slice(0, 150)) {
      expect(new Set(index.match(story))).toEqual(new Set(expectedIds(liveRules, story)));
    }
  });

  it('while rules change between stories that share their tokens', () => {
    const index = new RuleIndex();
    const live = new Map<string, ParsedRule>();
    const half = rules.slice(0, 1500);
    for (const { id, rule } of half) {
      index.add(id, rule);
      live.set(id, rule);
    }
    const churn = createRandom(31);
    let next = half.length;
    for (const story of stories.slice(0, 150)) {
      const liveRules = [...live].map(([id, rule]) => ({ id, rule }));
      expect(new Set(index.match(story))).toEqual(new Set(expectedIds(liveRules, story)));
      // New words and prefixes come and go, so what a token found in earlier stories changes.
      for (let k = 0; k < 10; k++) {
        const { id } = liveRules[Math.floor(churn() * liveRules.length)]!;
        index.remove(id);
        live.delete(id);
        const added = rules[next++ % rules.length]!;
        index.add(added.id, added.rule);
        live.set(added.id, added.rule);
      }
    }
  });

  it('finds words and prefixes added after earlier stories held them', () => {
    const index = new RuleIndex();
    const first = tokenizeStory({
      headline: 'oil gasoline',
      summary: '',
      body: '',
      tags: [],
      section: null,
    });
    const second = tokenizeStory({
      headline: 'oil gasoline',
      summary: '',
      body: '',
      tags: [],
      section: null,
    });
    index.add('oil', parse('oil'));
    expect(index.match(first)).toEqual(['oil']);
    index.add('gas', parse('gas*'));
    index.add('gasoline', parse('gasoline'));
    expect(index.match(second)).toEqual(['oil', 'gas', 'gasoline']);
    index.remove('gasoline');
    index.remove('gas');
    index.add('gas again', parse('headline:gaso*'));
    expect(index.match(first)).toEqual(['oil', 'gas again']);
  });

  it('returns ids in the order the rules were added', () => {
    const index = new RuleIndex();
    const story = tokenizeStory({
      headline: 'oil',
      summary: '',
      body: '',
      tags: [],
      section: null,
    });
    for (const id of ['c', 'a', 'b']) index.add(id, parse('oil'));
    expect(index.match(story)).toEqual(['c', 'a', 'b']);
    index.add('a', parse('oil'));
    expect(index.match(story)).toEqual(['c', 'b', 'a']);
  });
});

describe('RuleIndex add and remove', () => {
  const story = tokenizeStory({
    headline: 'Treasury sanctions Russian banks',
    summary: 'Semiconductor exports',
    body: 'Entity list additions',
    tags: ['Export Controls'],
    section: 'World',
  });

  it.each([
    'sanction',
    'semicond*',
    '"entity list"',
    'tag:"export controls"',
    'tag:exp*',
    'section:world',
    'section:wor*',
    'treasury NEAR/2 russian',
    'headline:sanction',
    'zte OR sanctions',
    'sanctions -zte',
  ])('%s: a removed rule no longer matches; re-added, it does again', (query) => {
    const index = new RuleIndex();
    index.add('other', parse('banks'));
    index.add('rule', parse(query));
    expect(index.has('rule')).toBe(true);
    expect(index.match(story)).toEqual(['other', 'rule']);
    expect(index.remove('rule')).toBe(true);
    expect(index.has('rule')).toBe(false);
    expect(index.size).toBe(1);
    expect(index.match(story)).toEqual(['other']);
    expect(index.remove('rule')).toBe(false);
    index.add('rule', parse(query));
    expect(index.match(story)).toEqual(['other', 'rule']);
  });

  it('keeps matching after most rules are removed and their storage is compacted', () => {
    const index = new RuleIndex();
    const rules = randomRules(31, 3000);
    for (const { id, rule } of rules) index.add(id, rule);
    const kept = rules.filter((_, i) => i % 10 === 0);
    for (const { id } of rules) if (!kept.some((rule) => rule.id === id)) index.remove(id);
    const readded = rules.slice(1, 200).filter((_, i) => i % 10 !== 9);
    for (const { id, rule } of readded) index.add(id, rule);
    const live = [...kept, ...readded];
    const random = createRandom(8);
    for (let i = 0; i < 100; i++) {
      const other = tokenizeStory(randomStory(random));
      expect(new Set(index.match(other))).toEqual(new Set(expectedIds(live, other)));
    }
  });

  it('replaces a rule added again under the same id', () => {
    const index = new RuleIndex();
    index.add('rule', parse('sanctions'));
    index.add('rule', parse('tariffs'));
    expect(index.size).toBe(1);
    expect(index.match(story)).toEqual([]);
  });

  it('verifies only the rules whose anchors the story holds', () => {
    const index = new RuleIndex();
    // Without statistics the longest word is the anchor: here the one the story lacks.
    for (let i = 0; i < 1000; i++) index.add(`miss${i}`, parse(`unusualword${i} sanctions`));
    index.add('hit', parse('treasury sanctions'));
    const result = index.matchWithStats(story);
    expect(result.ids).toEqual(['hit']);
    expect(result.candidates).toBe(1);
  });
});

describe('limits', () => {
  it('handles a 200 KB body', () => {
    const random = createRandom(5);
    const words = ['oil', 'gas', 'sanctions', 'entity', 'list', 'export', 'controls', 'china'];
    const body = Array.from({ length: 33_000 }, () => words[Math.floor(random() * 8)]).join(' ');
    expect(body.length).toBeGreaterThan(200_000);
    const story = tokenizeStory({ headline: 'h', summary: '', body, tags: [], section: null });
    const queries = [
      'oil NEAR/1 gas',
      '"entity list" NEAR/3 "export controls"',
      'sanction* NEAR/2 china',
      '"china china china china china china"',
      'body:"list list list" -zte',
      'zte',
    ];
    const index = new RuleIndex();
    const rules = queries.map((query, i) => ({ id: `q${i}`, rule: parse(query) }));
    for (const { id, rule } of rules) index.add(id, rule);
    expect(index.match(story)).toEqual(expectedIds(rules, story));
    expect(index.match(story).length).toBeGreaterThan(2);
  });

  it('indexes 64-leaf and 1,000-character rules', () => {
    const random = createRandom(11);
    const story = tokenizeStory(randomStory(random));
    const wide = Array.from({ length: 64 }, (_, i) => (i === 63 ? 'oil' : `w${i}`)).join(' OR ');
    const words = Array.from({ length: 15 }, (_, i) => `w${i}${'x'.repeat(55)}`);
    const base = `${words.join(' OR ')} OR "oil gas"`;
    const long = `${'y'.repeat(1000 - base.length)}${base}`;
    expect(long.length).toBe(1000);
    const rules = [wide, long].map((query, i) => ({ id: `q${i}`, rule: parse(query) }));
    const index = new RuleIndex();
    for (const { id, rule } of rules) index.add(id, rule);
    for (let i = 0; i < 50; i++) {
      const other = tokenizeStory(randomStory(random));
      expect(index.match(other)).toEqual(expectedIds(rules, other));
    }
    expect(index.match(story)).toEqual(expectedIds(rules, story));
  });
});
