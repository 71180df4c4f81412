import {
  removeSiteLicense,
  listSiteLicenses as selectSiteLicenses,
  upsertSiteLicense,
} from '../../../db/repositories/site-license.repository.js';
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

export async function listSiteLicenses(ctx: ServiceContext): Promise<SiteLicense[]> {
  return selectSiteLicenses(ctx.db);
}

export async function revokeSiteLicense(ctx: ServiceContext, domain: string): Promise<void> {
  if (!(await removeSiteLicense(ctx.db, domain)))
    throw new InputError(`no site license for ${domain}`, {
      field: 'domain',
      problem: 'not-found',
    });
}
