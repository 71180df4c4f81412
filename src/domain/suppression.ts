/** Why an address must not be mailed. */
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];
export const SUPPRESSION_REASONS = [
  'unsubscribed',
  'hard-bounce',
  'soft-bounce',
  'complaint',
  'manual',
] as const;

/** An address we must not mail, checked before every send. */
export interface Suppression {
  email: string;
  reason: SuppressionReason;
  /** What the bounce or complaint that suppressed it said ("5.1.1 user unknown"); null otherwise. */
  detail: string | null;
  createdAt: Date;
}
