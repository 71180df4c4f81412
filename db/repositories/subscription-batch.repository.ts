import type { Cadence, Subscription } from '../../src/domain/subscription.js';
import { chunk } from '../chunk.js';
import type { Db } from '../connection.js';
import { toBit, toIso } from '../mappers.js';
import type { NewSubscription } from './subscription.repository.js';
import { toSubscription } from './subscription.repository.js';

const ROWS_PER_STATEMENT = 500;
const IDS_PER_LOOKUP = 5000;

/** Every subscription of these readers, in few queries. */
export async function findSubscriptionsOfReaders(
  db: Db,
  readerIds: readonly number[],
): Promise<Subscription[]> {
  const subscriptions: Subscription[] = [];
  for (const part of chunk(readerIds, IDS_PER_LOOKUP)) {
    const rows = await db
      .selectFrom('subscriptions')
      .selectAll()
      .where('subscriber_id', 'in', part)
      .execute();
    for (const row of rows) subscriptions.push(toSubscription(row));
  }
  return subscriptions;
}

/** Inserts subscriptions, many to a statement. */
export async function insertSubscriptions(
  db: Db,
  subscriptions: readonly NewSubscription[],
  now: Date,
): Promise<void> {
  const at = toIso(now);
  for (const part of chunk(subscriptions, ROWS_PER_STATEMENT)) {
    await db
      .insertInto('subscriptions')
      .values(
        part.map((s) => ({
          subscriber_id: s.readerId,
          topic_id: s.topicId,
          query: s.query,
          cadence: s.cadence,
          send_at: s.sendAt,
          weekday: s.weekday,
          weekdays: toBit(s.weekdays),
          paused: 0,
          next_due_at: s.nextDueAt && toIso(s.nextDueAt),
          created_at: at,
        })),
      )
      .execute();
  }
}

/** A subscription's whole schedule, and when it is next due. */
export interface SubscriptionSchedule {
  cadence: Cadence;
  sendAt: string;
  weekday: number | null;
  weekdays: boolean;
  nextDueAt: Date | null;
}

/** Replaces a subscription's schedule and its next send time. */
export async function updateSubscriptionSchedule(
  db: Db,
  id: number,
  schedule: SubscriptionSchedule,
): Promise<Subscription> {
  const row = await db
    .updateTable('subscriptions')
    .set({
      cadence: schedule.cadence,
      send_at: schedule.sendAt,
      weekday: schedule.weekday,
      weekdays: toBit(schedule.weekdays),
      next_due_at: schedule.nextDueAt && toIso(schedule.nextDueAt),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSubscription(row);
}
