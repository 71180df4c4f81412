import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.js';

/**
 * Marketing campaigns: the campaign itself, its recipients (fixed when sending starts, each
 * with the outcome of the check made just before it is sent), and two small tables whose
 * primary keys make the per-domain and cooldown rules hold even when two senders race.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('campaigns')
    .addColumn('id', t.id, t.identity)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('audience', 'text')
    .addColumn('intro', 'text')
    .addColumn('story_count', 'integer', (c) => c.notNull())
    .addColumn('send_at', t.timestamp)
    .addColumn('rate', 'integer', (c) => c.notNull())
    .addColumn('one_per_domain', t.boolean, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('audience_fixed_at', t.timestamp)
    .addColumn('finished_at', t.timestamp)
    // While a step runs it holds the campaign until this instant: steps never overlap.
    .addColumn('step_lease_until', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('campaigns_status').on('campaigns').column('status').execute();

  await db.schema
    .createTable('campaign_recipients')
    .addColumn('id', t.id, t.identity)
    .addColumn('campaign_id', 'integer', (c) =>
      c.notNull().references('campaigns.id').onDelete('cascade'),
    )
    .addColumn('subscriber_id', 'integer', (c) =>
      c.notNull().references('subscribers.id').onDelete('cascade'),
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
  await db.schema
    .createIndex('campaign_recipients_next')
    .on('campaign_recipients')
    .columns(['campaign_id', 'status', 'id'])
    .execute();

  // One row per email domain a one-per-domain campaign has invited.
  await db.schema
    .createTable('campaign_domains')
    .addColumn('campaign_id', 'integer', (c) =>
      c.notNull().references('campaigns.id').onDelete('cascade'),
    )
    .addColumn('domain', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('campaign_domains_pk', ['campaign_id', 'domain'])
    .execute();

  // The last invitation each reader was handed, for CAMPAIGN_COOLDOWN.
  await db.schema
    .createTable('campaign_contacts')
    .addColumn('subscriber_id', 'integer', (c) =>
      c.primaryKey().references('subscribers.id').onDelete('cascade'),
    )
    .addColumn('campaign_id', 'integer', (c) => c.notNull())
    .addColumn('contacted_at', t.timestamp, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['campaign_contacts', 'campaign_domains', 'campaign_recipients', 'campaigns'])
    await db.schema.dropTable(table).ifExists().execute();
}
