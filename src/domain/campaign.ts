import { type AccessDecision, decideAccess, type LicenseTerms } from './access.js';
import type { Reader } from './reader.js';

/** A campaign's life: drafted, maybe scheduled, sending (or paused), then done or cancelled. */
export const CAMPAIGN_STATUSES = [
  'draft',
  'scheduled',
  'sending',
  'paused',
  'done',
  'cancelled',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** A marketing send of trial invitations to an audience of prospects. */
export interface Campaign {
  id: number;
  name: string;
  subject: string;
  /** The audience filters as given; null for every prospect with consent. */
  audience: string | null;
  intro: string | null;
  /** How many stories each invitation shows. */
  storyCount: number;
  sendAt: Date | null;
  /** Invitations handed to the mail transport per second, at most. */
  rate: number;
  onePerDomain: boolean;
  status: CampaignStatus;
  /** When sending started and the recipients were recorded. */
  audienceFixedAt: Date | null;
  finishedAt: Date | null;
  /** Why it paused itself (its complaint or hard-bounce rate); null: paused by hand, or not paused. */
  pausedReason: string | null;
  createdAt: Date;
}

/**
 * Why a recorded recipient was not invited after all, decided just before their invitation
 * would be sent. `suppressed` is counted apart from the others, as the deliveries are.
 */
export type SkipReason =
  | 'suppressed'
  | 'no-consent'
  | 'unsubscribed'
  | 'has-access'
  | 'domain-already-invited'
  | 'cooldown'
  | 'reader-removed'
  | 'no-stories';

/** What the check at send time reads of a recipient. */
export interface EligibilityFacts {
  reader: Pick<
    Reader,
    'email' | 'plan' | 'trialEndsAt' | 'status' | 'marketingConsent' | 'consentSource' | 'consentAt'
  >;
  licenses: readonly LicenseTerms[];
  suppressed: boolean;
  now: Date;
}

/**
 * Decides whether a recipient recorded when the audience was fixed may still be invited now:
 * not suppressed, not unsubscribed, marketing consent still on record, and no full access
 * (a trial started or a subscription bought since, or a site license). The per-domain and
 * cooldown rules are claimed in the database, where two senders cannot both win.
 */
export function checkEligibility(facts: EligibilityFacts): SkipReason | null {
  if (facts.suppressed) return 'suppressed';
  if (facts.reader.status !== 'active') return 'unsubscribed';
  if (!hasRecordedConsent(facts.reader)) return 'no-consent';
  if (decideAccess(facts.reader, facts.licenses, facts.now).full) return 'has-access';
  return null;
}

/** Consent counts only with where and when it was given. */
export function hasRecordedConsent(
  reader: Pick<Reader, 'marketingConsent' | 'consentSource' | 'consentAt'>,
): boolean {
  return (
    reader.marketingConsent && Boolean(reader.consentSource?.trim()) && reader.consentAt !== null
  );
}

/**
 * A prospect: plan `prospect` or `free`, or a trial that has ended, and no full access by any
 * other way (a site license). Only prospects are ever invited.
 */
export function isProspect(
  reader: Pick<Reader, 'email' | 'plan' | 'trialEndsAt'>,
  licenses: readonly LicenseTerms[],
  now: Date,
): boolean {
  const access: AccessDecision = decideAccess(reader, licenses, now);
  if (access.full) return false;
  return reader.plan === 'prospect' || reader.plan === 'free' || reader.plan === 'trial';
}

/** A campaign's counts, as `campaigns status` shows them. */
export interface CampaignCounts {
  total: number;
  /** Recorded, not yet checked or handed on. */
  pending: number;
  /** Handed to the send path, not yet accepted or refused. */
  queued: number;
  sending: number;
  sent: number;
  failed: number;
  suppressed: number;
  skipped: number;
  cancelled: number;
  skippedBy: Partial<Record<SkipReason, number>>;
}

/**
 * Seconds until the last invitation is handed over: what is left, at the pace measured since
 * sending started, or at the campaign's rate before there is a pace to measure. Null when
 * nothing is left or the campaign is not sending.
 */
export function estimateSecondsLeft(
  campaign: Pick<Campaign, 'status' | 'rate' | 'audienceFixedAt'>,
  counts: CampaignCounts,
  now: Date,
): number | null {
  const left = counts.pending + counts.queued;
  if (left === 0 || campaign.status !== 'sending') return null;
  const done = counts.sent + counts.failed + counts.suppressed + counts.skipped;
  const elapsed = campaign.audienceFixedAt
    ? (now.getTime() - campaign.audienceFixedAt.getTime()) / 1000
    : 0;
  const measured = done > 0 && elapsed > 1 ? done / elapsed : campaign.rate;
  return Math.ceil(left / Math.min(measured, campaign.rate));
}

/** Trials started per invitation sent; 0 before anything is sent. */
export function conversionRate(trials: number, sent: number): number {
  return sent === 0 ? 0 : trials / sent;
}
