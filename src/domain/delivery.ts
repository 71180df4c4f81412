import type { Cadence } from './subscription.js';

export const DELIVERY_KINDS = ['digest', 'alert', 'campaign'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

/**
 * One email handed to the mail transport. `sent` means the SMTP server (or the outbox)
 * accepted it, nothing more.
 */
export const DELIVERY_STATUSES = ['queued', 'sending', 'sent', 'failed', 'suppressed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface Delivery {
  id: number;
  kind: DeliveryKind;
  digestId: number | null;
  readerId: number | null;
  recipient: string;
  cadence: Cadence | null;
  /** Publisher ids of the stories in the email. */
  storyIds: string[];
  messageId: string | null;
  status: DeliveryStatus;
  attempts: number;
  error: string | null;
  /** The mail server's last reply, success or not. */
  lastReply: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
}
