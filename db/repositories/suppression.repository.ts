import type { Selectable } from 'kysely';
import type { Suppression, SuppressionReason } from '../../src/domain/suppression.js';
import type { Db } from '../connection.js';
import { toDate, toIso } from '../mappers.js';
import { reusableQuery } from '../reusable-query.js';
import type { SuppressionsTable } from '../schema.js';

/** Adds a suppression; an address already suppressed keeps its first reason. */
export async function addSuppression(
  db: Db,
  email: string,
  reason: SuppressionReason,
  now: Date,
): Promise<void> {
  await db
    .insertInto('suppressions')
    .values({ email, reason, created_at: toIso(now) })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
}

export async function removeSuppression(db: Db, email: string): Promise<boolean> {
  const result = await db.deleteFrom('suppressions').where('email', '=', email).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Checked before every send: built once (see {@link reusableQuery}). */
const suppressionOf = reusableQuery((db: Db, email: string) =>
  db.selectFrom('suppressions').selectAll().where('email', '=', email),
);

export async function findSuppression(db: Db, email: string): Promise<Suppression | undefined> {
  const [row] = (await suppressionOf(db, email)).rows;
  return row && toSuppression(row);
}

/** Suppressed addresses in order; `limit` null: all of them. */
export async function listSuppressions(
  db: Db,
  limit: number | null = null,
): Promise<Suppression[]> {
  let query = db.selectFrom('suppressions').selectAll().orderBy('email');
  if (limit !== null) query = query.limit(limit);
  const rows = await query.execute();
  return rows.map(toSuppression);
}

function toSuppression(row: Selectable<SuppressionsTable>): Suppression {
  return {
    email: row.email,
    reason: row.reason,
    detail: row.detail ?? null,
    createdAt: toDate(row.created_at),
  };
}
