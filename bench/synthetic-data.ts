/**
 * Seeded synthetic news and rules for the matcher benchmark. Stories mix a few topics
 * with a Zipf-distributed background vocabulary (~600 tokens each); rules are written
 * about one topic: 1-3 AND-groups joined by OR, with optional NOT, phrases, prefixes,
 * field-qualified words, tags, sections and NEAR.
 */
import type { MatchableStory } from '../src/domain/story.js';

export type Random = () => number;

/** mulberry32: small, fast and reproducible. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = [
  'ka',
  'to',
  'ri',
  'men',
  'sa',
  'lo',
  'ven',
  'dra',
  'pi',
  'nu',
  'te',
  'qua',
  'zor',
  'bel',
  'fi',
  'mar',
  'gu',
  'sten',
  'ol',
  'cha',
  're',
  'vi',
  'den',
  'pol',
  'tu',
  'ex',
  'por',
  'an',
  'sib',
  'cor',
  'li',
  'na',
  'mo',
  'tra',
  'gen',
  'ul',
  'ber',
  'so',
  'ni',
  'ca',
];
const SECTIONS = [
  'World',
  'Trade Policy',
  'Sanctions',
  'Export Controls',
  'Customs',
  'Markets',
  'Opinion',
  'Energy',
  'Technology',
  'Asia',
  'Europe',
  'Americas',
];

const VOCABULARY_SIZE = 40_000;
const TOPIC_COUNT = 3000;
const TOPIC_WORDS = 60;
const TOPIC_PHRASES = 6;
/** Readers' own queries skip the commonest words, which no one alerts on. */
const READER_RANK_OFFSET = 270;

/** Cumulative weights for sampling ranks 0..n-1 with probability ∝ 1 / (rank + 1)^s. */
export function zipfTable(n: number, s: number): Float64Array {
  const table = new Float64Array(n);
  let sum = 0;
  for (let rank = 0; rank < n; rank++) {
    sum += 1 / (rank + 1) ** s;
    table[rank] = sum;
  }
  for (let rank = 0; rank < n; rank++) table[rank]! /= sum;
  return table;
}

/** A rank drawn from a {@link zipfTable}. */
export function sampleRank(table: Float64Array, random: Random): number {
  const target = random();
  let low = 0;
  let high = table.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (table[middle]! < target) low = middle + 1;
    else high = middle;
  }
  return low;
}

interface Topic {
  words: string[];
  phrases: Array<[string, string]>;
  tag: string;
  section: string;
}

/** The vocabulary, topics and samplers shared by stories and rules. */
export class SyntheticNews {
  readonly words: string[];
  private readonly topics: Topic[];
  private readonly background = zipfTable(VOCABULARY_SIZE, 1.05);
  private readonly withinTopic = zipfTable(TOPIC_WORDS, 0.8);
  private readonly topicPopularity = zipfTable(TOPIC_COUNT, 0.6);
  private readonly readerVocabulary = zipfTable(20_000, 1);

