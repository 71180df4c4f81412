import { recordRuleChange } from '../../../db/repositories/rule-change.repository.js';
import {
  countSubscriptions as countSubscriptionRows,
  deleteSubscription,
  insertSubscription,
  listSubscriptions as selectSubscriptions,
  setSubscriptionPaused,
} from '../../../db/repositories/subscription.repository.js';
import { updateSubscriptionSchedule } from '../../../db/repositories/subscription-batch.repository.js';
import { nextSendTime } from '../../domain/schedule.js';
import {
  applyScheduleRequest,
  type Cadence,
  DEFAULT_SEND_AT,
  DEFAULT_WEEKDAY,
  type ScheduleRequest,
  type Subscription,
  type SubscriptionListing,
  sameSchedule,
  scheduleConflict,
} from '../../domain/subscription.js';
import type { ServiceContext } from '../context.js';
import { InputError } from '../input-error.js';
import { ruleKey } from '../topics/rule-keys.js';
import { parseQueryOrThrow, requireTopic } from '../topics/topics.service.js';
import { createNextSendTimes } from './next-send-times.js';
import { requireReader } from './readers.service.js';

export interface SubscriptionRequest {
  email: string;
  topic?: string;
  query?: string;
  cadence: Cadence;
  sendAt?: string;
  weekday?: number;
  /** Daily only: skip weekends and observed US federal holidays. */
  weekdays?: boolean;
}

/** Makes a reader follow a topic or their own query at a cadence. */
export async function subscribe(
  ctx: ServiceContext,
  request: SubscriptionRequest,
): Promise<Subscription> {
  if ((request.topic === undefined) === (request.query === undefined)) {
    throw new InputError('follow either a topic or a query of their own', { field: 'topic' });
  }
  const weekdays = request.weekdays ?? false;
  // A weekly digest already has its day, an alert goes at once: no time, day or weekdays.
  const conflict = scheduleConflict(request.cadence, request);
  if (conflict) throw new InputError(conflict.reason, { field: conflict.field });
  const reader = await requireReader(ctx, request.email);
  let topicId: number | null = null;
  if (request.topic !== undefined) {
    topicId = (await requireTopic(ctx, request.topic, 'topic')).id;
    const existing = await selectSubscriptions(ctx.db, reader.email);
    if (existing.some((s) => s.topicId === topicId)) {
      throw new InputError(`${reader.email} already follows "${request.topic}"`, {
        field: 'topic',
        problem: 'exists',
      });
    }
  } else {
    parseQueryOrThrow(request.query as string, 'query');
  }
  const sendAt = request.sendAt ?? DEFAULT_SEND_AT;
  const weekday = request.cadence === 'weekly' ? (request.weekday ?? DEFAULT_WEEKDAY) : null;
  const now = ctx.now();
  const nextDueAt =
    request.cadence === 'instant'
      ? null
      : nextSendTime({ cadence: request.cadence, sendAt, weekday, weekdays, tz: reader.tz }, now);
  const fields = {
    readerId: reader.id,
    topicId,
    query: request.query ?? null,
    cadence: request.cadence,
    sendAt,
    weekday,
    weekdays,
    nextDueAt,
  };
  // A custom query is a rule of its own: it enters the change log with the subscription.
  return ctx.db.transaction().execute(async (trx) => {
    const subscription = await insertSubscription(trx, fields, now);
    if (subscription.query !== null) {
      await recordRuleChange(trx, ruleKey.subscription(subscription.id), subscription.query, now);
    }
    return subscription;
  });
}

/** Pauses, resumes or removes a reader's subscriptions (all of them, or one topic's). */
export async function changeSubscriptions(
  ctx: ServiceContext,
  email: string,
  topic: string | undefined,
  action: 'pause' | 'resume' | 'remove',
): Promise<number> {
  const reader = await requireReader(ctx, email);
  const subs = (await selectSubscriptions(ctx.db, reader.email)).filter(
    (s) => topic === undefined || s.topicSlug === topic,
  );
  if (subs.length === 0)
    throw new InputError(`${email} has no subscription${topic ? ` to "${topic}"` : ''}`);
  // Pausing leaves the rule in the index: matching skips paused subscriptions.
  await ctx.db.transaction().execute(async (trx) => {
    for (const sub of subs) {
      if (action !== 'remove') {
        await setSubscriptionPaused(trx, sub.id, action === 'pause');
        continue;
      }
      await deleteSubscription(trx, sub.id);
      if (sub.query !== null)
        await recordRuleChange(trx, ruleKey.subscription(sub.id), null, ctx.now());
    }
  });
  return subs.length;
}

/**
 * Subscriptions of one reader, or of everyone, with the rule each follows (at most `limit`
 * when given).
 */
export async function listSubscriptions(
  ctx: ServiceContext,
  email?: string,
  options: { limit?: number | null } = {},
): Promise<SubscriptionListing[]> {
  return selectSubscriptions(ctx.db, email, options.limit ?? null);
}

/** How many subscriptions {@link listSubscriptions} would list without a limit. */
export async function countSubscriptions(ctx: ServiceContext, email?: string): Promise<number> {
  return countSubscriptionRows(ctx.db, email);
}

/**
 * Changes when a reader's follow of a topic is sent: only what the request gives, the rest
 * kept; the next send time is computed again. Options that make no sense together (a send
 * time for an instant alert, a day for a daily digest) are refused.
 */
export async function updateSubscription(
  ctx: ServiceContext,
  email: string,
  topic: string,
  request: ScheduleRequest,
): Promise<{ subscription: Subscription; changed: boolean }> {
  const reader = await requireReader(ctx, email);
  const current = (await selectSubscriptions(ctx.db, reader.email)).find(
    (s) => s.topicSlug === topic,
  );
  if (!current)
    throw new InputError(`${reader.email} does not follow "${topic}"`, {
      field: 'topic',
      problem: 'not-found',
    });
  const schedule = applyScheduleRequest(current, request);
  if ('conflict' in schedule)
    throw new InputError(schedule.conflict.reason, { field: schedule.conflict.field });
  if (sameSchedule(schedule, current)) return { subscription: current, changed: false };
  const nextDueAt = createNextSendTimes(ctx.now()).of(schedule, reader.tz);
  const subscription = await updateSubscriptionSchedule(ctx.db, current.id, {
    ...schedule,
    nextDueAt,
  });
  return { subscription, changed: true };
}
