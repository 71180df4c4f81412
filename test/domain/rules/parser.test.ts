import { describe, expect, it } from 'vitest';
import { describeRule, parseRule } from '../../../src/domain/rules/index.js';

function describeQuery(query: string): string {
  const parsed = parseRule(query);
  if (!parsed.ok) throw new Error(`${query}: ${parsed.error.message}`);
  return describeRule(parsed.rule);
}

function errorOf(query: string): { column: number; message: string; display: string } {
  const parsed = parseRule(query);
  if (parsed.ok) throw new Error(`expected an error for ${query}`);
  return parsed.error;
}

describe('the examples of RULES.md', () => {
  it.each([
    ['sanctions russia', 'all of:\n  the word "sanctions" (stem "sanction")\n  the word "russia"'],
    [
      'china AND (semiconductor* OR chip)',
      'all of:\n  the word "china"\n  any of:\n    a word starting with "semiconductor"\n    the word "chip"',
    ],
    ['"entity list" -tariff', 'all of:\n  the phrase "entity list"\n  not the word "tariff"'],
    [
      'headline:(ofac OR "treasury department")',
      'any of:\n  the word "ofac" in the headline\n  the phrase "treasury department" in the headline',
    ],
    [
      'tag:"export controls" NOT section:opinion',
      'all of:\n  the tag "export controls"\n  not the section "opinion"',
    ],
    [
      'huawei NEAR/5 license',
      'the word "huawei" within 5 words of the word "license", in the same field',
    ],
    ['sanction', 'the word "sanction"'],
  ])('%s', (query, description) => {
    expect(describeQuery(query)).toBe(description);
  });
});

describe('lexing', () => {
  it.each([
    [
      'sanctions and russia',
      'all of:\n  the word "sanctions" (stem "sanction")\n  the word "and"\n  the word "russia"',
    ],
    ['a or b', 'all of:\n  the word "a"\n  the word "or"\n  the word "b"'],
    ['not near', 'all of:\n  the word "not"\n  the word "near"'],
    ['dual-use', 'the phrase "dual use"'],
    ['U.S.', 'the phrase "u s"'],
    ["Xi's", 'the phrase "xi s"'],
    ['10:30', 'the phrase "10 30"'],
    ['"sanctions"', 'the phrase "sanctions"'],
    ['Café', 'the word "cafe"'],
    ['x -y', 'all of:\n  the word "x"\n  not the word "y"'],
    ['x -"y z"', 'all of:\n  the word "x"\n  not the phrase "y z"'],
    [
      'x -(y OR z)',
      'all of:\n  the word "x"\n  none of:\n    any of:\n      the word "y"\n      the word "z"',
    ],
    ['x AND(y)', 'all of:\n  the word "x"\n  the word "y"'],
    ['x NOT(y)', 'all of:\n  the word "x"\n  not the word "y"'],
    ['headline:AND', 'the word "and" in the headline'],
    ['headline:-x', 'the word "x" in the headline'],
    ['tag:export*', 'a tag starting with "export"'],
    [
      'section:(world OR "middle east")',
      'any of:\n  the section "world"\n  the section "middle east"',
    ],
    ['(x) NEAR/3 body:y', 'the word "x" within 3 words of the word "y" in the body'],
    ['x NEAR/007 y', 'the word "x" within 7 words of the word "y", in the same field'],
    ['NEAR/x y', 'all of:\n  the phrase "near x"\n  the word "y"'],
    ['a OR b c', 'any of:\n  the word "a"\n  all of:\n    the word "b"\n    the word "c"'],
    [
      'c -a NEAR/2 b',
      'all of:\n  the word "c"\n  not the word "a" within 2 words of the word "b", in the same field',
    ],
  ])('%s', (query, description) => {
    expect(describeQuery(query)).toBe(description);
  });
});

