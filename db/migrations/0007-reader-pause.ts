import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.js';

/**
 * A reader may pause everything for a while (a holiday): until then no story is matched for
 * them and no digest is due. Null is not paused.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('subscribers').addColumn('paused_until', t.timestamp).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('subscribers').dropColumn('paused_until').execute();
}
