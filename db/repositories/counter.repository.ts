import type { Db } from '../connection.js';

/**
 * The rules version: bumped whenever a topic or a subscription changes, so every worker
 * process can tell with one cheap read that its rule index is stale.
 */
export async function bumpRulesVersion(db: Db): Promise<void> {
  await db
    .updateTable('counters')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('name', '=', 'rules')
    .execute();
}

export async function readRulesVersion(db: Db): Promise<number> {
  const row = await db
    .selectFrom('counters')
    .select('value')
    .where('name', '=', 'rules')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}
