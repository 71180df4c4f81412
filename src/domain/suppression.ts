/** Why an address must not be mailed. */
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];
export const SUPPRESSION_REASONS = ['unsubscribed', 'hard-bounce', 'complaint', 'manual'] as const;

/** An address we must not mail, checked before every send. */
export interface Suppression {
  email: string;
  reason: SuppressionReason;
  createdAt: Date;
}
