import type { Db } from '../connection.js';

/** The id this database was given when it was created. */
export async function readInstallationId(db: Db): Promise<string> {
  const row = await db.selectFrom('installation').select('id').executeTakeFirstOrThrow();
  return row.id;
}
