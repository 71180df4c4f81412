import { CompiledQuery, sql } from 'kysely';
import { type Db, isPostgres } from '../../db/connection.js';

/** A statement as the database ran it. */
export interface Statement {
  sql: string;
  parameters: readonly unknown[];
}

/** The plan's lines as the database gives them (`explain`, `explain query plan`). */
export async function planLines(db: Db, statement: Statement): Promise<string[]> {
  if (isPostgres(db)) {
    const plan = await db.executeQuery<{ 'QUERY PLAN': string }>(
      CompiledQuery.raw(`explain ${statement.sql}`, [...statement.parameters]),
    );
    return plan.rows.map((row) => row['QUERY PLAN']);
  }
  const plan = await db.executeQuery<{ detail: string }>(
    CompiledQuery.raw(`explain query plan ${statement.sql}`, [...statement.parameters]),
  );
  return plan.rows.map((row) => row.detail);
}

/**
 * The plan's lines that read one of `tables` in full with no index that fits (PostgreSQL:
 * with sequential scans forbidden, so a tiny table still shows whether an index fits).
 * `allowed` lists index names whose full walk is what the statement wants (a count of every
 * row by a column the index holds).
 */
export async function fullScans(
  db: Db,
  statement: Statement,
  tables: readonly string[],
  allowed: readonly string[] = [],
): Promise<string[]> {
  if (isPostgres(db)) {
    return db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      const lines = await planLines(trx, statement);
      return lines.filter((line) => tables.some((table) => line.includes(`Seq Scan on ${table}`)));
    });
  }
  return (await planLines(db, statement))
    .filter((detail) => tables.some((table) => new RegExp(`^SCAN ${table}\\b`).test(detail)))
    .filter((detail) => !allowed.some((index) => detail.endsWith(`USING COVERING INDEX ${index}`)));
}
