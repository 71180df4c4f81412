import type { Kysely } from 'kysely';

/*
 * What the reports under /admin/ read by day over a window, each from an index alone:
 * - the digest runs: deliveries of one kind by when they were made, with their outcome and
 *   send time, and the digests that fell due by when they were made;
 * - the campaigns' chart: trial clicks by when they came, with their campaign;
 * - the topics' followers (`topics list` too): each topic's readers, without the table.
 * The sends by day already have theirs (deliveries_sent, 0011-delivery-stats).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
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
  await db.schema.dropIndex('subscriptions_topic_reader').execute();
  await db.schema.dropIndex('trial_clicks_made').execute();
  await db.schema.dropIndex('digests_made').execute();
  await db.schema.dropIndex('deliveries_made').execute();
}
