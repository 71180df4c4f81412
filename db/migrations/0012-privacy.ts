import { type Kysely, PostgresAdapter, sql } from 'kysely';
import { columnTypes } from './column-types.js';

/**
 * What erasing a reader needs:
 * - `subscribers.link_secret`: a random secret of each reader's own, part of every personal
 *   link's signature, so an erased reader's links die with their row (a reader added again gets
 *   a new row and a new secret). Existing readers get one here.
 * - `subscribers.legacy_links`: set for the readers that exist now, whose emails already sent
 *   carry links of the older format (naming the address). Only they may still use such a link;
 *   a reader added after this migration (an erased address added again included) never can.
 * - `campaign_recipients.subscriber_id` may be null: an erased reader's invitation stays,
 *   without them, so a campaign's totals do not change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema.alterTable('subscribers').addColumn('link_secret', 'text').execute();
  await db.schema
    .alterTable('subscribers')
    .addColumn('legacy_links', t.boolean, (c) => c.notNull().defaultTo(postgres ? sql`false` : 0))
    .execute();
  // 128 random bits each, from the database's own strong source (SQLite's randomblob is a
  // CSPRNG seeded by the OS; gen_random_uuid is built into PostgreSQL 13+).
  await sql`update subscribers set link_secret = ${
    postgres ? sql`replace(gen_random_uuid()::text, '-', '')` : sql`lower(hex(randomblob(16)))`
  }, legacy_links = ${postgres ? sql`true` : sql`1`}`.execute(db);

  if (postgres) {
    await sql`alter table campaign_recipients alter column subscriber_id drop not null`.execute(db);
  } else {
    await rebuildCampaignRecipientsForSqlite(db, t);
  }
}

/**
 * SQLite cannot drop a NOT NULL: the table is made again (its documented way: create, copy,
 * drop, rename). No other table points at campaign_recipients, so dropping it is safe with
 * foreign keys on.
 */
async function rebuildCampaignRecipientsForSqlite(
  db: Kysely<unknown>,
  t: ReturnType<typeof columnTypes>,
): Promise<void> {
  await db.schema
    .createTable('campaign_recipients_0012')
    .addColumn('id', t.id, t.identity)
    .addColumn('campaign_id', 'integer', (c) =>
      c.notNull().references('campaigns.id').onDelete('cascade'),
    )
    .addColumn('subscriber_id', 'integer', (c) =>
      c.references('subscribers.id').onDelete('set null'),
    )
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('skip_reason', 'text')
    .addColumn('delivery_id', 'integer', (c) => c.unique().references('deliveries.id'))
    .addColumn('queued_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('campaign_recipients_once', ['campaign_id', 'subscriber_id'])
    .execute();
  await sql`insert into campaign_recipients_0012 (id, campaign_id, subscriber_id, email, domain,
      status, skip_reason, delivery_id, queued_at, created_at, updated_at)
    select id, campaign_id, subscriber_id, email, domain, status, skip_reason, delivery_id,
      queued_at, created_at, updated_at from campaign_recipients`.execute(db);
  await db.schema.dropTable('campaign_recipients').execute();
  await sql`alter table campaign_recipients_0012 rename to campaign_recipients`.execute(db);
  await db.schema
    .createIndex('campaign_recipients_next')
    .on('campaign_recipients')
    .columns(['campaign_id', 'status', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // The recipients column stays nullable: rows erased since cannot be given a reader back.
  await db.schema.alterTable('subscribers').dropColumn('legacy_links').execute();
  await db.schema.alterTable('subscribers').dropColumn('link_secret').execute();
}
