import { sql } from 'kysely';
import { type Db, isPostgres } from '../connection.js';
import { toIso } from '../mappers.js';

export interface RuleChange {
  version: number;
  ruleKey: string;
  /** Null: the rule was removed. */
  query: string | null;
}

/**
 * Logs that a rule was added or changed (`query`) or removed (`null`). Call it inside the
 * transaction that makes the change. On PostgreSQL the table lock makes entries commit in id
 * order, so a worker that has seen version N can never later find an entry below N.
 */
export async function recordRuleChange(
  db: Db,
  ruleKey: string,
  query: string | null,
  now: Date,
): Promise<void> {
  if (isPostgres(db)) await sql`lock table rule_changes in share row exclusive mode`.execute(db);
  await db
    .insertInto('rule_changes')
    .values({ rule_key: ruleKey, query, created_at: toIso(now) })
    .execute();
}

/** The current rules version: the id of the last change, 0 when there was none. */
export async function readRulesVersion(db: Db): Promise<number> {
  const row = await db
    .selectFrom('rule_changes')
    .select((eb) => eb.fn.max('id').as('version'))
    .executeTakeFirst();
  return Number(row?.version ?? 0);
}

/** The changes after `version`, oldest first, at most `limit`. */
export async function findRuleChangesAfter(
  db: Db,
  version: number,
  limit: number,
): Promise<RuleChange[]> {
  const rows = await db
    .selectFrom('rule_changes')
    .select(['id', 'rule_key', 'query'])
    .where('id', '>', version)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ version: r.id, ruleKey: r.rule_key, query: r.query }));
}
