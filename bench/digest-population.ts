/**
 * A seeded, reproducible population for the digest benchmark: topics written as rules about
 * the synthetic news of bench/synthetic-data.ts, readers spread over a dozen time zones who
 * follow a few topics each (popular topics have more followers), and one day of stories.
 * Readers are generated one at a time from their index, so 100,000 of them need no memory.
 */
import type { NewReader } from '../db/repositories/reader.repository.js';
import { parseRule } from '../src/domain/rules/index.js';
import { parseStory, type StoryInput } from '../src/domain/story.js';
import { createRandom, SyntheticNews, sampleRank, zipfTable } from './synthetic-data.js';

/** Twelve zones with twelve different UTC offsets in late November: twelve send instants. */
export const ZONES = [
  'Pacific/Auckland',
  'Australia/Sydney',
  'Asia/Tokyo',
  'Asia/Singapore',
  'Asia/Kolkata',
  'Asia/Dubai',
  'Europe/Moscow',
  'Europe/Berlin',
  'Europe/London',
  'America/Sao_Paulo',
  'America/New_York',
  'America/Los_Angeles',
] as const;

/** The stories' day (UTC); readers and matching happen at its end, digests on the next day. */
export const STORY_DAY = '2026-11-27';
export const SEED_AT = new Date('2026-11-28T00:00:00Z');

/**
 * A publisher's day: how many topics, stories and daily subscriptions a reader follows, tuned
 * on this generator to give about 6, 50 and 75 stories a reader (the mean; the median is a
 * little lower, a few readers get many more).
 */
export const POPULATIONS = {
  light: { topics: 1000, stories: 500, subscriptionsPerReader: 5 },
  morning: { topics: 1000, stories: 1750, subscriptionsPerReader: 10 },
  heavy: { topics: 1000, stories: 2800, subscriptionsPerReader: 10 },
} as const;

export interface PopulationOptions {
  readers: number;
  topics: number;
  stories: number;
  subscriptionsPerReader: number;
  seed: number;
}

export interface TopicSpec {
  slug: string;
  name: string;
  query: string;
}

export interface ReaderSpec {
  reader: NewReader;
  /** Slugs of the topics followed daily, all different. */
  topics: string[];
}

export class DigestPopulation {
  readonly topics: TopicSpec[];
  private readonly news: SyntheticNews;
  private readonly popularity: Float64Array;

  constructor(readonly options: PopulationOptions) {
    this.news = new SyntheticNews(options.seed);
    const random = createRandom(options.seed + 1);
    this.topics = [];
    while (this.topics.length < options.topics) {
      const query = this.news.rule(random);
      if (!parseRule(query).ok) continue;
      const n = this.topics.length + 1;
      this.topics.push({ slug: `topic-${n}`, name: `Topic ${n}`, query });
    }
    this.popularity = zipfTable(options.topics, 0.8);
    if (options.subscriptionsPerReader > options.topics)
      throw new Error('a reader cannot follow more topics than there are');
  }

  /** Reader `index` (0-based): half subscribers, half free readers, zones in turn. */
  reader(index: number): ReaderSpec {
    const random = createRandom(this.options.seed * 7919 + index * 104_729 + 3);
    const slugs = new Set<string>();
    while (slugs.size < this.options.subscriptionsPerReader)
      slugs.add(this.topics[sampleRank(this.popularity, random)]!.slug);
    return {
      reader: {
        email: `reader${index}@readers.example.com`,
        name: index % 7 === 0 ? null : `Reader ${index}`,
        plan: index % 2 === 0 ? 'subscriber' : 'free',
        trialEndsAt: null,
        tz: ZONES[index % ZONES.length]!,
        marketingConsent: false,
      },
      topics: [...slugs],
    };
  }

  /** The day's stories, published evenly over {@link STORY_DAY} (UTC), a third of them free. */
  stories(): StoryInput[] {
    const random = createRandom(this.options.seed + 2);
    const dayStart = Date.parse(`${STORY_DAY}T00:00:00Z`);
    const spacing = 86_400_000 / this.options.stories;
    return Array.from({ length: this.options.stories }, (_, i) => {
      const text = this.news.story(random);
      const headline = text.headline.charAt(0).toUpperCase() + text.headline.slice(1);
      const parsed = parseStory({
        id: `bench-${STORY_DAY}-${i + 1}`,
        url: `https://news.example.com/${STORY_DAY}/story-${i + 1}`,
        headline,
        summary: text.summary,
        body: text.body,
        section: text.section,
        tags: [...text.tags],
        publishedAt: new Date(dayStart + Math.floor(i * spacing)).toISOString(),
        access: i % 3 === 0 ? 'free' : 'subscriber',
      });
      if (!parsed.ok) throw new Error(`generated story ${i + 1} is invalid: ${parsed.error}`);
      return parsed.story;
    });
  }
}
