import {
  findConsentingReaders,
  findReadersFollowing,
  findReadersSentStories,
  findSentStoryIds,
} from '../../../db/repositories/campaign-audience.repository.js';
import {
  findInvitedDomains,
  findRecentlyContacted,
  findSuppressedAmong,
} from '../../../db/repositories/campaign-recipient.repository.js';
import { findStoriesByIds } from '../../../db/repositories/story.repository.js';
import { findTopicBySlug } from '../../../db/repositories/topic.repository.js';
import {
  type Campaign,
  checkEligibility,
  isProspect,
  type SkipReason,
} from '../../domain/campaign.js';
import {
  type AudienceFilter,
  isInDomains,
  PROSPECT_PLANS,
  parseAudience,
} from '../../domain/campaign-audience.js';
import { emailDomain, type Reader } from '../../domain/reader.js';
import { evaluateRule, tokenizeStory } from '../../domain/rules/index.js';
import type { ServiceContext } from '../context.js';
import { InputError } from '../input-error.js';
import { readSiteLicenses } from '../shared-reads.js';
import { parseQueryOrThrow, requireTopic } from '../topics/topics.service.js';

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
  for (const slug of filter.topics ?? []) await requireTopic(ctx, slug, 'audience');
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

/** How many prospects a campaign's filters select now (before the checks at send time). */
export async function countAudience(ctx: ServiceContext, audience: string | null): Promise<number> {
  return (await selectAudience(ctx, audience)).length;
}

/** Why a recipient is left out at send time, in words. */
const LEFT_OUT_BECAUSE: Record<Exclude<SkipReason, 'reader-removed' | 'no-stories'>, string> = {
  suppressed: 'the address is suppressed',
  unsubscribed: 'they unsubscribed',
  'no-consent': 'no marketing consent on record (with its source and time)',
  'has-access': 'they have full access (a subscription, an active trial or a site license)',
  'domain-already-invited': 'someone at their domain was invited already (--one-per-domain)',
  cooldown: 'another campaign reached them within CAMPAIGN_COOLDOWN',
};

/**
 * Why a campaign would not invite a reader now, each reason in words; none when it would.
 * The same rules as the audience ({@link selectAudience}) and the step's checks before each
 * invitation (suppression, consent, access, one per domain, cooldown), for one reader: a
 * preview of someone outside the audience says so rather than render "you asked to hear
 * from us" as if it were true.
 */
export async function whyNotInvited(
  ctx: ServiceContext,
  campaign: Campaign,
  reader: Reader,
): Promise<string[]> {
  const filter = await readAudienceFilter(ctx, campaign.audience);
  const now = ctx.now();
  const licenses = await readSiteLicenses(ctx.db);
  const suppressed = (await findSuppressedAmong(ctx.db, [reader.email])).has(reader.email);
  const reasons: string[] = [];
  const skip = checkEligibility({ reader, licenses, suppressed, now });
  if (skip && skip in LEFT_OUT_BECAUSE)
    reasons.push(LEFT_OUT_BECAUSE[skip as keyof typeof LEFT_OUT_BECAUSE]);
  const plans: readonly string[] = filter.plans ?? PROSPECT_PLANS;
  if (!plans.includes(reader.plan))
    reasons.push(`plan ${reader.plan} is not invited (the audience's plans: ${plans.join(', ')})`);
  else if (skip !== 'has-access' && !isProspect(reader, licenses, now))
    reasons.push(LEFT_OUT_BECAUSE['has-access']);
  const day = (date: Date) => date.toISOString().slice(0, 10);
  if (filter.signedUpAfter && reader.createdAt < filter.signedUpAfter)
    reasons.push(`signed up ${day(reader.createdAt)}, before signed-up-after`);
  if (filter.signedUpBefore && reader.createdAt >= filter.signedUpBefore)
    reasons.push(`signed up ${day(reader.createdAt)}, not before signed-up-before`);
  if (filter.domains && !isInDomains(reader.email, filter.domains))
    reasons.push(`the address is not at ${filter.domains.join(', ')}`);
  if (filter.topics) {
    const ids: number[] = [];
    for (const slug of filter.topics) {
      const topic = await findTopicBySlug(ctx.db, slug);
      if (topic) ids.push(topic.id);
    }
    if (!(await findReadersFollowing(ctx.db, ids)).has(reader.id))
      reasons.push(`they follow none of the topics ${filter.topics.join(', ')}`);
  }
  if (filter.interest && !(await findReadersInterestedIn(ctx, filter.interest)).has(reader.id))
    reasons.push('they were sent no story the interest query matches');
  if (campaign.onePerDomain) {
    const domain = emailDomain(reader.email);
    if ((await findInvitedDomains(ctx.db, campaign.id, [domain])).has(domain))
      reasons.push(LEFT_OUT_BECAUSE['domain-already-invited']);
  }
  const cutoff = new Date(now.getTime() - ctx.settings.campaignCooldownMs);
  if ((await findRecentlyContacted(ctx.db, [reader.id], cutoff)).has(reader.id))
    reasons.push(LEFT_OUT_BECAUSE.cooldown);
  return reasons;
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
