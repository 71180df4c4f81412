import { sql } from 'kysely';
import type { SuppressionReason } from '../../src/domain/suppression.js';
import { chunk } from '../chunk.js';
import { type Db, isPostgres } from '../connection.js';
import { toIso } from '../mappers.js';

/** The reader being erased: their row's id and their address. */
export interface ErasedReader {
  id: number;
  email: string;
}

/** What an erasure takes or changes, by kind of row. */
export interface ReaderDataCounts {
  subscriptions: number;
  matches: number;
  digests: number;
  /** Kept for the counts, without the reader: address, id, replies and errors naming them go. */
  deliveries: number;
  /** Kept for the counts; the link to the reader goes. */
  trialClicks: number;
  /** Campaign recipients, kept for the campaign's totals without the reader. */
  campaignInvitations: number;
  /** Kept by kind and time; the recipient and diagnostic go. */
  bounces: number;
  /** Inbound messages that named the reader: their raw text goes. */
  inboundMessages: number;
  /** Their suppression row, when they have one. */
  suppression: SuppressionReason | null;
}

/** The reader's deliveries: theirs by id, or (a reader removed before) by address. */
function deliveriesOf(db: Db, reader: ErasedReader) {
  return db
    .selectFrom('deliveries')
    .select('id')
    .where((eb) =>
      eb.or([eb('subscriber_id', '=', reader.id), eb('recipient', '=', reader.email)]),
    );
}

/** Bounces naming the reader: by address, or about one of their deliveries. */
function bouncesOf(db: Db, reader: ErasedReader) {
  return db
    .selectFrom('bounces')
    .where((eb) =>
      eb.or([
        eb('recipient', '=', reader.email),
        eb('delivery_id', 'in', deliveriesOf(db, reader)),
      ]),
    );
}

async function count(query: { executeTakeFirst(): Promise<{ n: unknown } | undefined> }) {
  return Number((await query.executeTakeFirst())?.n ?? 0);
}

const n = sql<number>`count(*)`.as('n');

/** How many rows of each kind an erasure would take or change; changes nothing. */
export async function countReaderData(db: Db, reader: ErasedReader): Promise<ReaderDataCounts> {
  const byReader = (table: 'subscriptions' | 'matches' | 'digests') =>
    count(db.selectFrom(table).select(n).where('subscriber_id', '=', reader.id));
  const suppression = await db
    .selectFrom('suppressions')
    .select('reason')
    .where('email', '=', reader.email)
    .executeTakeFirst();
  return {
    subscriptions: await byReader('subscriptions'),
    matches: await byReader('matches'),
    digests: await byReader('digests'),
    deliveries: await count(
      db
        .selectFrom('deliveries')
        .select(n)
        .where((eb) =>
          eb.or([eb('subscriber_id', '=', reader.id), eb('recipient', '=', reader.email)]),
        ),
    ),
    trialClicks: await count(
      db.selectFrom('trial_clicks').select(n).where('email', '=', reader.email),
    ),
    campaignInvitations: await count(
      db
        .selectFrom('campaign_recipients')
        .select(n)
        .where((eb) =>
          eb.or([eb('subscriber_id', '=', reader.id), eb('email', '=', reader.email)]),
        ),
    ),
    bounces: await count(bouncesOf(db, reader).select(n)),
    inboundMessages: await count(
      db
        .selectFrom('inbound_messages')
        .select(n)
        .where('id', 'in', bouncesOf(db, reader).select('inbound_id')),
    ),
    suppression: suppression?.reason ?? null,
  };
}

/**
 * Whether a report about the reader said not to mail them (a complaint, a hard bounce, an
 * opt-out), as the reason a suppression would give; null: none did.
 */
export async function hasDoNotMailReport(
  db: Db,
  reader: ErasedReader,
): Promise<SuppressionReason | null> {
  const rows = await bouncesOf(db, reader)
    .select('kind')
    .distinct()
    .where('kind', 'in', ['hard', 'complaint', 'unsubscribe'])
    .execute();
  const kinds = new Set(rows.map((r) => r.kind));
  if (kinds.has('complaint')) return 'complaint';
  if (kinds.has('hard')) return 'hard-bounce';
  return kinds.has('unsubscribe') ? 'unsubscribed' : null;
}

export interface ErasurePlan {
  /**
   * What stands in for the address in rows kept for counts: a random value, the same in all
   * of this reader's rows (so "distinct readers" counts hold) and linked to nothing.
   */
  pseudonym: string;
  /** The keyed hash kept on the do-not-mail list, and why; null: nothing is kept. */
  doNotMail: { hash: string; reason: SuppressionReason } | null;
  /** Rule keys of the reader's own queries, whose text goes from the rule log. */
  ruleKeys: string[];
  now: Date;
}

const ERASED = 'the reader was erased';

