import type { Selectable } from 'kysely';
import type { Suppression, SuppressionReason } from '../../src/domain/suppression.js';
import { chunk } from '../chunk.js';
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
const suppressionOf = reusableQuery((db: Db, email: string, hash: string, previousHash: string) =>
  db.selectFrom('suppressions').selectAll().where('email', 'in', [email, hash, previousHash]),
);

/**
 * The address's suppression: its own row, or else the keyed hash an erased reader's address
 * was kept under (`hashes`: under the current key, and the previous one during a rotation).
 */
export async function findSuppression(
  db: Db,
  email: string,
  hashes: readonly string[] = [],
): Promise<Suppression | undefined> {
  const hash = hashes[0] ?? email;
  const { rows } = await suppressionOf(db, email, hash, hashes[1] ?? hash);
  const row = rows.find((r) => r.email === email) ?? rows[0];
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

/** The suppressions kept under any of `emails` (addresses or kept hashes), in chunks. */
export async function findSuppressionsByEmail(
  db: Db,
  emails: readonly string[],
): Promise<{ email: string; reason: SuppressionReason }[]> {
  const found: { email: string; reason: SuppressionReason }[] = [];
  for (const part of chunk(emails, 500)) {
    const rows = await db
      .selectFrom('suppressions')
      .select(['email', 'reason'])
      .where('email', 'in', part)
      .execute();
    found.push(...rows);
  }
  return found;
}
