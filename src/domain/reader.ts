/** What a reader pays for; decides access to paywalled stories (with trials and site licenses). */
export type Plan = 'subscriber' | 'trial' | 'free' | 'prospect';
export const PLANS: readonly Plan[] = ['subscriber', 'trial', 'free', 'prospect'];

/** A reader (a row of the `subscribers` table): anyone we may email, whatever their plan. */
export interface Reader {
  id: number;
  email: string;
  name: string | null;
  plan: Plan;
  trialEndsAt: Date | null;
  /** IANA time zone, for local send times. */
  tz: string;
  status: 'active' | 'unsubscribed';
  marketingConsent: boolean;
  /** Where and when marketing consent was given; null when not recorded. */
  consentSource: string | null;
  consentAt: Date | null;
  createdAt: Date;
}

/** Addresses are compared and stored in lower case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The domain part of an address, for site licenses; empty when the text has no `@`. */
export function emailDomain(email: string): string {
  const address = normalizeEmail(email);
  const at = address.lastIndexOf('@');
  // Without an @ there is no domain: the whole text must not pass for one.
  return at < 0 ? '' : address.slice(at + 1);
}
