import type { Db } from '../../db/connection.js';

/*
 * Rows of every kind retention looks at, written straight into the tables with the ages a
 * test needs (the services stamp rows with the clock; a test of what is 400 days old needs
 * rows stamped then). Each is written in id order with its time, as the services do.
 */

const DAY = 86_400_000;

/** An ISO instant `days` before `now`. */
export const daysBefore = (now: Date, days: number) =>
  new Date(now.getTime() - days * DAY).toISOString();

export async function addReaderRow(db: Db, email: string, at: string): Promise<number> {
  const row = await db
    .insertInto('subscribers')
    .values({
      email,
      name: null,
      plan: 'free',
      trial_ends_at: null,
      tz: 'UTC',
      status: 'active',
      marketing_consent: 0,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function addStoryRow(db: Db, externalId: string, at: string): Promise<number> {
  const row = await db
    .insertInto('stories')
    .values({
      external_id: externalId,
      url: `https://news.example/${externalId}`,
      headline: `Headline ${externalId}`,
      summary: 'A teaser',
      body: `The full text of ${externalId}`,
      section: null,
      tags: '[]',
      published_at: at,
      access: 'subscriber',
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A built digest of the reader's, with its delivery and the matches it held. */
export async function addSentDigest(
  db: Db,
  readerId: number,
  storyIds: number[],
  at: string,
): Promise<{ digestId: number; deliveryId: number }> {
  const digest = await db
    .insertInto('digests')
    .values({
      subscriber_id: readerId,
      cadence: 'daily',
      period_key: at.slice(0, 10),
      period_start: at,
      period_end: at,
      story_count: storyIds.length,
      created_at: at,
      built_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const storyId of storyIds) await addMatchRow(db, readerId, storyId, at, digest.id);
  const deliveryId = await addDeliveryRow(db, readerId, at, { digestId: digest.id });
  return { digestId: digest.id, deliveryId };
}

export async function addMatchRow(
  db: Db,
  readerId: number,
  storyId: number,
  at: string,
  digestId: number | null = null,
): Promise<number> {
  const row = await db
    .insertInto('matches')
    .values({
      subscriber_id: readerId,
      story_id: storyId,
      revision: 0,
      cadence: 'daily',
      subscription_ids: '[]',
      digest_id: digestId,
      created_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function addDeliveryRow(
  db: Db,
  readerId: number,
  at: string,
  options: { digestId?: number; kind?: 'digest' | 'campaign' } = {},
): Promise<number> {
  const row = await db
    .insertInto('deliveries')
    .values({
      kind: options.kind ?? 'digest',
      digest_id: options.digestId ?? null,
      subscriber_id: readerId,
      recipient: `reader-${readerId}@example.com`,
      cadence: options.kind === 'campaign' ? null : 'daily',
      story_ids: '[]',
      message_id: null,
      status: 'sent',
      error: null,
      last_reply: null,
      created_at: at,
      updated_at: at,
      sent_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function addTrialClickRow(db: Db, email: string, at: string): Promise<number> {
  const row = await db
    .insertInto('trial_clicks')
    .values({
      email,
      story_external_id: 's-1',
      digest_id: null,
      campaign_id: null,
      created_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** An inbound message and the one bounce it reported, about `deliveryId` (or none). */
export async function addBounceRows(
  db: Db,
  deliveryId: number | null,
  at: string,
  fingerprint: string,
): Promise<{ inboundId: number; bounceId: number }> {
  const inbound = await db
    .insertInto('inbound_messages')
    .values({
      source: 'file',
      fingerprint,
      received_at: at,
      subject: 'Undelivered Mail Returned to Sender',
      sender: 'MAILER-DAEMON@mx.example',
      raw: Buffer.from('Subject: Undelivered\r\n\r\n550 5.1.1 user unknown\r\n'),
      raw_bytes: 48,
      format: 'dsn',
      reason: 'hard bounce',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const bounce = await db
    .insertInto('bounces')
    .values({
      inbound_id: inbound.id,
      delivery_id: deliveryId,
      kind: 'hard',
      recipient: 'reader@example.com',
      status: '5.1.1',
      diagnostic: 'user unknown',
      source: 'file',
      received_at: at,
      suppressed: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { inboundId: inbound.id, bounceId: bounce.id };
}

/** A campaign with one recipient, invited by `deliveryId`. */
export async function addCampaignRecipientRow(
  db: Db,
  readerId: number,
  deliveryId: number,
  at: string,
): Promise<number> {
  const campaign = await db
    .insertInto('campaigns')
    .values({
      name: 'Trial',
      subject: 'Try it',
      audience: null,
      intro: null,
      story_count: 3,
      send_at: null,
      rate: 10,
      one_per_domain: 0,
      status: 'done',
      audience_fixed_at: at,
      finished_at: at,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const row = await db
    .insertInto('campaign_recipients')
    .values({
      campaign_id: campaign.id,
      subscriber_id: readerId,
      email: `reader-${readerId}@example.com`,
      domain: 'example.com',
      status: 'queued',
      skip_reason: null,
      delivery_id: deliveryId,
      queued_at: at,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Rows per table, for a before-and-after comparison. */
export async function countRows(db: Db): Promise<Record<string, number>> {
  const tables = [
    'matches',
    'trial_clicks',
    'deliveries',
    'digests',
    'bounces',
    'inbound_messages',
    'campaign_recipients',
    'stories',
  ] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  const bodies = await db
    .selectFrom('stories')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('body', '<>', '')
    .executeTakeFirstOrThrow();
  counts.story_bodies = Number(bodies.n);
  return counts;
}
