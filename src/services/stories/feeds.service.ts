import {
  deleteFeed,
  findFeed,
  insertFeed,
  listFeeds as listFeedRows,
  recordFeedFailure,
  recordFeedSuccess,
} from '../../../db/repositories/feed.repository.js';
import { countTableRows } from '../../../db/repositories/table-count.js';
import { FeedFetchError, type FeedFetcher } from '../../adapters/feed-fetcher.js';
import { maskUrlPassword } from '../../config/redact.js';
import { stripControlCharacters } from '../../domain/clean-text.js';
import { FEED_EVERY_LIMITS, type Feed, formatInterval } from '../../domain/feed.js';
import { cleanOneLine, type StoryAccess, type StoryRecord } from '../../domain/story.js';
import type { FlowContext, ServiceContext } from '../context.js';
import { InputError } from '../input-error.js';
import { NotAFeedError, readFeedItems } from './feed-items.js';
import { publishStories } from './publish-story.service.js';

/** Where each feed's polling is scheduled (a BullMQ job scheduler per feed). */
export interface FeedSchedule {
  schedule(feed: Pick<Feed, 'id' | 'everyMs'>): Promise<void>;
  unschedule(feedId: number): Promise<void>;
}

/** What polling needs: the flow (to store and match stories) and the fetcher. */
export interface FeedPollContext extends FlowContext {
  fetcher: FeedFetcher;
}

export interface FeedContext extends FeedPollContext {
  feedSchedule: FeedSchedule;
}

export interface NewFeedRequest {
  url: string;
  everyMs: number;
  section?: string | undefined;
  access?: StoryAccess | undefined;
  tags?: string[] | undefined;
}

/** Adds a feed and schedules its polling. The URL must be http(s); each URL once. */
export async function addFeed(ctx: FeedContext, request: NewFeedRequest): Promise<Feed> {
  if (!URL.canParse(request.url) || !/^https?:$/.test(new URL(request.url).protocol)) {
    throw new InputError(`not an http(s) URL: ${maskUrlPassword(request.url)}`, { field: 'url' });
  }
  if (request.everyMs < FEED_EVERY_LIMITS.minMs || request.everyMs > FEED_EVERY_LIMITS.maxMs) {
    throw new InputError(
      `a feed is polled between every ${formatInterval(FEED_EVERY_LIMITS.minMs)} and every ${formatInterval(FEED_EVERY_LIMITS.maxMs)}`,
      { field: 'every' },
    );
  }
  const tags = (request.tags ?? []).map(cleanOneLine).filter(Boolean);
  const feed = await insertFeed(
    ctx.db,
    {
      url: request.url,
      everyMs: request.everyMs,
      section: request.section ? cleanOneLine(request.section) || null : null,
      access: request.access ?? 'subscriber',
      tags,
    },
    ctx.now(),
  );
  if (!feed)
    throw new InputError(`a feed with this URL exists: ${maskUrlPassword(request.url)}`, {
      field: 'url',
      problem: 'exists',
    });
  await ctx.feedSchedule.schedule(feed);
  ctx.log.info({ event: 'feed.added', feed: feed.id, url: maskUrlPassword(feed.url) });
  return feed;
}

/** Every feed, in the order they were added; at most `limit` when given. */
export async function listFeeds(
  ctx: ServiceContext,
  options: { limit?: number | null } = {},
): Promise<Feed[]> {
  return listFeedRows(ctx.db, options.limit ?? null);
}

/** How many feeds there are. */
export async function countFeeds(ctx: ServiceContext): Promise<number> {
  return countTableRows(ctx.db, 'feeds');
}

/** Removes a feed and its schedule; its stories stay. */
export async function removeFeed(ctx: FeedContext, id: number): Promise<void> {
  await ctx.feedSchedule.unschedule(id);
  if (!(await deleteFeed(ctx.db, id)))
    throw new InputError(`no feed ${id}`, { field: 'feed', problem: 'not-found' });
  ctx.log.info({ event: 'feed.removed', feed: id });
}

/** Makes sure every feed has its schedule (Redis may have come back empty). */
export async function scheduleAllFeeds(ctx: FeedContext): Promise<number> {
  const feeds = await listFeedRows(ctx.db);
  for (const feed of feeds) await ctx.feedSchedule.schedule(feed);
  return feeds.length;
}

