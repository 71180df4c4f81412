import type { Selectable, SelectQueryBuilder } from 'kysely';
import type { Delivery, DeliveryKind, DeliveryStatus } from '../../src/domain/delivery.js';
import type { Cadence } from '../../src/domain/subscription.js';
import type { Db } from '../connection.js';
import { fromJson, toDate, toDateOrNull, toIso } from '../mappers.js';
import { reusableQuery } from '../reusable-query.js';
import type { Database, DeliveriesTable } from '../schema.js';

/** A deliveries row as the domain's Delivery (also for joins that select the whole row). */
export function toDelivery(row: Selectable<DeliveriesTable>): Delivery {
  return {
    id: row.id,
    kind: row.kind,
    digestId: row.digest_id,
    readerId: row.subscriber_id,
    recipient: row.recipient,
    cadence: row.cadence,
    storyIds: fromJson<string[]>(row.story_ids),
    messageId: row.message_id,
    status: row.status,
    attempts: row.attempts,
    error: row.error,
    lastReply: row.last_reply,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    sentAt: toDateOrNull(row.sent_at),
  };
}

export interface NewDelivery {
  kind: DeliveryKind;
  digestId: number | null;
  readerId: number | null;
  recipient: string;
  cadence: Cadence | null;
  storyIds: string[];
}

/** Queues a delivery; a digest has at most one (a rebuilt digest finds the first). */
export async function insertOrFindDelivery(
  db: Db,
  delivery: NewDelivery,
  now: Date,
): Promise<Delivery> {
  const nowIso = toIso(now);
  const [inserted] = (
    await insertDelivery(
      db,
      delivery.kind,
      delivery.digestId,
      delivery.readerId,
      delivery.recipient,
      delivery.cadence,
      JSON.stringify(delivery.storyIds),
      nowIso,
    )
  ).rows;
  if (inserted) return toDelivery(inserted);
  const existing = await db
    .selectFrom('deliveries')
    .selectAll()
    .where('digest_id', '=', delivery.digestId)
    .executeTakeFirstOrThrow();
  return toDelivery(existing);
}

/** Run for every digest built: built once (see {@link reusableQuery}). */
const insertDelivery = reusableQuery(
  (
    db: Db,
    kind: DeliveryKind,
    digestId: number | null,
    readerId: number | null,
    recipient: string,
    cadence: Cadence | null,
    storyIdsJson: string,
    nowIso: string,
  ) =>
    db
      .insertInto('deliveries')
      .values({
        kind,
        digest_id: digestId,
        subscriber_id: readerId,
        recipient,
        cadence,
        story_ids: storyIdsJson,
        status: 'queued',
        created_at: nowIso,
        updated_at: nowIso,
      })
      .onConflict((oc) => oc.column('digest_id').doNothing())
      .returningAll(),
);

export async function findDeliveryById(db: Db, id: number): Promise<Delivery | undefined> {
  const [row] = (await deliveryById(db, id)).rows;
  return row && toDelivery(row);
}

/** Read by every send: built once. */
const deliveryById = reusableQuery((db: Db, id: number) =>
  db.selectFrom('deliveries').selectAll().where('id', '=', id),
);

/**
 * Moves a delivery from `queued` to `sending` and counts the attempt. Only one process can win
 * this; the loser sees `false` and leaves the delivery alone.
 */
export async function claimDeliveryForSending(
  db: Db,
  id: number,
  messageId: string,
  now: Date,
): Promise<boolean> {
  const result = await claimForSending(db, id, messageId, toIso(now));
  return Number(result.numAffectedRows) === 1;
}

/** Run for every send: built once (see {@link reusableQuery}). */
const claimForSending = reusableQuery((db: Db, id: number, messageId: string, nowIso: string) =>
  db
    .updateTable('deliveries')
    .set((eb) => ({
      status: 'sending',
      // Recorded before the message leaves, so a crash leaves a trace to check.
      message_id: messageId,
      attempts: eb('attempts', '+', 1),
      updated_at: nowIso,
    }))
    .where('id', '=', id)
    .where('status', '=', 'queued'),
);

/** Ends or re-queues a delivery that is `sending`, with the reply that decided it. */
export async function finishDelivery(
  db: Db,
  id: number,
  outcome: {
    status: Exclude<DeliveryStatus, 'sending'>;
    error?: string | null;
    reply?: string | null;
    messageId?: string | null;
  },
  now: Date,
): Promise<void> {
  if (outcome.status === 'sent' && outcome.reply != null && outcome.messageId != null) {
    await recordSentQuery(db, outcome.reply, outcome.messageId, toIso(now), id);
    return;
  }
  await db
    .updateTable('deliveries')
    .set({
      status: outcome.status,
      error: outcome.error ?? null,
      ...(outcome.reply !== undefined ? { last_reply: outcome.reply } : {}),
      ...(outcome.messageId !== undefined ? { message_id: outcome.messageId } : {}),
      ...(outcome.status === 'sent' ? { sent_at: toIso(now) } : {}),
      updated_at: toIso(now),
    })
    .where('id', '=', id)
    .where('status', 'in', ['sending', 'queued'])
    .execute();
}