/**
 * Takes the reader's row for the erasure's transaction, first: a digest build or match
 * recording already writing rows for them finishes first (and its rows are erased too); one
 * that starts later finds them gone. PostgreSQL: a row lock that waits for every transaction
 * holding a foreign key to the row. SQLite: the database's one write lock, taken now.
 */
export async function lockReaderForErasure(db: Db, readerId: number): Promise<void> {
  if (isPostgres(db)) {
    await sql`select id from subscribers where id = ${readerId} for update`.execute(db);
  } else {
    await sql`update subscribers set link_secret = link_secret where id = ${readerId}`.execute(db);
  }
}

/**
 * Erases a reader's personal data; call it inside a transaction. Rows that reports count are
 * kept without the reader; the rest go. A delivery still queued is settled `suppressed`, so
 * no worker mails it (a send claims a row only while it is `queued`).
 */
export async function eraseReaderRows(
  db: Db,
  reader: ErasedReader,
  plan: ErasurePlan,
): Promise<void> {
  const at = toIso(plan.now);
  const deliveryIds = (await deliveriesOf(db, reader).execute()).map((r) => r.id);
  const bounces = await bouncesOf(db, reader).select(['id', 'inbound_id']).execute();

  // Bounces stay by kind and time: an opt-out's recipient becomes the kept hash, so the
  // unsubscribe counts that dedupe by address still count this one once.
  for (const part of chunks(bounces.map((b) => b.id))) {
    await db
      .updateTable('bounces')
      .set({ recipient: plan.doNotMail?.hash ?? plan.pseudonym, diagnostic: null })
      .where('id', 'in', part)
      .execute();
  }
  for (const part of chunks([...new Set(bounces.map((b) => b.inbound_id))])) {
    await db
      .updateTable('inbound_messages')
      .set({ raw: Buffer.alloc(0), subject: null, sender: null })
      .where('id', 'in', part)
      .execute();
  }

  for (const part of chunks(deliveryIds)) {
    await db
      .updateTable('deliveries')
      .set({ status: 'suppressed', error: ERASED, updated_at: at })
      .where('id', 'in', part)
      .where('status', '=', 'queued')
      .execute();
    // A reply or error may quote the address; the delivery's kind, status and times stay.
    await db
      .updateTable('deliveries')
      .set({ error: null })
      .where('id', 'in', part)
      .where(mentions('error', reader.email))
      .execute();
    await db
      .updateTable('deliveries')
      .set({ subscriber_id: null, recipient: plan.pseudonym, digest_id: null, last_reply: null })
      .where('id', 'in', part)
      .execute();
  }
  await db
    .updateTable('trial_clicks')
    .set({ email: plan.pseudonym })
    .where('email', '=', reader.email)
    .execute();

  await db
    .updateTable('campaign_recipients')
    .set({ status: 'skipped', skip_reason: ERASED, updated_at: at })
    .where('subscriber_id', '=', reader.id)
    .where('status', '=', 'pending')
    .execute();
  await db
    .updateTable('campaign_recipients')
    .set({ subscriber_id: null, email: plan.pseudonym })
    .where((eb) => eb.or([eb('subscriber_id', '=', reader.id), eb('email', '=', reader.email)]))
    .execute();
  await db.deleteFrom('campaign_contacts').where('subscriber_id', '=', reader.id).execute();

  // The text of the reader's own queries goes from the rule log too (what they read about).
  for (const part of chunks(plan.ruleKeys)) {
    await db
      .updateTable('rule_changes')
      .set({ query: null })
      .where('rule_key', 'in', part)
      .execute();
  }
  await db.deleteFrom('matches').where('subscriber_id', '=', reader.id).execute();
  await db.deleteFrom('digests').where('subscriber_id', '=', reader.id).execute();
  await db.deleteFrom('subscriptions').where('subscriber_id', '=', reader.id).execute();

  const suppression = await db
    .selectFrom('suppressions')
    .select('created_at')
    .where('email', '=', reader.email)
    .executeTakeFirst();
  await db.deleteFrom('suppressions').where('email', '=', reader.email).execute();
  if (plan.doNotMail) {
    // Kept from the day it was first written, so counts by day do not move.
    const createdAt = suppression ? toIso(new Date(suppression.created_at)) : at;
    await db
      .insertInto('suppressions')
      .values({
        email: plan.doNotMail.hash,
        reason: plan.doNotMail.reason,
        detail: null,
        created_at: createdAt,
      })
      .onConflict((oc) => oc.column('email').doNothing())
      .execute();
  }
  await db.deleteFrom('subscribers').where('id', '=', reader.id).execute();
}

/** Ids per statement: well under SQLite's bound-parameter limit. */
function chunks<T>(values: readonly T[]): T[][] {
  return chunk(values, 500);
}

/** `column` holds the text somewhere (LIKE with its wildcards escaped, the same on both dialects). */
function mentions(column: string, text: string) {
  const pattern = `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
  return sql<boolean>`${sql.ref(column)} like ${pattern} escape '!'`;
}
