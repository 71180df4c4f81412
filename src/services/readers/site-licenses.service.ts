import {
  removeSiteLicense,
  listSiteLicenses as selectSiteLicenses,
  upsertSiteLicense,
} from '../../../db/repositories/site-license.repository.js';
import { countTableRows } from '../../../db/repositories/table-count.js';
import type { SiteLicense } from '../../domain/access.js';
import type { ServiceContext } from '../context.js';
import { InputError } from '../input-error.js';
import { forgetSharedReads } from '../shared-reads.js';

/** Gives every address at `domain` full access, until the end of `until` or for good. */
export async function grantSiteLicense(
  ctx: ServiceContext,
  domain: string,
  until: Date | null,
): Promise<void> {
  await upsertSiteLicense(ctx.db, domain, until, ctx.now());
  forgetSharedReads(ctx.db);
}

/** Site licenses by domain (at most `limit` when given). */
export async function listSiteLicenses(
  ctx: ServiceContext,
  options: { limit?: number | null } = {},
): Promise<SiteLicense[]> {
  return selectSiteLicenses(ctx.db, options.limit ?? null);
}

/** How many site licenses there are. */
export async function countSiteLicenses(ctx: ServiceContext): Promise<number> {
  return countTableRows(ctx.db, 'site_licenses');
}

export async function revokeSiteLicense(ctx: ServiceContext, domain: string): Promise<void> {
  if (!(await removeSiteLicense(ctx.db, domain)))
    throw new InputError(`no site license for ${domain}`, {
      field: 'domain',
      problem: 'not-found',
    });
}
