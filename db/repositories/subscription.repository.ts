import type { Selectable } from 'kysely';
import type { SubscriptionLabel } from '../../src/domain/digest-content.js';
import type { Cadence, Subscription, SubscriptionListing } from '../../src/domain/subscription.js';
import { chunk } from '../chunk.js';
import type { Db } from '../connection.js';
import { toBit, toBoolean, toDate, toDateOrNull, toIso } from '../mappers.js';
import { reusableQuery } from '../reusable-query.js';
import type { SubscriptionsTable } from '../schema.js';

export function toSubscription(row: Selectable<SubscriptionsTable>): Subscription {
  return {
    id: row.id,
    readerId: row.subscriber_id,
    topicId: row.topic_id,
    query: row.query,
    cadence: row.cadence,
    sendAt: row.send_at,
    weekday: row.weekday,
    weekdays: toBoolean(row.weekdays),
    paused: toBoolean(row.paused),
    nextDueAt: toDateOrNull(row.next_due_at),
    createdAt: toDate(row.created_at),
  };
}

export interface NewSubscription {
  readerId: number;
  topicId: number | null;
  query: string | null;
  cadence: Cadence;
  sendAt: string;
  weekday: number | null;
  weekdays: boolean;
  nextDueAt: Date | null;
}

export async function insertSubscription(
  db: Db,
  subscription: NewSubscription,
  now: Date,
): Promise<Subscription> {
  const row = await db
    .insertInto('subscriptions')
    .values({
      subscriber_id: subscription.readerId,
      topic_id: subscription.topicId,
      query: subscription.query,
      cadence: subscription.cadence,
      send_at: subscription.sendAt,
      weekday: subscription.weekday,
      weekdays: toBit(subscription.weekdays),
      paused: 0,
      next_due_at: subscription.nextDueAt && toIso(subscription.nextDueAt),
      created_at: toIso(now),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSubscription(row);
}

/** A subscription with the reader's email and the topic's slug, for listings. */
function subscriptionListing(db: Db) {
  return db
    .selectFrom('subscriptions')
    .innerJoin('subscribers', 'subscribers.id', 'subscriptions.subscriber_id')
    .leftJoin('topics', 'topics.id', 'subscriptions.topic_id')
    .selectAll('subscriptions')
    .select(['subscribers.email', 'topics.slug as topic_slug', 'topics.query as topic_query'])
    .orderBy('subscribers.email')
    .orderBy('subscriptions.id');
}

/** One reader's listing, read on every preferences page: built once. */
const readersSubscriptions = reusableQuery((db: Db, email: string) =>
  subscriptionListing(db).where('subscribers.email', '=', email),
);

/** One reader's subscriptions, or everyone's; `limit` null: all of them. */
export async function listSubscriptions(
  db: Db,
  email?: string,
  limit: number | null = null,
): Promise<SubscriptionListing[]> {
  // One reader's are few: the statement built once serves them, cut here.
  const rows = email
    ? (await readersSubscriptions(db, email)).rows.slice(0, limit ?? undefined)
    : await (limit === null
        ? subscriptionListing(db)
        : subscriptionListing(db).limit(limit)
      ).execute();
  return rows.map((row) => ({
    ...toSubscription(row),
    email: row.email,
    topicSlug: row.topic_slug,
    topicQuery: row.topic_query,
  }));
}

/** How many subscriptions {@link listSubscriptions} would list without a limit. */
export async function countSubscriptions(db: Db, email?: string): Promise<number> {
  let query = db
    .selectFrom('subscriptions')
    .innerJoin('subscribers', 'subscribers.id', 'subscriptions.subscriber_id')
    .select((eb) => eb.fn.countAll<number>().as('count'));
  if (email) query = query.where('subscribers.email', '=', email);
  return Number((await query.executeTakeFirstOrThrow()).count);
}

/** Custom-query subscriptions (their rules live in the rule index beside the topics'). */
export async function listCustomQuerySubscriptions(
  db: Db,
): Promise<{ id: number; query: string }[]> {
  const rows = await db
    .selectFrom('subscriptions')
    .select(['id', 'query'])
    .where('query', 'is not', null)
    .execute();
  return rows.map((row) => ({ id: row.id, query: row.query as string }));
}

/**
 * The live subscriptions behind a set of matched rules: those following one of the topics or
 * being one of the custom queries, not paused, of readers who have not unsubscribed. Given
 * `now`, readers who paused everything until later are left out too.
 */
export async function findLiveSubscriptionsForRules(
  db: Db,
  rules: { topicIds: number[]; subscriptionIds: number[] },
  now?: Date,
): Promise<Subscription[]> {
  const live = () => {
    const query = db
      .selectFrom('subscriptions')
      .innerJoin('subscribers', 'subscribers.id', 'subscriptions.subscriber_id')
      .selectAll('subscriptions')
      .where('subscriptions.paused', '=', 0)
      .where('subscribers.status', '=', 'active');
    if (!now) return query;
    return query.where((eb) =>
      eb.or([
        eb('subscribers.paused_until', 'is', null),
        eb('subscribers.paused_until', '<=', toIso(now)),
      ]),
    );
  };
  const rows = [];
  for (const ids of chunk(rules.topicIds, ID_CHUNK)) {
    rows.push(...(await live().where('subscriptions.topic_id', 'in', ids).execute()));
  }
  for (const ids of chunk(rules.subscriptionIds, ID_CHUNK)) {
    rows.push(...(await live().where('subscriptions.id', 'in', ids).execute()));
  }
  return rows.map(toSubscription);
}

const ID_CHUNK = 10_000;

/** Which topic (if any) each of these subscriptions follows, for a digest's group titles. */
export async function findSubscriptionLabels(
  db: Db,
  ids: readonly number[],
): Promise<SubscriptionLabel[]> {
  const labels: SubscriptionLabel[] = [];
  for (const part of chunk(ids, ID_CHUNK)) {
    const rows = await db
      .selectFrom('subscriptions')
      .select(['id', 'topic_id'])
      .where('id', 'in', part)
      .execute();
    for (const row of rows) labels.push({ id: row.id, topicId: row.topic_id });
  }
  return labels;
}

/** Daily and weekly subscriptions whose digest is due at `now`, with their reader's zone. */
export async function findDueSubscriptions(
  db: Db,
  now: Date,
  options: { cadence?: Cadence; limit?: number } = {},
): Promise<(Subscription & { readerTz: string })[]> {
  let query = db
    .selectFrom('subscriptions')
    .innerJoin('subscribers', 'subscribers.id', 'subscriptions.subscriber_id')
    .selectAll('subscriptions')
    .select('subscribers.tz as reader_tz')
    .where('subscriptions.paused', '=', 0)
    .where('subscribers.status', '=', 'active')
    .where('subscriptions.next_due_at', '<=', toIso(now))
    .orderBy('subscriptions.next_due_at')
    .limit(options.limit ?? 5000);
  if (options.cadence) query = query.where('subscriptions.cadence', '=', options.cadence);
  return (await query.execute()).map((row) => ({
    ...toSubscription(row),
    readerTz: row.reader_tz,
  }));
}

/** Moves several subscriptions' next send time to the same instant, in one statement a chunk. */
export async function setNextDueAt(db: Db, ids: readonly number[], nextDueAt: Date): Promise<void> {
  for (const part of chunk(ids, ID_CHUNK)) {
    await db
      .updateTable('subscriptions')
      .set({ next_due_at: toIso(nextDueAt) })
      .where('id', 'in', part)
      .execute();
  }
}

/** Changes how often and when a subscription is sent, and when it is next due. */
export async function setSubscriptionSchedule(
  db: Db,
  id: number,
  schedule: {
    cadence: Cadence;
    weekday: number | null;
    nextDueAt: Date | null;
    sendAt?: string;
    weekdays?: boolean;
  },
): Promise<void> {
  await db
    .updateTable('subscriptions')
    .set({
      cadence: schedule.cadence,
      weekday: schedule.weekday,
      next_due_at: schedule.nextDueAt && toIso(schedule.nextDueAt),
      ...(schedule.sendAt === undefined ? {} : { send_at: schedule.sendAt }),
      ...(schedule.weekdays === undefined ? {} : { weekdays: toBit(schedule.weekdays) }),
    })
    .where('id', '=', id)
    .execute();
}

export async function setSubscriptionPaused(db: Db, id: number, paused: boolean): Promise<void> {
  await db
    .updateTable('subscriptions')
    .set({ paused: toBit(paused) })
    .where('id', '=', id)
    .execute();
}

export async function deleteSubscription(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('subscriptions').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
