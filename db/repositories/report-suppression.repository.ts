import { sql } from 'kysely';
import type { SuppressionReason } from '../../src/domain/suppression.js';
import type { Db } from '../connection.js';

/** The addresses suppressed now, per reason (the suppressions_reason index alone). */
export async function countSuppressionsByReason(db: Db): Promise<Map<SuppressionReason, number>> {
  const rows = await db
    .selectFrom('suppressions')
    .select(['reason', sql<number>`count(*)`.as('n')])
    .groupBy('reason')
    .execute();
  return new Map(rows.map((row) => [row.reason, Number(row.n)]));
}
