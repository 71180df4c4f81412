import type { SiteLicense } from '../../src/domain/access.js';
import type { Db } from '../connection.js';
import { toDate, toDateOrNull, toIso } from '../mappers.js';

/** Adds a site license or changes its end date. */
export async function upsertSiteLicense(
  db: Db,
  domain: string,
  until: Date | null,
  now: Date,
): Promise<void> {
  await db
    .insertInto('site_licenses')
    .values({ domain, until: until && toIso(until), created_at: toIso(now) })
    .onConflict((oc) => oc.column('domain').doUpdateSet({ until: until && toIso(until) }))
    .execute();
}

export async function removeSiteLicense(db: Db, domain: string): Promise<boolean> {
  const result = await db
    .deleteFrom('site_licenses')
    .where('domain', '=', domain)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Site licenses by domain; `limit` null: all of them. */
export async function listSiteLicenses(
  db: Db,
  limit: number | null = null,
): Promise<SiteLicense[]> {
  let query = db.selectFrom('site_licenses').selectAll().orderBy('domain');
  if (limit !== null) query = query.limit(limit);
  const rows = await query.execute();
  return rows.map((row) => ({
    domain: row.domain,
    until: toDateOrNull(row.until),
    createdAt: toDate(row.created_at),
  }));
}
