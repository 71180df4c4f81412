import { type Kysely, sql } from 'kysely';
import { columnTypes } from './column-types.js';

/**
 * Bounces and complaints. Every message or provider event that arrives at one of the inbound
 * doors is an `inbound_messages` row, known by its fingerprint (so the same one twice changes
 * nothing) and kept, capped, for an admin to review; each recipient it reports on is a
 * `bounces` row, matched to a delivery of ours only when a signed tag says so.
 *
 * `bounces.delivery_id` has no foreign key: retention and a reader's erasure may delete the
 * delivery, and the bounce (what the mail server said, when) outlives it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('inbound_messages')
    .addColumn('id', t.id, t.identity)
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull().unique())
    .addColumn('received_at', t.timestamp, (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('sender', 'text')
    // The first 256 KB of the message (or the provider's event), as bytes; raw_bytes is the
    // whole size, so a review knows when it sees only the start.
    .addColumn('raw', t.bytes, (c) => c.notNull())
    .addColumn('raw_bytes', 'integer', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('inbound_messages_received')
    .on('inbound_messages')
    .column('received_at')
    .execute();

  await db.schema
    .createTable('bounces')
    .addColumn('id', t.id, t.identity)
    .addColumn('inbound_id', 'integer', (c) =>
      c.notNull().references('inbound_messages.id').onDelete('cascade'),
    )
    .addColumn('delivery_id', 'integer')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text')
    .addColumn('status', 'text')
    .addColumn('diagnostic', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('received_at', t.timestamp, (c) => c.notNull())
    // The suppression this bounce called for (in force once it was recorded), or null.
    .addColumn('suppressed', 'text')
    .execute();
  // Soft bounces of one address in the window; a reader's bounces.
  await db.schema
    .createIndex('bounces_recipient')
    .on('bounces')
    .columns(['recipient', 'received_at'])
    .execute();
  // A delivery's bounce (deliveries list, the soft-bounce rule's "no bounce").
  await db.schema.createIndex('bounces_delivery').on('bounces').column('delivery_id').execute();
  // bounces list --kind, and the rates by kind over a period.
  await db.schema
    .createIndex('bounces_kind')
    .on('bounces')
    .columns(['kind', 'received_at'])
    .execute();
  await db.schema.createIndex('bounces_inbound').on('bounces').column('inbound_id').execute();
  // bounces list --since, and retention deleting the oldest.
  await db.schema.createIndex('bounces_received').on('bounces').column('received_at').execute();

  // What the bounce or complaint said ("5.1.1 user unknown"), beside the reason.
  await db.schema.alterTable('suppressions').addColumn('detail', 'text').execute();
  // Why a campaign paused itself (its complaint or hard-bounce rate); null: paused by hand.
  await db.schema.alterTable('campaigns').addColumn('paused_reason', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('campaigns').dropColumn('paused_reason').execute();
  await db.schema.alterTable('suppressions').dropColumn('detail').execute();
  // Still not to be mailed: the reason the older code knows that lifts nothing by itself.
  await sql`update suppressions set reason = 'manual' where reason = 'soft-bounce'`.execute(db);
  await db.schema.dropTable('bounces').execute();
  await db.schema.dropTable('inbound_messages').execute();
}