describe('errors, with their column', () => {
  it.each([
    ['', 1, 'empty'],
    ['   ', 1, 'empty'],
    ['(a', 1, 'no ")"'],
    ['(a OR (b)', 1, 'no ")"'],
    ['a)', 2, 'no "("'],
    ['a (b))', 6, 'no "("'],
    ['()', 1, 'empty parentheses'],
    ['"entity list', 1, 'closing quote'],
    ['a "b', 3, 'closing quote'],
    ['a AND', 3, 'AND needs a term after it'],
    ['a AND )', 3, 'AND needs a term after it'],
    ['OR a', 1, 'OR needs a term before it'],
    ['a OR OR b', 3, 'OR needs a term after it'],
    ['NOT', 1, 'NOT needs a term after it'],
    ['a NOT', 3, 'NOT needs a term after it'],
    ['a NEAR/3', 3, 'needs a word, phrase or prefix after it'],
    ['NEAR/3 a', 1, 'NEAR needs a term before it'],
    ['foo:bar', 1, 'unknown field "foo"'],
    ['x Headline:y', 3, 'unknown field "Headline"'],
    ['note: x', 1, 'unknown field "note"'],
    ['headline: x', 1, 'must be followed directly'],
    ['x headline:', 3, 'must be followed directly'],
    ['(tag:)', 2, 'must be followed directly'],
    ['a*b', 2, '"*" may only end a word'],
    ['*ab', 1, '"*" may only end a word'],
    ['abc**', 4, '"*" may only end a word'],
    ['ab*', 1, 'a prefix must be'],
    ['*', 1, 'a prefix must be'],
    ['dual-us*', 1, 'a prefix must be'],
    ['tag:ex*', 5, 'a prefix must be'],
    ['&', 1, 'no letters or digits'],
    ['a - b', 3, 'no letters or digits'],
    ['a "&"', 3, 'no letters or digits'],
    ['a ""', 3, 'no letters or digits'],
    ['a NEAR/2 (b OR c)', 3, 'joins two words'],
    ['(a b) NEAR/2 c', 7, 'joins two words'],
    ['tag:x NEAR/2 y', 7, 'joins two words'],
    ['a NEAR/2 section:y', 3, 'joins two words'],
    ['a NEAR/2 -b', 3, 'needs a word, phrase or prefix after it'],
    ['a NEAR/2 b NEAR/2 c', 12, 'cannot be chained'],
    ['a NEAR/0 b', 3, 'between 1 and 100'],
    ['a NEAR/101 b', 3, 'between 1 and 100'],
    ['headline:(body:x)', 11, '"body:" cannot be used inside "headline:"'],
    ['tag:headline:x', 5, 'cannot be used inside'],
    ['NOT china', 1, 'needs a part that must be present'],
    ['a OR -b', 6, 'needs a part that must be present'],
    ['-a -b', 1, 'needs a part that must be present'],
    ['x OR (-y -z)', 7, 'needs a part that must be present'],
  ])('%j → column %i', (query, column, message) => {
    const error = errorOf(query);
    expect(error.column).toBe(column);
    expect(error.message).toContain(message);
  });

  it('shows the query with a caret under the column', () => {
    expect(errorOf('china AND').display).toBe('china AND\n      ^');
    expect(errorOf('a\tb*c').display).toBe('a b*c\n   ^');
  });

  it('counts columns in characters, not UTF-16 units', () => {
    expect(errorOf('😀 é 東京 a*b').column).toBe(9);
  });

  it('accepts double negation when a positive part remains', () => {
    expect(parseRule('NOT NOT china').ok).toBe(true);
    expect(parseRule('x OR (y NOT (z OR -w))').ok).toBe(true);
  });
});

describe('limits', () => {
  it('accepts 1,000 characters and rejects 1,001 at column 1001', () => {
    const words = Array.from({ length: 200 }, (_, i) => `w${String(i).padStart(3, '0')}`);
    const query = `${words.slice(0, 10).join(' OR ')} `.padEnd(1000, 'x');
    expect(parseRule(query).ok).toBe(true);
    const error = errorOf(`${query}y`);
    expect(error.column).toBe(1001);
    expect(error.message).toContain('1000 characters');
  });

  it('accepts 64 leaves and rejects the 65th at its column', () => {
    const leaves = Array.from({ length: 65 }, (_, i) => `t${i}`);
    expect(parseRule(leaves.slice(0, 64).join(' OR ')).ok).toBe(true);
    const query = leaves.join(' OR ');
    const error = errorOf(query);
    expect(error.column).toBe(query.indexOf('t64') + 1);
    expect(error.message).toContain('64 terms');
  });

  it('counts both operands of NEAR and every leaf under a field', () => {
    const pairs = Array.from({ length: 32 }, (_, i) => `a${i} NEAR/2 b${i}`).join(' OR ');
    expect(parseRule(pairs).ok).toBe(true);
    expect(parseRule(`${pairs} OR tag:(c OR d)`).ok).toBe(false);
  });
});
