import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.js';

/**
 * Marketing consent is kept with where and when it was given (a campaign may only go to a
 * reader whose consent is on record), and a trial click remembers when it turned into a trial,
 * so campaigns and digests can be credited with the trials they started.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('subscribers').addColumn('consent_source', 'text').execute();
  await db.schema.alterTable('subscribers').addColumn('consent_at', t.timestamp).execute();
  await db.schema.alterTable('trial_clicks').addColumn('trial_started_at', t.timestamp).execute();
  await db.schema
    .createIndex('trial_clicks_campaign')
    .on('trial_clicks')
    .columns(['campaign_id', 'email'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('trial_clicks_campaign').execute();
  await db.schema.alterTable('trial_clicks').dropColumn('trial_started_at').execute();
  await db.schema.alterTable('subscribers').dropColumn('consent_at').execute();
  await db.schema.alterTable('subscribers').dropColumn('consent_source').execute();
}