/** The end of every send: built once (see {@link reusableQuery}). */
const recordSentQuery = reusableQuery(
  (db: Db, reply: string, messageId: string, nowIso: string, id: number) =>
    db
      .updateTable('deliveries')
      .set({
        status: 'sent',
        error: null,
        last_reply: reply,
        message_id: messageId,
        sent_at: nowIso,
        updated_at: nowIso,
      })
      .where('id', '=', id)
      .where('status', 'in', ['sending', 'queued']),
);

/** Deliveries still `queued` since before `olderThan`: their send job may have been lost. */
export async function findStaleQueuedDeliveries(
  db: Db,
  olderThan: Date,
  limit = 1000,
): Promise<number[]> {
  const rows = await db
    .selectFrom('deliveries')
    .select('id')
    .where('status', '=', 'queued')
    .where('updated_at', '<=', toIso(olderThan))
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Every digest and alert delivery still `queued`, in id order: ids only, so a long backlog (a
 * run killed half-way through a morning) is one read. Campaign invitations are left to their
 * campaign's steps, which send them at the campaign's own pace.
 */
export async function findQueuedDigestDeliveries(db: Db): Promise<number[]> {
  const rows = await db
    .selectFrom('deliveries')
    .select('id')
    .where('status', '=', 'queued')
    .where('kind', '!=', 'campaign')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

export interface DeliveryRowFilter {
  recipient?: string;
  since?: Date;
  status?: DeliveryStatus;
  kind?: DeliveryKind;
}

/** Newest first; at most `limit` (1,000 when not given, all of them for null). */
export async function listDeliveries(
  db: Db,
  filter: DeliveryRowFilter & { limit?: number | null } = {},
): Promise<Delivery[]> {
  let query = whereDelivery(db.selectFrom('deliveries').selectAll().orderBy('id', 'desc'), filter);
  const limit = filter.limit === undefined ? 1000 : filter.limit;
  if (limit !== null) query = query.limit(limit);
  return (await query.execute()).map(toDelivery);
}

/** How many deliveries {@link listDeliveries} would list without a limit. */
export async function countDeliveries(db: Db, filter: DeliveryRowFilter = {}): Promise<number> {
  const query = whereDelivery(
    db.selectFrom('deliveries').select((eb) => eb.fn.countAll<number>().as('count')),
    filter,
  );
  return Number((await query.executeTakeFirstOrThrow()).count);
}

/** A listing's filters on a query of the deliveries table. */
function whereDelivery<Q extends SelectQueryBuilder<Database, 'deliveries', object>>(
  query: Q,
  filter: DeliveryRowFilter,
): Q {
  let q = query as SelectQueryBuilder<Database, 'deliveries', object>;
  if (filter.recipient) q = q.where('recipient', '=', filter.recipient);
  if (filter.since) q = q.where('created_at', '>=', toIso(filter.since));
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  return q as Q;
}

/** What a delivery left `sending` by a stopped sender says, for the person who settles it. */
export const UNKNOWN_OUTCOME_NOTE =
  'outcome unknown: the sender stopped while sending; settle it with deliveries resolve';

/**
 * Notes deliveries left `sending` since before `olderThan` by a process that stopped mid-send.
 * The server may have accepted the message, so they stay `sending` (never re-sent blindly)
 * until a person settles them. Returns how many were newly noted.
 */
export async function noteUnknownOutcomes(db: Db, olderThan: Date, now: Date): Promise<number> {
  const result = await db
    .updateTable('deliveries')
    .set({ error: UNKNOWN_OUTCOME_NOTE, updated_at: toIso(now) })
    .where('status', '=', 'sending')
    .where('updated_at', '<=', toIso(olderThan))
    .where((eb) => eb.or([eb('error', 'is', null), eb('error', '!=', UNKNOWN_OUTCOME_NOTE)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Settles a delivery whose outcome is unknown: `sent` when the mail server's log shows it took
 * the message, `queued` to send it again. Only a `sending` row changes; false otherwise.
 */
export async function resolveUnknownOutcome(
  db: Db,
  id: number,
  outcome: 'sent' | 'queued',
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('deliveries')
    .set({
      status: outcome,
      error: null,
      last_reply: outcome === 'sent' ? 'marked sent by an operator' : null,
      ...(outcome === 'sent' ? { sent_at: toIso(now) } : {}),
      updated_at: toIso(now),
    })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** How many deliveries are in each status, for metrics. */
export async function countDeliveriesByStatus(
  db: Db,
): Promise<{ status: DeliveryStatus; count: number }[]> {
  const rows = await db
    .selectFrom('deliveries')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('status')
    .execute();
  return rows.map((row) => ({ status: row.status, count: Number(row.count) }));
}

/** How many deliveries are in one status (an index range, not a scan of them all). */
export async function countDeliveriesInStatus(db: Db, status: DeliveryStatus): Promise<number> {
  const row = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('status', '=', status)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
