import {
  findConsentingReaders,
  findReadersFollowing,
  findReadersSentStories,
  findSentStoryIds,
} from '../../../db/repositories/campaign-audience.repository.js';
import { findStoriesByIds } from '../../../db/repositories/story.repository.js';
import { findTopicBySlug } from '../../../db/repositories/topic.repository.js';
import { isProspect } from '../../domain/campaign.js';
import {
  type AudienceFilter,
  isInDomains,
  PROSPECT_PLANS,
  parseAudience,
} from '../../domain/campaign-audience.js';
import type { Reader } from '../../domain/reader.js';
import { evaluateRule, tokenizeStory } from '../../domain/rules/index.js';
import type { ServiceContext } from '../context.js';
import { InputError } from '../input-error.js';
import { readSiteLicenses } from '../shared-reads.js';
import { parseQueryOrThrow } from '../topics/topics.service.js';

const STORY_BATCH = 500;

/** Reads and checks a campaign's audience filters: unknown topics and bad queries are errors. */
export async function readAudienceFilter(
  ctx: ServiceContext,
  text: string | null,
): Promise<AudienceFilter> {
  const parsed = parseAudience(text);
  if (!parsed.ok) throw new InputError(parsed.error, { field: 'audience' });
  const { filter } = parsed;
  if (filter.interest) parseQueryOrThrow(filter.interest, 'audience');
  for (const slug of filter.topics ?? []) {
    if (!(await findTopicBySlug(ctx.db, slug)))
      throw new InputError(`no topic "${slug}"`, { field: 'audience' });
  }
  return filter;
}

/**
 * Who a campaign goes to now: prospects (plan prospect or free, or a trial that has ended)
 * with marketing consent on record, no full access (subscriber, active trial, site license),
 * and every filter of the audience met.
 */
export async function selectAudience(
  ctx: ServiceContext,
  audience: string | null,
): Promise<Reader[]> {
  const filter = await readAudienceFilter(ctx, audience);
  const now = ctx.now();
  const licenses = await readSiteLicenses(ctx.db);
  let readers = (
    await findConsentingReaders(ctx.db, {
      plans: filter.plans ?? PROSPECT_PLANS,
      signedUpAfter: filter.signedUpAfter,
      signedUpBefore: filter.signedUpBefore,
    })
  ).filter((reader) => reader.consentSource?.trim() && isProspect(reader, licenses, now));
  if (filter.domains) {
    const domains = filter.domains;
    readers = readers.filter((reader) => isInDomains(reader.email, domains));
  }
  if (filter.topics) {
    const ids: number[] = [];
    for (const slug of filter.topics) {
      const topic = await findTopicBySlug(ctx.db, slug);
      if (topic) ids.push(topic.id);
    }
    const following = await findReadersFollowing(ctx.db, ids);
    readers = readers.filter((reader) => following.has(reader.id));
  }
  if (filter.interest) {
    const interested = await findReadersInterestedIn(ctx, filter.interest);
    readers = readers.filter((reader) => interested.has(reader.id));
  }
  return readers;
}

/** Readers who were sent at least one story the query matches. */
async function findReadersInterestedIn(ctx: ServiceContext, query: string): Promise<Set<number>> {
  const rule = parseQueryOrThrow(query, 'audience');
  const sent = await findSentStoryIds(ctx.db);
  const matching: number[] = [];
  for (let i = 0; i < sent.length; i += STORY_BATCH) {
    for (const story of await findStoriesByIds(ctx.db, sent.slice(i, i + STORY_BATCH)))
      if (evaluateRule(rule, tokenizeStory(story))) matching.push(story.id);
  }
  return findReadersSentStories(ctx.db, matching);
}
