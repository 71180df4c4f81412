import type { MatchableStory } from '../../../src/domain/story.js';

// The benchmark's seeded PRNG (mulberry32), so every run draws the same rules and stories.
export { createRandom } from '../../../bench/synthetic-data.js';

// Few words, so rules and stories meet often; chosen for the stemming edge cases
// (ies/eies/aies, es/aes/ees/oes, us/ss, digits, short tokens) and Unicode.
const WORDS = [
  'sanction',
  'sanctions',
  'entity',
  'entities',
  'measure',
  'measures',
  'status',
  'class',
  'classes',
  'gas',
  'gases',
  'series',
  'sery',
  'algae',
  'algaes',
  'shoe',
  'shoes',
  'trees',
  'xeies',
  'xeie',
  'xaies',
  'g20',
  'g20s',
  'us',
  'u',
  's',
  'Café',
  'cafe',
  'CAFÉS',
  '東京',
  'trade',
  'trades',
  'export',
  'exports',
  'exporter',
  'control',
  'controls',
  'china',
  'russia',
  'oil',
  'tax',
  'taxes',
  'taxe',
  'news',
  'new',
  'uses',
  'use',
  'dual',
  'ties',
  'ty',
  'agency',
  'agencies',
  'bus',
  'buses',
  '10',
  '2024',
  'naïve',
  'naive',
  'Ｇ２０',
  'straße',
];
const TAGS = [
  'Export Controls',
  'Russia',
  'China trade',
  'U.S.',
  'sanctions',
  'Oil & gas',
  'export',
];
const SECTIONS = ['World', 'World News', 'Opinion', 'Markets', 'trade policy'];
const SEPARATORS = [' ', ' ', ' ', ' ', '-', '. ', ', ', "'", ' 😀 ', ':'];
const PREFIXABLE = WORDS.filter((word) => word.length >= 3 && !/[Ｇé東ß]/.test(word));

type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function randomCase(random: Random, word: string): string {
  const r = random();
  if (r < 0.15) return word.toUpperCase();
  if (r < 0.3) return word[0]!.toUpperCase() + word.slice(1);
  return word;
}

function randomText(random: Random, maxWords: number): string {
  const count = Math.floor(random() * (maxWords + 1));
  let text = '';
  for (let i = 0; i < count; i++) {
    if (i > 0) text += pick(random, SEPARATORS);
    text += randomCase(random, pick(random, WORDS));
  }
  return text;
}

/** A story made of the shared small vocabulary. */
export function randomStory(random: Random): MatchableStory {
  const tags: string[] = [];
  const tagCount = Math.floor(random() * 4);
  for (let i = 0; i < tagCount; i++) {
    tags.push(random() < 0.7 ? pick(random, TAGS) : randomText(random, 3));
  }
  return {
    headline: randomText(random, 8),
    summary: randomText(random, 14),
    body: randomText(random, 40),
    tags,
    section: random() < 0.3 ? null : pick(random, SECTIONS),
  };
}

function textLeaf(random: Random): string {
  const r = random();
  if (r < 0.45) return randomCase(random, pick(random, WORDS));
  if (r < 0.65) return `"${pick(random, WORDS)} ${pick(random, WORDS)}"`;
  if (r < 0.75)
    return `${pick(random, WORDS)}${pick(random, ['-', '.', ':'])}${pick(random, WORDS)}`;
  const word = pick(random, PREFIXABLE);
  return `${word.slice(0, 3 + Math.floor(random() * (word.length - 2)))}*`;
}

function leaf(random: Random, inField: boolean): string {
  const r = random();
  if (inField || r < 0.55) return textLeaf(random);
  if (r < 0.7) return `${pick(random, ['headline', 'summary', 'body'])}:${textLeaf(random)}`;
  if (r < 0.8) {
    const value = pick(random, TAGS);
    return random() < 0.3 ? `tag:${value.split(' ')[0]!.slice(0, 3)}*` : `tag:"${value}"`;
  }
  if (r < 0.87) return `section:"${pick(random, SECTIONS)}"`;
  if (r < 0.9) return `section:${pick(random, SECTIONS).slice(0, 3)}*`;
  const left = random() < 0.2 ? `body:${textLeaf(random)}` : textLeaf(random);
  return `${left} NEAR/${1 + Math.floor(random() * 6)} ${textLeaf(random)}`;
}

function expression(random: Random, depth: number, inField: boolean): string {
  const r = random();
  if (depth === 0 || r < 0.35) return leaf(random, inField);
  const child = () => expression(random, depth - 1, inField);
  if (r < 0.55) return `${child()} ${pick(random, ['', 'AND '])}${child()}`;
  if (r < 0.75) return `(${child()} OR ${child()})`;
  if (r < 0.85) return `${child()} ${pick(random, ['-', 'NOT '])}${child()}`;
  if (r < 0.9 && !inField) {
    const field = pick(random, ['headline', 'summary', 'body', 'tag', 'section']);
    return `${field}:(${expression(random, depth - 1, true)} OR ${leaf(random, true)})`;
  }
  return `(${child()})`;
}

/** A random query text; some are invalid (for example with no positive part). */
export function randomQuery(random: Random): string {
  return expression(random, 3, false);
}
