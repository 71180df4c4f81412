import { sql } from 'kysely';
import { type Db, isPostgres } from '../connection.js';

/** How many rows the tables an administrator knows by name hold. */
export async function countInstallationRows(db: Db): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of [
    'subscribers',
    'topics',
    'subscriptions',
    'stories',
    'digests',
    'deliveries',
  ] as const) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    counts[table] = Number(row?.n ?? 0);
  }
  return counts;
}

/** Drops every table of the database's schema, the migration log among them. */
export async function dropAllTables(db: Db): Promise<string[]> {
  if (isPostgres(db)) {
    const { rows } = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db);
    const names = rows.map((r) => r.name);
    if (names.length > 0)
      await sql`drop table if exists ${sql.join(names.map((n) => sql.id(n)))} cascade`.execute(db);
    return names;
  }
  const { rows } = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db);
  const names = rows.map((r) => r.name);
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    for (const name of names) await sql`drop table if exists ${sql.id(name)}`.execute(db);
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
  return names;
}