export type FeedPollReport =
  | { feedId: number; url: string; status: 'not-modified' }
  | {
      feedId: number;
      url: string;
      status: 'polled';
      items: number;
      created: number;
      updated: number;
      unchanged: number;
      rejected: { position: string; error: string }[];
    }
  | {
      feedId: number;
      url: string;
      status: 'failed';
      error: string;
      retryable: boolean;
      /** When the feed was read but none of its items could be a story: each, and why. */
      rejected?: { position: string; error: string }[];
    };

/**
 * Polls one feed once: a conditional GET, its items stored as stories (new ones matched;
 * a changed one updated without being sent again), the outcome recorded on the feed. A
 * failure is reported and recorded, never thrown: one feed's trouble is its own.
 */
export async function pollFeed(ctx: FeedPollContext, feedId: number): Promise<FeedPollReport> {
  const feed = await findFeed(ctx.db, feedId);
  if (!feed) throw new InputError(`no feed ${feedId}`, { field: 'feed', problem: 'not-found' });
  const base = { feedId: feed.id, url: feed.url };
  try {
    const response = await ctx.fetcher.fetch(feed.url, {
      etag: feed.etag,
      lastModified: feed.lastModified,
    });
    if (response.status === 'not-modified') {
      await recordFeedSuccess(ctx.db, feed.id, null, ctx.now());
      ctx.log.info({ event: 'feed.not_modified', feed: feed.id });
      return { ...base, status: 'not-modified' };
    }
    const records = readFeedItems(response.body, feed, { now: ctx.now() });
    if (records.length > 0 && records.every((record) => !record.ok))
      return await failAllRejected(ctx, feed, records);
    // A changed item is an update: never `realert`, so never sent again.
    const report = await publishStories(ctx, records);
    await recordFeedSuccess(ctx.db, feed.id, response.validators, ctx.now());
    ctx.log.info({
      event: 'feed.polled',
      feed: feed.id,
      items: records.length,
      created: report.created,
      updated: report.updated,
      rejected: report.rejected.length,
    });
    for (const rejection of report.rejected)
      ctx.log.warn({
        event: 'feed.item_rejected',
        feed: feed.id,
        item: rejection.position,
        error: rejection.error,
      });
    return {
      ...base,
      status: 'polled',
      items: records.length,
      created: report.created,
      updated: report.updated + report.realerted,
      unchanged: report.unchanged,
      rejected: report.rejected.map(({ position, error }) => ({ position, error })),
    };
  } catch (error) {
    if (!(error instanceof FeedFetchError) && !(error instanceof NotAFeedError)) throw error;
    const retryable = error instanceof FeedFetchError ? error.retryable : true;
    // A parser's message may quote the answer: whatever it holds, it is shown as one line.
    const message = stripControlCharacters(error.message).slice(0, 500);
    await recordFeedFailure(ctx.db, feed.id, message, ctx.now());
    ctx.log.warn({ event: 'feed.failed', feed: feed.id, error: message });
    return { ...base, status: 'failed', error: message, retryable };
  }
}

/**
 * A feed whose every item was rejected gave no story: that is a failing feed (a changed
 * template, links gone missing), recorded as its last error like any other, not a success.
 * Waiting a minute will not mend it: it is not retried, and is polled at its next turn. Its
 * validators are not kept, so that poll reads the whole answer again.
 */
async function failAllRejected(
  ctx: FeedPollContext,
  feed: Feed,
  records: StoryRecord[],
): Promise<FeedPollReport> {
  const rejected = records.flatMap((r) => (r.ok ? [] : [{ position: r.position, error: r.error }]));
  const first = rejected[0] as { position: string; error: string };
  const message = stripControlCharacters(
    `every item was rejected (${rejected.length}): ${first.position}: ${first.error}${rejected.length > 1 ? ' …' : ''}`,
  ).slice(0, 500);
  await recordFeedFailure(ctx.db, feed.id, message, ctx.now());
  ctx.log.warn({ event: 'feed.failed', feed: feed.id, error: message });
  return {
    feedId: feed.id,
    url: feed.url,
    status: 'failed',
    error: message,
    retryable: false,
    rejected,
  };
}