  constructor(seed: number) {
    const random = createRandom(seed);
    const seen = new Set<string>();
    this.words = [];
    while (this.words.length < VOCABULARY_SIZE) {
      const length = 2 + Math.floor(random() * 3);
      let word = '';
      for (let i = 0; i < length; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
      if (!seen.has(word) && !/s$/.test(word)) {
        seen.add(word);
        this.words.push(word);
      }
    }
    this.topics = [];
    for (let t = 0; t < TOPIC_COUNT; t++) {
      // Topic words are neither the commonest words nor unheard of.
      const words = Array.from(
        { length: TOPIC_WORDS },
        () => this.words[1000 + Math.floor(random() * 20_000)]!,
      );
      const phrases = Array.from(
        { length: TOPIC_PHRASES },
        () =>
          [words[Math.floor(random() * 10)]!, words[Math.floor(random() * TOPIC_WORDS)]!] as [
            string,
            string,
          ],
      );
      this.topics.push({
        words,
        phrases,
        tag: `${words[0]} ${words[1]}`,
        section: SECTIONS[t % SECTIONS.length]!,
      });
    }
  }

  private pickTopic(random: Random): Topic {
    return this.topics[sampleRank(this.topicPopularity, random)]!;
  }

  private topicWord(topic: Topic, random: Random): string {
    return topic.words[sampleRank(this.withinTopic, random)]!;
  }

  /** One story of about 600 tokens about one to three topics. */
  story(random: Random): MatchableStory {
    const topicCount = 1 + Math.floor(random() * random() * 3);
    const topics = Array.from({ length: topicCount }, () => this.pickTopic(random));
    const text = (tokens: number, topicShare: number): string => {
      const parts: string[] = [];
      while (parts.length < tokens) {
        const r = random();
        const topic = topics[Math.floor(random() * topics.length)]!;
        if (r < 0.02) {
          const [a, b] = topic.phrases[Math.floor(random() * TOPIC_PHRASES)]!;
          parts.push(a, b);
          continue;
        }
        let word =
          r < topicShare
            ? this.topicWord(topic, random)
            : this.words[sampleRank(this.background, random)]!;
        // Plurals and capitals exercise stemming and normalization.
        if (random() < 0.15) word += 's';
        if (random() < 0.05) word = word[0]!.toUpperCase() + word.slice(1);
        parts.push(random() < 0.08 ? `${word},` : word);
      }
      return parts.join(' ');
    };
    const tags = topics.map((topic) => topic.tag);
    if (random() < 0.3) tags.push(this.pickTopic(random).tag);
    return {
      headline: text(10, 0.4),
      summary: text(40, 0.2),
      body: text(550, 0.1),
      tags,
      section: random() < 0.9 ? topics[0]!.section : null,
    };
  }

  /** One rule query about one topic. */
  rule(random: Random): string {
    const topic = this.pickTopic(random);
    const r = random();
    const groupCount = r < 0.6 ? 1 : r < 0.9 ? 2 : 3;
    const groups: string[] = [];
    for (let g = 0; g < groupCount; g++) {
      const t = random();
      const termCount = t < 0.15 ? 1 : t < 0.7 ? 2 : 3;
      const terms: string[] = [];
      // A group's first term is a word or phrase; sections and tags only narrow it.
      for (let i = 0; i < termCount; i++) terms.push(this.term(topic, random, i === 0));
      if (random() < 0.2) {
        terms.push(
          random() < 0.8
            ? `-${this.words[100 + Math.floor(random() * 5000)]}`
            : `NOT section:"${SECTIONS[Math.floor(random() * SECTIONS.length)]}"`,
        );
      }
      const group = terms.join(random() < 0.5 ? ' ' : ' AND ');
      groups.push(groupCount > 1 && terms.length > 1 ? `(${group})` : group);
    }
    return groups.join(' OR ');
  }

  /**
   * One query a reader writes for themselves (the Google Alerts case): 1-3 words drawn
   * from the background vocabulary's Zipf law past its commonest ranks, with phrases,
   * prefixes, headline words, NEAR and NOT. About 1.3 % of such rules match a story, with
   * about two candidates per match under anchors chosen by term length (`bulletin match`).
   */
  readerQuery(random: Random): string {
    const groupCount = random() < 0.6 ? 1 : 2;
    const groups: string[] = [];
    for (let g = 0; g < groupCount; g++) {
      const t = random();
      const termCount = t < 0.12 ? 1 : t < 0.6 ? 2 : 3;
      const terms = Array.from({ length: termCount }, () => this.readerTerm(random));
      if (random() < 0.3) terms.push(`-${this.readerWord(random)}`);
      const group = terms.join(' ');
      groups.push(groupCount > 1 && termCount > 1 ? `(${group})` : group);
    }
    return groups.join(' OR ');
  }

  private readerWord(random: Random): string {
    return this.words[READER_RANK_OFFSET + sampleRank(this.readerVocabulary, random)]!;
  }

  private readerTerm(random: Random): string {
    const r = random();
    const word = this.readerWord(random);
    if (r < 0.7) return random() < 0.2 ? `${word}s` : word;
    if (r < 0.82) return `"${word} ${this.readerWord(random)}"`;
    if (r < 0.9) return `${word.slice(0, Math.max(5, word.length - 2))}*`;
    if (r < 0.95) return `headline:${word}`;
    return `${word} NEAR/10 ${this.readerWord(random)}`;
  }

  private term(topic: Topic, random: Random, first: boolean): string {
    const r = first ? random() * 0.78 : random();
    const word = this.topicWord(topic, random);
    if (r < 0.66) return random() < 0.2 ? `${word}s` : word;
    if (r < 0.78) {
      const [a, b] = topic.phrases[Math.floor(random() * TOPIC_PHRASES)]!;
      return `"${a} ${b}"`;
    }
    // Readers truncate long words (`semiconductor*`), rarely below five letters.
    if (r < 0.86) return `${word.slice(0, Math.max(5, word.length - 2))}*`;
    if (r < 0.91) return `headline:${word}`;
    if (r < 0.95) return `tag:"${topic.tag}"`;
    if (r < 0.97) return `section:"${topic.section}"`;
    return `${word} NEAR/10 ${this.topicWord(topic, random)}`;
  }
}
