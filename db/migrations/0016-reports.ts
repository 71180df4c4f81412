import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.js';

/*
 * What the reports under /admin/ read by day over a window, each from an index alone:
 * - the digest runs: deliveries of one kind by when they were made, with their outcome and
 *   send time, and the digests that fell due by when they were made;
 * - the campaigns' chart: trial clicks by when they came, with their campaign;
 * - the topics' followers (`topics list` too): each topic's readers, without the table.
 * The sends by day already have theirs (deliveries_sent, 0011-delivery-stats).
 *
 * And `report_days`: a closed UTC day's figures, kept once computed (the rows they come from
 * no longer change), so a report over 90 days reads 90 small rows and the live edges of its
 * window. Counts only: no reader is named, so retention and erasure leave them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('report_days')
    .addColumn('series', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('figures', 'text', (c) => c.notNull())
    .addColumn('kept_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('report_days_pk', ['series', 'day'])
    .execute();
  await db.schema
    .createIndex('deliveries_made')
    .on('deliveries')
    .columns(['kind', 'created_at', 'status', 'sent_at'])
    .execute();
  await db.schema
    .createIndex('digests_made')
    .on('digests')
    .columns(['created_at', 'cadence'])
    .execute();
  await db.schema
    .createIndex('trial_clicks_made')
    .on('trial_clicks')
    .columns(['created_at', 'campaign_id'])
    .execute();
  await db.schema
    .createIndex('subscriptions_topic_reader')
    .on('subscriptions')
    .columns(['topic_id', 'subscriber_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('report_days').execute();
  await db.schema.dropIndex('subscriptions_topic_reader').execute();
  await db.schema.dropIndex('trial_clicks_made').execute();
  await db.schema.dropIndex('digests_made').execute();
  await db.schema.dropIndex('deliveries_made').execute();
}
