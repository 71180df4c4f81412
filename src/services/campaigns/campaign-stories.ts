import type { Db } from '../../../db/connection.js';
import { listStories } from '../../../db/repositories/story.repository.js';
import { listTopics } from '../../../db/repositories/topic.repository.js';
import type { Campaign } from '../../domain/campaign.js';
import { parseAudience } from '../../domain/campaign-audience.js';
import { type EmailStory, toEmailStory } from '../../domain/digest-content.js';
import {
  evaluateRule,
  type ParsedRule,
  parseRule,
  type TokenizedStory,
  tokenizeStory,
} from '../../domain/rules/index.js';
import type { StoredStory } from '../../domain/stored-story.js';

/** Invitations choose among this many of the newest stories. */
const POOL_SIZE = 500;
/** A pool is read again after this long, so a long campaign shows stories published meanwhile. */
const POOL_LIFETIME_MS = 60_000;

/**
 * The recent stories a campaign's invitations are made of, with each topic's matches worked
 * out once (on first use) and shared by every recipient who follows it.
 */
export interface StoryPool {
  /** Newest first. */
  stories: readonly StoredStory[];
  byExternalId: ReadonlyMap<string, StoredStory>;
  topicNames: ReadonlyMap<number, string>;
  /** Indexes into `stories` of those the topic's query matches, newest first. */
  matchesOfTopic(topicId: number): readonly number[];
  /** The same for the campaign's interest query; null when it has none. */
  interestMatches: readonly number[] | null;
}

type PoolEntry = { at: number; pool: Promise<StoryPool> };
const pools = new WeakMap<Db, Map<number, PoolEntry>>();

/** The campaign's story pool, read at most once a minute per process. */
export function loadStoryPool(
  db: Db,
  campaign: Pick<Campaign, 'id' | 'audience'>,
): Promise<StoryPool> {
  let byCampaign = pools.get(db);
  if (!byCampaign) {
    byCampaign = new Map();
    pools.set(db, byCampaign);
  }
  const hit = byCampaign.get(campaign.id);
  if (hit && Date.now() - hit.at < POOL_LIFETIME_MS) return hit.pool;
  const pool = readStoryPool(db, campaign);
  byCampaign.set(campaign.id, { at: Date.now(), pool });
  pool.catch(() => byCampaign.delete(campaign.id));
  return pool;
}

async function readStoryPool(db: Db, campaign: Pick<Campaign, 'audience'>): Promise<StoryPool> {
  const stories = await listStories(db, { limit: POOL_SIZE });
  const topics = await listTopics(db);
  const tokenized: TokenizedStory[] = stories.map(tokenizeStory);
  const matchAll = (rule: ParsedRule) =>
    tokenized.flatMap((story, i) => (evaluateRule(rule, story) ? [i] : []));
  const rules = new Map<number, ParsedRule | null>();
  for (const topic of topics) {
    const parsed = parseRule(topic.query);
    rules.set(topic.id, parsed.ok ? parsed.rule : null);
  }
  const topicMatches = new Map<number, number[]>();
  const audience = parseAudience(campaign.audience);
  const interest =
    audience.ok && audience.filter.interest ? parseRule(audience.filter.interest) : null;
  return {
    stories,
    byExternalId: new Map(stories.map((story) => [story.externalId, story])),
    topicNames: new Map(topics.map((topic) => [topic.id, topic.name])),
    matchesOfTopic(topicId) {
      let found = topicMatches.get(topicId);
      if (!found) {
        const rule = rules.get(topicId);
        found = rule ? matchAll(rule) : [];
        topicMatches.set(topicId, found);
      }
      return found;
    },
    interestMatches: interest?.ok ? matchAll(interest.rule) : null,
  };
}

/**
 * The `count` newest stories on a reader's interests: those matching the topics they follow,
 * else those matching the campaign's interest query, else simply the newest.
 */
export function pickStories(
  pool: StoryPool,
  topicIds: readonly number[],
  count: number,
): StoredStory[] {
  const fromTopics = new Set<number>();
  for (const topicId of topicIds) for (const i of pool.matchesOfTopic(topicId)) fromTopics.add(i);
  let chosen: number[];
  if (fromTopics.size > 0) chosen = [...fromTopics].sort((a, b) => a - b);
  else if (pool.interestMatches && pool.interestMatches.length > 0)
    chosen = [...pool.interestMatches];
  else chosen = pool.stories.map((_, i) => i);
  return chosen.slice(0, count).map((i) => pool.stories[i] as StoredStory);
}

/** Stories as the invitation shows them, each with the followed topics it matched. */
export function toInvitationStories(
  pool: StoryPool,
  storyIds: readonly string[],
  topicIds: readonly number[],
): EmailStory[] {
  return storyIds.flatMap((id) => {
    const story = pool.byExternalId.get(id);
    if (!story) return [];
    const index = pool.stories.indexOf(story);
    const matched = topicIds
      .filter((topicId) => pool.matchesOfTopic(topicId).includes(index))
      .map((topicId) => pool.topicNames.get(topicId) ?? '')
      .filter(Boolean);
    return [toEmailStory(story, matched)];
  });
}
