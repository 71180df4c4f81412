import { type Kysely, sql } from 'kysely';
import { columnTypes } from './column-types.js';

/**
 * A digest row is written when the digest falls due, before the reader's next send time
 * moves on, and is marked built once its email (or its emptiness) is recorded. A row still
 * unbuilt after a while is a digest whose build was lost (a job given up on, a worker killed
 * twice): the scheduler hands it on again. Rows from before this migration were built.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('digests').addColumn('built_at', t.timestamp).execute();
  await sql`update digests set built_at = created_at`.execute(db);
  await db.schema
    .createIndex('digests_unbuilt')
    .on('digests')
    .column('created_at')
    .where(sql.ref('built_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('digests_unbuilt').execute();
  await db.schema.alterTable('digests').dropColumn('built_at').execute();
}
