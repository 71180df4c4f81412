import type { Cadence } from './subscription.js';

export type DeliveryKind = 'digest' | 'alert' | 'campaign';

/**
 * One email handed to the mail transport. `sent` means the SMTP server (or the outbox)
 * accepted it, nothing more.
 */
export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'suppressed';

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
