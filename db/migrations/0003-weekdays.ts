import { type Kysely, sql } from 'kysely';
import { columnTypes } from './column-types.js';

/** Daily subscriptions may skip weekends and US federal holidays; existing ones keep every day. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  // A boolean column's default in each dialect's own terms: PostgreSQL refuses 0 for boolean.
  const off = t.boolean === 'boolean' ? sql`false` : sql`0`;
  await db.schema
    .alterTable('subscriptions')
    .addColumn('weekdays', t.boolean, (c) => c.notNull().defaultTo(off))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('subscriptions').dropColumn('weekdays').execute();
}
