import { sql } from 'kysely';
import type { Delivery, DeliveryStatus } from '../../src/domain/delivery.js';
import type { Reader } from '../../src/domain/reader.js';
import type { SuppressionReason } from '../../src/domain/suppression.js';
import { chunk } from '../chunk.js';
import type { Db } from '../connection.js';
import { toBoolean, toDate, toDateOrNull, toIso } from '../mappers.js';
import { toDelivery } from './delivery.repository.js';

/*
 * The statements of a group's sends: one read of everything the sends must check, one claim
 * and one record of the outcome per handful of messages, instead of six statements a message.
 */

/** What a send must know of its delivery before the message may leave. */
export interface SendFacts {
  delivery: Delivery;
  /**
   * The reader the delivery is for, if they still exist, with their link secret (null on a row
   * written without one: the email reads it then).
   */
  reader: (Reader & { pausedUntil: Date | null; linkSecret: string | null }) | undefined;
  /** Why the address must not be mailed, if it must not. */
  suppression: SuppressionReason | null;
  /** The reader still follows the delivery's cadence with a subscription not paused. */
  followsCadence: boolean;
}

const ID_CHUNK = 500;

/**
 * Each delivery with its reader, its recipient's suppression and whether the reader still
 * follows its cadence: one statement for the group.
 */
export async function findSendFacts(
  db: Db,
  deliveryIds: readonly number[],
): Promise<Map<number, SendFacts>> {
  const found = new Map<number, SendFacts>();
  for (const part of chunk(deliveryIds, ID_CHUNK)) {
    const rows = await db
      .selectFrom('deliveries')
      .leftJoin('subscribers as r', 'r.id', 'deliveries.subscriber_id')
      .leftJoin('suppressions as s', 's.email', 'deliveries.recipient')
      .selectAll('deliveries')
      .select([
        'r.id as r_id',
        'r.email as r_email',
        'r.name as r_name',
        'r.plan as r_plan',
        'r.trial_ends_at as r_trial_ends_at',
        'r.tz as r_tz',
        'r.status as r_status',
        'r.marketing_consent as r_marketing_consent',
        'r.consent_source as r_consent_source',
        'r.consent_at as r_consent_at',
        'r.paused_until as r_paused_until',
        'r.link_secret as r_link_secret',
        'r.created_at as r_created_at',
        's.reason as suppression_reason',
      ])
      .select((eb) =>
        eb
          .exists(
            eb
              .selectFrom('subscriptions as sub')
              .select('sub.id')
              .whereRef('sub.subscriber_id', '=', 'deliveries.subscriber_id')
              .whereRef('sub.cadence', '=', 'deliveries.cadence')
              .where('sub.paused', '=', 0),
          )
          .as('follows_cadence'),
      )
      .where('deliveries.id', 'in', part)
      .execute();
    for (const row of rows) {
      found.set(row.id, {
        delivery: toDelivery(row),
        reader:
          row.r_id === null
            ? undefined
            : {
                id: row.r_id,
                email: row.r_email as string,
                name: row.r_name,
                plan: row.r_plan as Reader['plan'],
                trialEndsAt: toDateOrNull(row.r_trial_ends_at),
                tz: row.r_tz as string,
                status: row.r_status as Reader['status'],
                marketingConsent: toBoolean(row.r_marketing_consent as number | boolean),
                consentSource: row.r_consent_source,
                consentAt: toDateOrNull(row.r_consent_at),
                createdAt: toDate(row.r_created_at as Date | string),
                pausedUntil: toDateOrNull(row.r_paused_until),
                linkSecret: row.r_link_secret,
              },
        suppression: row.suppression_reason,
        followsCadence: toBoolean(row.follows_cadence as unknown as number | boolean),
      });
    }
  }
  return found;
}

/**
 * Moves deliveries from `queued` to `sending`, each with its Message-ID, and counts the
 * attempt: one statement for a handful. Only one process can win a row; the ids returned
 * are this caller's to send, the others are left alone.
 */
export async function claimDeliveriesForSending(
  db: Db,
  claims: readonly { id: number; messageId: string }[],
  now: Date,
): Promise<Set<number>> {
  const won = new Set<number>();
  for (const part of chunk(claims, ID_CHUNK)) {
    const messageIds = sql.join(
      part.map((c) => sql`when ${c.id} then ${c.messageId}`),
      sql` `,
    );
    const { rows } = await sql<{ id: number }>`update deliveries set status = 'sending',
        message_id = case id ${messageIds} end,
        attempts = attempts + 1, updated_at = ${toIso(now)}
      where id in (${sql.join(part.map((c) => c.id))}) and status = 'queued'
      returning id`.execute(db);
    for (const row of rows) won.add(Number(row.id));
  }
  return won;
}

/** Records that the server took these messages, each with its reply: one statement. */
export async function recordDeliveriesSent(
  db: Db,
  sent: readonly { id: number; reply: string }[],
  now: Date,
): Promise<void> {
  const nowIso = toIso(now);
  for (const part of chunk(sent, ID_CHUNK)) {
    const replies = sql.join(
      part.map((s) => sql`when ${s.id} then ${s.reply}`),
      sql` `,
    );
    await sql`update deliveries set status = 'sent', error = null,
        last_reply = case id ${replies} end, sent_at = ${nowIso}, updated_at = ${nowIso}
      where id in (${sql.join(part.map((s) => s.id))}) and status in ('sending', 'queued')`.execute(
      db,
    );
  }
}

/** Ends queued deliveries that must not go (suppressed), one statement per reason given. */
export async function finishUnsentDeliveries(
  db: Db,
  unsent: readonly { id: number; status: Extract<DeliveryStatus, 'suppressed'>; error: string }[],
  now: Date,
): Promise<void> {
  const byError = new Map<string, number[]>();
  for (const u of unsent) byError.set(u.error, [...(byError.get(u.error) ?? []), u.id]);
  for (const [error, ids] of byError)
    for (const part of chunk(ids, ID_CHUNK))
      await db
        .updateTable('deliveries')
        .set({ status: 'suppressed', error, updated_at: toIso(now) })
        .where('id', 'in', part)
        .where('status', 'in', ['sending', 'queued'])
        .execute();
}
