import { describe, expect, it } from 'vitest';
import {
  evaluateRule,
  parseRule,
  RuleIndex,
  tokenizeStory,
} from '../../../src/domain/rules/index.js';
import type { MatchableStory } from '../../../src/domain/story.js';

function storyOf(fields: Partial<MatchableStory>): MatchableStory {
  return { headline: '', summary: '', body: '', tags: [], section: null, ...fields };
}

/** Both matchers, so every case also checks that the index agrees with the reference. */
function matches(query: string, story: MatchableStory): boolean {
  const parsed = parseRule(query);
  if (!parsed.ok) throw new Error(`${query}: ${parsed.error.message}`);
  const tokenized = tokenizeStory(story);
  const expected = evaluateRule(parsed.rule, tokenized);
  const index = new RuleIndex();
  index.add('rule', parsed.rule);
  expect(index.match(tokenized), `index and reference disagree on ${query}`).toEqual(
    expected ? ['rule'] : [],
  );
  return expected;
}

const story = storyOf({
  headline: 'Treasury sanctions Russian banks over dual-use exports',
  summary: 'OFAC added 12 entities to the Entity List on Tuesday.',
  body: 'Huawei said it had applied for a license. Semiconductors and chips are covered; the U.S. Treasury Department said so at 10:30.',
  tags: ['Export Controls', 'Russia', 'China trade'],
  section: 'World News',
});

describe('the meaning of RULES.md', () => {
  it.each([
    ['sanctions russia', true],
    ['sanction', true],
    ['sanctioned', false],
    ['entity', true],
    ['china AND (semiconductor* OR chip)', true],
    ['china AND (semiconductors* OR chip)', true],
    ['"entity list" -tariff', true],
    ['"entity list" -treasury', false],
    ['"entities list"', false],
    ['"entity"', true],
    ['"entities"', true],
    ['"sanction"', false],
    ['headline:(ofac OR "treasury department")', false],
    ['summary:ofac', true],
    ['body:"treasury department"', true],
    ['headline:treasury', true],
    ['body:russian', false],
    ['tag:"export controls" NOT section:opinion', true],
    ['tag:"export controls" section:"world news"', true],
    ['tag:export-controls', true],
    ['tag:export', false],
    ['tag:export*', true],
    ['tag:(russia OR ukraine)', true],
    ['tag:russian', false],
    ['tag:"controls"', false],
    ['section:world', false],
    ['section:wor*', true],
    ['world', false],
    ['controls', true],
    ['"china trade"', true],
    ['"russia china"', false],
    ['huawei NEAR/7 license', true],
    ['license NEAR/7 huawei', true],
    ['huawei NEAR/6 license', false],
    ['huawei NEAR/7 licenses', true],
    ['body:huawei NEAR/7 license', true],
    ['headline:huawei NEAR/7 license', false],
    ['headline:sanctions NEAR/1 body:russian', false],
    ['"applied for" NEAR/2 license', true],
    ['"applied for" NEAR/1 license', false],
    ['semicon* NEAR/2 chips', true],
    ['banks NEAR/3 sanctions', true],
    ['tuesday NEAR/1 treasury', false],
    ['export NEAR/1 controls', true],
    ['dual-use', true],
    ['"dual use"', true],
    ['dual-uses', false],
    ['U.S.', true],
    ['u.s. NEAR/1 treasury', true],
    ['10:30', true],
    ['12', true],
    ['ofac -(huawei OR tariff)', false],
    ['ofac -(zte OR tariff)', true],
    ['NOT NOT ofac', true],
    ['zte OR ofac', true],
    ['zte OR tariff', false],
  ])('%s → %s', (query, expected) => {
    expect(matches(query, story)).toBe(expected);
  });

  it('never lets a phrase or NEAR span two fields or two tags', () => {
    const split = storyOf({ headline: 'Entity', summary: 'List', tags: ['export', 'controls'] });
    expect(matches('"entity list"', split)).toBe(false);
    expect(matches('entity NEAR/5 list', split)).toBe(false);
    expect(matches('"export controls"', split)).toBe(false);
    expect(matches('export NEAR/1 controls', split)).toBe(false);
    expect(matches('export controls', split)).toBe(true);
  });

  it('lets an occurrence be near itself', () => {
    expect(matches('russia NEAR/1 russia', storyOf({ body: 'Russia' }))).toBe(true);
    expect(matches('"entity list" NEAR/1 list', storyOf({ body: 'entity list' }))).toBe(true);
  });

  it('measures NEAR between the ends of phrases', () => {
    const text = storyOf({ body: 'a b c d e f g h' });
    expect(matches('"a b" NEAR/4 "f g"', text)).toBe(true);
    expect(matches('"a b" NEAR/3 "f g"', text)).toBe(false);
    expect(matches('"f g" NEAR/4 "a b"', text)).toBe(true);
    expect(matches('"c d e" NEAR/1 "b c"', text)).toBe(true);
  });

  it('finds accented and CJK words and ignores emoji', () => {
    const world = storyOf({
      headline: 'Réunion à Genève 😀 東京 sanctions',
      body: 'Ｇ２０ summit',
    });
    expect(matches('geneve', world)).toBe(true);
    expect(matches('GENÈVE reunion', world)).toBe(true);
    expect(matches('東京', world)).toBe(true);
    expect(matches('"a geneve"', world)).toBe(true);
    expect(matches('g20', world)).toBe(true);
    expect(matches('"😀 東京"', world)).toBe(true);
  });

  it('does not match a story without a section on section:X', () => {
    expect(matches('section:news OR tag:news', storyOf({ headline: 'news' }))).toBe(false);
  });
});
