import type { Kysely } from 'kysely';

/**
 * What `deliveries stats` reads over a window: the deliveries sent in it (by when they were
 * sent, with their kind so SQLite answers from the index alone) and the readers who
 * unsubscribed in it. Bounces already have their index by kind and time (0010-bounces).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('deliveries_sent')
    .on('deliveries')
    .columns(['sent_at', 'kind'])
    .execute();
  await db.schema
    .createIndex('suppressions_reason')
    .on('suppressions')
    .columns(['reason', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('suppressions_reason').execute();
  await db.schema.dropIndex('deliveries_sent').execute();
}
