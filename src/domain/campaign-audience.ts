import { emailDomain, type Plan } from './reader.js';

/** Plans a campaign may be sent to; `trial` means a trial that has ended. */
export const PROSPECT_PLANS = ['prospect', 'free', 'trial'] as const satisfies readonly Plan[];
export type ProspectPlan = (typeof PROSPECT_PLANS)[number];

/**
 * Who a campaign is for, on top of the rules every campaign obeys (consent on record, no full
 * access). Every filter given must hold; within one, any of its values.
 */
export interface AudienceFilter {
  plans: ProspectPlan[] | null;
  /** Topic slugs: the reader follows at least one. */
  topics: string[] | null;
  /** A query in the rule language, matched against the stories the reader was sent. */
  interest: string | null;
  signedUpAfter: Date | null;
  signedUpBefore: Date | null;
  /** Email domains; a parent domain covers its subdomains. */
  domains: string[] | null;
}

export const EVERY_PROSPECT: AudienceFilter = {
  plans: null,
  topics: null,
  interest: null,
  signedUpAfter: null,
  signedUpBefore: null,
  domains: null,
};

export type AudienceParse = { ok: true; filter: AudienceFilter } | { ok: false; error: string };

const KEYS = ['plan', 'topic', 'interest', 'signed-up-after', 'signed-up-before', 'domain'];

/**
 * Reads the audience filters: clauses `key=value` separated by `;`, for example
 * `plan=free,prospect; topic=russia-sanctions; interest=sanctions AND bank; domain=acme.com;
 * signed-up-after=2026-01-01`. Lists are comma-separated. The interest query is checked by
 * the caller (it needs the rule parser's message); here only its presence.
 */
export function parseAudience(text: string | null | undefined): AudienceParse {
  const filter: AudienceFilter = { ...EVERY_PROSPECT };
  if (!text?.trim()) return { ok: true, filter };
  const seen = new Set<string>();
  for (const clause of text.split(';')) {
    if (!clause.trim()) continue;
    const eq = clause.indexOf('=');
    const key = (eq < 0 ? clause : clause.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : clause.slice(eq + 1).trim();
    if (!KEYS.includes(key))
      return { ok: false, error: `unknown filter "${key}" (use ${KEYS.join(', ')})` };
    if (seen.has(key)) return { ok: false, error: `"${key}" is given twice` };
    seen.add(key);
    if (!value) return { ok: false, error: `"${key}" needs a value, as in ${key}=…` };
    const list = value
      .split(',')
      .map((v) => v.trim().toLowerCase())
      .filter(Boolean);
    switch (key) {
      case 'plan': {
        const wrong = list.find((plan) => !PROSPECT_PLANS.includes(plan as ProspectPlan));
        if (wrong)
          return {
            ok: false,
            error: `plan "${wrong}" is never invited (use ${PROSPECT_PLANS.join(', ')})`,
          };
        filter.plans = list as ProspectPlan[];
        break;
      }
      case 'topic':
        filter.topics = list;
        break;
      case 'domain':
        filter.domains = list.map((d) => d.replace(/^@/, '').replace(/\.$/, ''));
        break;
      case 'interest':
        filter.interest = value;
        break;
      default: {
        const date = new Date(value);
        if (Number.isNaN(date.getTime()))
          return { ok: false, error: `${key}: "${value}" is not a date (use YYYY-MM-DD)` };
        if (key === 'signed-up-after') filter.signedUpAfter = date;
        else filter.signedUpBefore = date;
      }
    }
  }
  return { ok: true, filter };
}

/** Whether an address is at one of the domains (or below one). */
export function isInDomains(email: string, domains: readonly string[]): boolean {
  const domain = emailDomain(email);
  return domains.some((d) => domain === d || domain.endsWith(`.${d}`));
}
