import type { CampaignCounts, SkipReason } from '../../src/domain/campaign.js';
import { emailDomain } from '../../src/domain/reader.js';
import { chunk } from '../chunk.js';
import type { Db } from '../connection.js';
import { toIso } from '../mappers.js';

/** A recorded recipient still to be checked and handed on. */
export interface PendingRecipient {
  id: number;
  readerId: number;
  email: string;
  domain: string;
}

/** Records the audience; a recipient already recorded (a start run twice) is kept as it is. */
export async function insertRecipients(
  db: Db,
  campaignId: number,
  readers: readonly { id: number; email: string }[],
  now: Date,
): Promise<void> {
  for (const part of chunk(readers, 1000)) {
    await db
      .insertInto('campaign_recipients')
      .values(
        part.map((reader) => ({
          campaign_id: campaignId,
          subscriber_id: reader.id,
          email: reader.email,
          domain: emailDomain(reader.email),
          status: 'pending' as const,
          created_at: toIso(now),
          updated_at: toIso(now),
        })),
      )
      .onConflict((oc) => oc.columns(['campaign_id', 'subscriber_id']).doNothing())
      .execute();
  }
}

/** The next recipients to check, in the order they were recorded. */
export async function findPendingRecipients(
  db: Db,
  campaignId: number,
  limit: number,
): Promise<PendingRecipient[]> {
  const rows = await db
    .selectFrom('campaign_recipients')
    .select(['id', 'subscriber_id', 'email', 'domain'])
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'pending')
    .orderBy('id')
    .limit(limit)
    .execute();
  // An erased reader's row is never pending (erasure skips it), so every one here has a reader.
  return rows.map((r) => ({
    id: r.id,
    readerId: r.subscriber_id as number,
    email: r.email,
    domain: r.domain,
  }));
}

/** Of these domains, those the campaign has already invited someone at. */
export async function findInvitedDomains(
  db: Db,
  campaignId: number,
  domains: readonly string[],
): Promise<Set<string>> {
  const taken = new Set<string>();
  for (const part of chunk([...new Set(domains)], 1000)) {
    const rows = await db
      .selectFrom('campaign_domains')
      .select('domain')
      .where('campaign_id', '=', campaignId)
      .where('domain', 'in', part)
      .execute();
    for (const row of rows) taken.add(row.domain);
  }
  return taken;
}

/** Of these readers, those some campaign invited after `cutoff` (the cooldown). */
export async function findRecentlyContacted(
  db: Db,
  readerIds: readonly number[],
  cutoff: Date,
): Promise<Set<number>> {
  const recent = new Set<number>();
  for (const part of chunk([...new Set(readerIds)], 1000)) {
    const rows = await db
      .selectFrom('campaign_contacts')
      .select('subscriber_id')
      .where('subscriber_id', 'in', part)
      .where('contacted_at', '>', toIso(cutoff))
      .execute();
    for (const row of rows) recent.add(row.subscriber_id);
  }
  return recent;
}

/**
 * Takes the campaign's invitation for each domain; returns how many were taken. Fewer than
 * asked means another sender took one meanwhile.
 */
export async function claimCampaignDomains(
  db: Db,
  campaignId: number,
  domains: readonly string[],
): Promise<number> {
  let claimed = 0;
  for (const part of chunk(domains, 500)) {
    const rows = await db
      .insertInto('campaign_domains')
      .values(part.map((domain) => ({ campaign_id: campaignId, domain })))
      .onConflict((oc) => oc.columns(['campaign_id', 'domain']).doNothing())
      .returning('domain')
      .execute();
    claimed += rows.length;
  }
  return claimed;
}

/**
 * Records that these readers are being invited now, each unless another campaign invited
 * them after `cutoff`; returns how many were recorded. The condition is in the statement, so
 * two campaigns cannot both take one reader.
 */
export async function claimCampaignContacts(
  db: Db,
  readerIds: readonly number[],
  campaignId: number,
  now: Date,
  cutoff: Date,
): Promise<number> {
  let claimed = 0;
  for (const part of chunk(readerIds, 500)) {
    const rows = await db
      .insertInto('campaign_contacts')
      .values(
        part.map((id) => ({
          subscriber_id: id,
          campaign_id: campaignId,
          contacted_at: toIso(now),
        })),
      )
      .onConflict((oc) =>
        oc
          .column('subscriber_id')
          .doUpdateSet({ campaign_id: campaignId, contacted_at: toIso(now) })
          .where('campaign_contacts.contacted_at', '<=', toIso(cutoff)),
      )
      .returning('subscriber_id')
      .execute();
    claimed += rows.length;
  }
  return claimed;
}

