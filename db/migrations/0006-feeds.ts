import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.js';

/**
 * The publisher's RSS and Atom feeds that Bulletin polls: what every story from a feed gets
 * (section, access, tags), the validators of the last answer for a conditional GET, and the
 * outcome of the last poll, shown in `feeds list`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('feeds')
    .addColumn('id', t.id, t.identity)
    .addColumn('url', 'text', (c) => c.notNull().unique())
    .addColumn('every_ms', 'integer', (c) => c.notNull())
    .addColumn('section', 'text')
    .addColumn('access', 'text', (c) => c.notNull())
    .addColumn('tags', t.json, (c) => c.notNull())
    .addColumn('etag', 'text')
    .addColumn('last_modified', 'text')
    .addColumn('last_polled_at', t.timestamp)
    .addColumn('last_success_at', t.timestamp)
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('feeds').ifExists().execute();
}
