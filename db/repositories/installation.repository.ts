import { sql } from 'kysely';
import type { Db } from '../connection.js';

/** The id this database was given when it was created. */
export async function readInstallationId(db: Db): Promise<string> {
  const row = await db.selectFrom('installation').select('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Answers when the database does: one round trip that reads no table. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