/** Leaves pending recipients out, all for one reason; returns how many were still pending. */
export async function skipRecipients(
  db: Db,
  ids: readonly number[],
  reason: SkipReason,
  now: Date,
): Promise<number> {
  let skipped = 0;
  for (const part of chunk(ids, 1000)) {
    const result = await db
      .updateTable('campaign_recipients')
      .set({
        status: reason === 'suppressed' ? 'suppressed' : 'skipped',
        skip_reason: reason,
        updated_at: toIso(now),
      })
      .where('id', 'in', part)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    skipped += Number(result.numUpdatedRows);
  }
  return skipped;
}

/** Ties a pending recipient to their delivery; false if someone else already handled them. */
export async function markRecipientQueued(
  db: Db,
  id: number,
  deliveryId: number,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('campaign_recipients')
    .set({
      status: 'queued',
      delivery_id: deliveryId,
      queued_at: toIso(now),
      updated_at: toIso(now),
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deliveries of the campaign still `queued`, oldest first (handed on, not yet sent). */
export async function findQueuedCampaignDeliveries(
  db: Db,
  campaignId: number,
  options: { queuedBefore?: Date; limit?: number } = {},
): Promise<number[]> {
  let query = db
    .selectFrom('campaign_recipients as r')
    .innerJoin('deliveries as d', 'd.id', 'r.delivery_id')
    .select('d.id')
    .where('r.campaign_id', '=', campaignId)
    .where('d.status', '=', 'queued')
    .orderBy('d.id')
    .limit(options.limit ?? 10_000);
  if (options.queuedBefore) query = query.where('r.queued_at', '<=', toIso(options.queuedBefore));
  return (await query.execute()).map((r) => r.id);
}

/** Cancels what is not yet sent: pending recipients, and queued deliveries (failed, saying why). */
export async function cancelUnsent(db: Db, campaignId: number, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('campaign_recipients')
      .set({ status: 'cancelled', updated_at: toIso(now) })
      .where('campaign_id', '=', campaignId)
      .where('status', '=', 'pending')
      .execute();
    const queued = await findQueuedCampaignDeliveries(trx, campaignId, { limit: 1_000_000 });
    for (const ids of chunk(queued, 1000)) {
      await trx
        .updateTable('deliveries')
        .set({
          status: 'failed',
          error: 'campaign cancelled before sending',
          updated_at: toIso(now),
        })
        .where('id', 'in', ids)
        .where('status', '=', 'queued')
        .execute();
    }
  });
}

/** How many recipients are in each state, the delivery's state for those handed on. */
export async function countCampaignRecipients(db: Db, campaignId: number): Promise<CampaignCounts> {
  const rows = await db
    .selectFrom('campaign_recipients as r')
    .leftJoin('deliveries as d', 'd.id', 'r.delivery_id')
    .select([
      'r.status as recipientStatus',
      'r.skip_reason as reason',
      'd.status as deliveryStatus',
      (eb) => eb.fn.countAll<number>().as('count'),
    ])
    .where('r.campaign_id', '=', campaignId)
    .groupBy(['r.status', 'r.skip_reason', 'd.status'])
    .execute();
  const counts: CampaignCounts = {
    total: 0,
    pending: 0,
    queued: 0,
    sending: 0,
    sent: 0,
    failed: 0,
    suppressed: 0,
    skipped: 0,
    cancelled: 0,
    skippedBy: {},
  };
  for (const row of rows) {
    const n = Number(row.count);
    counts.total += n;
    if (row.recipientStatus === 'queued') {
      // The send path's own outcome: a cancelled campaign fails the deliveries it stopped.
      const status = row.deliveryStatus ?? 'queued';
      counts[status] += n;
    } else {
      counts[row.recipientStatus] += n;
      if (row.recipientStatus === 'skipped' || row.recipientStatus === 'suppressed') {
        const reason = (row.reason ?? 'suppressed') as SkipReason;
        counts.skippedBy[reason] = (counts.skippedBy[reason] ?? 0) + n;
      }
    }
  }
  return counts;
}

/** The topics each reader follows (ids), for the stories their invitation shows. */
export async function findFollowedTopicIds(
  db: Db,
  readerIds: readonly number[],
): Promise<Map<number, number[]>> {
  const followed = new Map<number, number[]>();
  for (const ids of chunk([...new Set(readerIds)], 1000)) {
    const rows = await db
      .selectFrom('subscriptions')
      .select(['subscriber_id', 'topic_id'])
      .where('subscriber_id', 'in', ids)
      .where('topic_id', 'is not', null)
      .execute();
    for (const row of rows) {
      const list = followed.get(row.subscriber_id) ?? [];
      list.push(row.topic_id as number);
      followed.set(row.subscriber_id, list);
    }
  }
  return followed;
}

/** Which of the addresses are suppressed. */
export async function findSuppressedAmong(db: Db, emails: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of chunk([...new Set(emails)], 1000)) {
    const rows = await db
      .selectFrom('suppressions')
      .select('email')
      .where('email', 'in', part)
      .execute();
    for (const row of rows) found.add(row.email);
  }
  return found;
}
