import { emailDomain, type Plan } from './reader.js';

/** What access needs to know about a reader. */
export interface AccessReader {
  email: string;
  plan: Plan;
  /** End of the trial; only read when `plan` is `trial`. */
  trialEndsAt: Date | null;
}

/** A site license: everyone at `domain` reads in full until `until` (`null`: no end). */
export interface SiteLicense {
  domain: string;
  until: Date | null;
  createdAt: Date;
}

/** What the access decision reads of a site license. */
export type LicenseTerms = Pick<SiteLicense, 'domain' | 'until'>;

/** Why a reader may, or may not, read paywalled stories. */
export type AccessReason = 'subscriber' | 'trial' | 'site-license' | 'none';

export interface AccessDecision {
  full: boolean;
  reason: AccessReason;
}

/**
 * Decides whether a reader gets full stories or teasers with trial links.
 *
 * Full access: plan `subscriber`; plan `trial` with `trialEndsAt` after `now`; or a site
 * license, not expired at `now`, whose domain is the reader's email domain or a parent of it
 * (a license for `acme.com` covers `ann@acme.com` and `ann@eu.acme.com`, never
 * `ann@notacme.com`). Domains compare case-insensitively. A license whose `until` is `now` or
 * earlier has expired, as has a trial whose end is `now` or earlier.
 */
export function decideAccess(
  reader: AccessReader,
  licenses: readonly LicenseTerms[],
  now: Date,
): AccessDecision {
  if (reader.plan === 'subscriber') return { full: true, reason: 'subscriber' };
  if (reader.plan === 'trial' && reader.trialEndsAt && reader.trialEndsAt > now) {
    return { full: true, reason: 'trial' };
  }
  const domain = normalizeDomain(emailDomain(reader.email));
  if (domain && licenses.some((license) => coversDomain(license, domain, now))) {
    return { full: true, reason: 'site-license' };
  }
  return { full: false, reason: 'none' };
}

function coversDomain(license: LicenseTerms, domain: string, now: Date): boolean {
  if (license.until !== null && license.until <= now) return false;
  const licensed = normalizeDomain(license.domain);
  if (licensed === '') return false;
  return domain === licensed || domain.endsWith(`.${licensed}`);
}

/** `@Acme.COM.` and `acme.com` name the same domain. */
function normalizeDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/^@/, '').replace(/\.$/, '');
}
