import type { Selectable } from 'kysely';
import type {
  Bounce,
  BounceKind,
  BounceSource,
  InboundRecord,
} from '../../src/domain/bounce-record.js';
import type { SuppressionReason } from '../../src/domain/suppression.js';
import type { Db } from '../connection.js';
import { toDate, toIso } from '../mappers.js';
import type { BouncesTable, InboundMessagesTable } from '../schema.js';

/*
 * Inbound messages (bounces, complaints, anything sent to the bounce address, provider events)
 * and the per-recipient reports read from them.
 */

export interface NewInboundMessage {
  source: BounceSource;
  fingerprint: string;
  receivedAt: Date;
  subject: string | null;
  sender: string | null;
  /** Already capped by the caller. */
  raw: Buffer;
  rawBytes: number;
  format: string;
  reason: string;
}

/**
 * Records an inbound message; null when one with the same fingerprint is there already (then
 * nothing is written). Two processes recording the same message at once: one wins, the other
 * waits for it (PostgreSQL) or runs after it (SQLite) and gets null.
 */
export async function insertInboundMessage(
  db: Db,
  message: NewInboundMessage,
): Promise<number | null> {
  const row = await db
    .insertInto('inbound_messages')
    .values({
      source: message.source,
      fingerprint: message.fingerprint,
      received_at: toIso(message.receivedAt),
      subject: message.subject,
      sender: message.sender,
      raw: message.raw,
      raw_bytes: message.rawBytes,
      format: message.format,
      reason: message.reason,
    })
    .onConflict((oc) => oc.column('fingerprint').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function findInboundByFingerprint(
  db: Db,
  fingerprint: string,
): Promise<InboundRecord | undefined> {
  const row = await db
    .selectFrom('inbound_messages')
    .select(INBOUND_COLUMNS)
    .where('fingerprint', '=', fingerprint)
    .executeTakeFirst();
  return row && toInbound(row);
}

export async function findInboundMessage(db: Db, id: number): Promise<InboundRecord | undefined> {
  const row = await db
    .selectFrom('inbound_messages')
    .select(INBOUND_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toInbound(row);
}

/** The stored copy of a message: its first bytes (see RAW_KEPT_BYTES), as they came. */
export async function readInboundRaw(db: Db, id: number): Promise<Buffer | undefined> {
  const row = await db
    .selectFrom('inbound_messages')
    .select('raw')
    .where('id', '=', id)
    .executeTakeFirst();
  return row && Buffer.from(row.raw);
}

const INBOUND_COLUMNS = [
  'id',
  'source',
  'received_at',
  'subject',
  'sender',
  'raw_bytes',
  'format',
  'reason',
] as const;

function toInbound(
  row: Pick<Selectable<InboundMessagesTable>, (typeof INBOUND_COLUMNS)[number]>,
): InboundRecord {
  return {
    id: row.id,
    source: row.source,
    receivedAt: toDate(row.received_at),
    subject: row.subject,
    sender: row.sender,
    format: row.format,
    reason: row.reason,
    rawBytes: Number(row.raw_bytes),
  };
}

/** A bounce to record: everything but the id the database gives it. */
export type NewBounce = Omit<Bounce, 'id'>;

export async function insertBounce(db: Db, bounce: NewBounce): Promise<number> {
  const row = await db
    .insertInto('bounces')
    .values({
      inbound_id: bounce.inboundId,
      delivery_id: bounce.deliveryId,
      kind: bounce.kind,
      recipient: bounce.recipient,
      status: bounce.status,
      diagnostic: bounce.diagnostic,
      source: bounce.source,
      received_at: toIso(bounce.receivedAt),
      suppressed: bounce.suppressed,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Notes the suppression a recorded report called for. */
export async function setBounceSuppressed(
  db: Db,
  id: number,
  reason: SuppressionReason,
): Promise<void> {
  await db.updateTable('bounces').set({ suppressed: reason }).where('id', '=', id).execute();
}

/** The reports read from one inbound message, in the order they were recorded. */
export async function listBouncesOfInbound(db: Db, inboundId: number): Promise<Bounce[]> {
  const rows = await db
    .selectFrom('bounces')
    .selectAll()
    .where('inbound_id', '=', inboundId)
    .orderBy('id')
    .execute();
  return rows.map(toBounce);
}

export async function findBounce(db: Db, id: number): Promise<Bounce | undefined> {
  const row = await db.selectFrom('bounces').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toBounce(row);
}

export interface BounceFilter {
  kind?: BounceKind;
  since?: Date;
}

/** Newest first (by when they came); `limit` null: all of them. */
export async function listBounces(
  db: Db,
  filter: BounceFilter,
  limit: number | null,
): Promise<Bounce[]> {
  let query = db
    .selectFrom('bounces')
    .selectAll()
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc');
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.since) query = query.where('received_at', '>=', toIso(filter.since));
  if (limit !== null) query = query.limit(limit);
  return (await query.execute()).map(toBounce);
}

export async function countBounces(db: Db, filter: BounceFilter): Promise<number> {
  let query = db.selectFrom('bounces').select((eb) => eb.fn.countAll<number>().as('count'));
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.since) query = query.where('received_at', '>=', toIso(filter.since));
  return Number((await query.executeTakeFirstOrThrow()).count);
}

/**
 * The latest report of each delivery that has one (matched reports only: an unmatched or
 * ignored one names no delivery), for the deliveries listing.
 */
export async function latestBouncesOfDeliveries(
  db: Db,
  deliveryIds: readonly number[],
): Promise<Map<number, Bounce>> {
  const found = new Map<number, Bounce>();
  // In slices: SQLite takes at most 32,766 values in one statement.
  for (let i = 0; i < deliveryIds.length; i += 500) {
    const slice = deliveryIds.slice(i, i + 500);
    const rows = await db
      .selectFrom('bounces')
      .selectAll()
      .where('delivery_id', 'in', slice)
      .orderBy('id')
      .execute();
    for (const row of rows) found.set(row.delivery_id as number, toBounce(row));
  }
  return found;
}

/**
 * The distinct deliveries to an address that soft-bounced with a report received since
 * `since`, each with when it was sent (its creation when it never was recorded sent).
 */
export async function findSoftBouncedDeliveries(
  db: Db,
  recipient: string,
  since: Date,
): Promise<{ deliveryId: number; sentAt: Date }[]> {
  const rows = await db
    .selectFrom('bounces')
    .innerJoin('deliveries', 'deliveries.id', 'bounces.delivery_id')
    .select(['deliveries.id as id', 'deliveries.sent_at', 'deliveries.created_at'])
    .where('bounces.recipient', '=', recipient)
    .where('bounces.received_at', '>=', toIso(since))
    .where('bounces.kind', '=', 'soft')
    .execute();
  const byDelivery = new Map<number, Date>();
  for (const row of rows) byDelivery.set(row.id, toDate(row.sent_at ?? row.created_at));
  return [...byDelivery].map(([deliveryId, sentAt]) => ({ deliveryId, sentAt }));
}

/**
 * When the latest delivery to the address that went out and has no bounce was sent, among
 * those sent strictly between `after` and `before`; null when there is none. A complaint is
 * no bounce: the message reached the mailbox.
 */
export async function latestCleanDeliveryBetween(
  db: Db,
  recipient: string,
  after: Date,
  before: Date,
): Promise<Date | null> {
  const row = await db
    .selectFrom('deliveries')
    .select('sent_at')
    .where('recipient', '=', recipient)
    .where('status', '=', 'sent')
    .where('sent_at', '>', toIso(after))
    .where('sent_at', '<', toIso(before))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('bounces')
            .select('bounces.id')
            .whereRef('bounces.delivery_id', '=', 'deliveries.id')
            .where('bounces.kind', 'in', ['hard', 'soft']),
        ),
      ),
    )
    .orderBy('sent_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.sent_at ? toDate(row.sent_at) : null;
}

/**
 * Which suppressions a bounce's may take the place of: those a reader lifts by themselves
 * (resubscribing lifts `unsubscribed`) or a weaker bounce's. A later hard bounce or complaint
 * must not be undone by a resubscribe; `manual`, a hard bounce and a complaint stay as they are.
 */
const REPLACES: Record<SuppressionReason, readonly SuppressionReason[]> = {
  'hard-bounce': ['unsubscribed', 'soft-bounce'],
  complaint: ['unsubscribed', 'soft-bounce'],
  'soft-bounce': ['unsubscribed'],
  unsubscribed: [],
  manual: [],
};

/**
 * Suppresses an address for a bounce, complaint or opt-out, with what it said; an address
 * suppressed already keeps its reason unless this one is stronger (see REPLACES). Returns the
 * reason in force afterwards.
 */
export async function suppressForBounce(
  db: Db,
  email: string,
  reason: SuppressionReason,
  detail: string | null,
  now: Date,
): Promise<SuppressionReason> {
  const inserted = await db
    .insertInto('suppressions')
    .values({ email, reason, detail, created_at: toIso(now) })
    .onConflict((oc) => oc.column('email').doNothing())
    .returning('reason')
    .executeTakeFirst();
  if (inserted) return reason;
  const weaker = REPLACES[reason];
  if (weaker.length > 0) {
    const replaced = await db
      .updateTable('suppressions')
      .set({ reason, detail, created_at: toIso(now) })
      .where('email', '=', email)
      .where('reason', 'in', weaker)
      .returning('reason')
      .executeTakeFirst();
    if (replaced) return reason;
  }
  const current = await db
    .selectFrom('suppressions')
    .select('reason')
    .where('email', '=', email)
    .executeTakeFirst();
  return current?.reason ?? reason;
}

function toBounce(row: Selectable<BouncesTable>): Bounce {
  return {
    id: row.id,
    inboundId: row.inbound_id,
    deliveryId: row.delivery_id,
    kind: row.kind,
    recipient: row.recipient,
    status: row.status,
    diagnostic: row.diagnostic,
    source: row.source,
    receivedAt: toDate(row.received_at),
    suppressed: row.suppressed,
  };
}
