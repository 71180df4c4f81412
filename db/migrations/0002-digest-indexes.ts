import { type Kysely, sql } from 'kysely';

/**
 * Indexes that fit the digest path at a publisher's size (100,000 readers, 500,000 match
 * rows): a digest's own matches, and a reader's unclaimed matches of one cadence. The sweep's
 * index of waiting matches is narrowed to instant ones, the only ones it looks for, so the
 * planner cannot take it for a digest's claim and walk every waiting match of a cadence.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('matches_digest')
    .on('matches')
    .column('digest_id')
    .where(sql.ref('digest_id'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('matches_unclaimed')
    .on('matches')
    .columns(['subscriber_id', 'cadence', 'created_at'])
    .where(sql.ref('digest_id'), 'is', null)
    .execute();
  // A worker builds its rule index from the readers' own queries when it starts.
  await db.schema
    .createIndex('subscriptions_custom_query')
    .on('subscriptions')
    .column('id')
    .where(sql.ref('query'), 'is not', null)
    .execute();
  await db.schema.dropIndex('matches_waiting').execute();
  await db.schema
    .createIndex('matches_waiting')
    .on('matches')
    .column('created_at')
    .where(sql.ref('digest_id'), 'is', null)
    .where(sql.ref('cadence'), '=', sql.lit('instant'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('matches_waiting').execute();
  await db.schema
    .createIndex('matches_waiting')
    .on('matches')
    .columns(['cadence', 'created_at'])
    .where(sql.ref('digest_id'), 'is', null)
    .execute();
  await db.schema.dropIndex('subscriptions_custom_query').execute();
  await db.schema.dropIndex('matches_unclaimed').execute();
  await db.schema.dropIndex('matches_digest').execute();
}
