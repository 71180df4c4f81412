import type { Db } from '../connection.js';
import type { Database } from '../schema.js';

/** How many rows a table holds: a listing that stopped short says of how many. */
export async function countTableRows(db: Db, table: keyof Database & string): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
