import type { SuppressionReason } from './suppression.js';

/*
 * What Bulletin keeps of the mail and events that come back after "sent" (src/domain/bounces/
 * reads them; src/services/bounces/ records them).
 */

/** The doors a report comes in by: a file or pipe, the receiving SMTP server, the IMAP mailbox, or a provider's webhook. */
export const BOUNCE_SOURCES = [
  'file',
  'smtp',
  'imap',
  'ses',
  'postmark',
  'sendgrid',
  'mailgun',
] as const;
export type BounceSource = (typeof BOUNCE_SOURCES)[number];
export type InboundSource = Extract<BounceSource, 'file' | 'smtp' | 'imap'>;
export type ProviderSource = Exclude<BounceSource, InboundSource>;

/**
 * What one report about one recipient was recorded as. `unmatched`: it named no delivery of
 * ours by a valid signature for the address it reports on, so it suppressed no one (forged,
 * about someone else's mail, or about a copy a reader forwarded). `unsubscribe`: a feedback
 * loop's or provider's opt-out, matched like a complaint.
 */
export const BOUNCE_KINDS = [
  'hard',
  'soft',
  'complaint',
  'unsubscribe',
  'ignored',
  'unmatched',
] as const;
export type BounceKind = (typeof BOUNCE_KINDS)[number];

/** One recipient's report, as recorded. */
export interface Bounce {
  id: number;
  /** The inbound message or event it was read from. */
  inboundId: number;
  /** The delivery it is about; null when unmatched or ignored. */
  deliveryId: number | null;
  kind: BounceKind;
  /** The delivery's recipient when matched; else the address the report named, if any. */
  recipient: string | null;
  /** The enhanced status (5.1.1) or SMTP code the report gave. */
  status: string | null;
  diagnostic: string | null;
  source: BounceSource;
  receivedAt: Date;
  /** The suppression this report called for, in force once it was recorded; null: none. */
  suppressed: SuppressionReason | null;
}

/** One message or provider event as it came in, kept (capped) for review. */
export interface InboundRecord {
  id: number;
  source: BounceSource;
  receivedAt: Date;
  subject: string | null;
  sender: string | null;
  /** Which reader recognised it ('dsn', 'arf', 'ses-notification', 'postmark', …). */
  format: string;
  /** One line: why it was read as it was. */
  reason: string;
  /** The whole size; the stored copy holds at most the first RAW_KEPT_BYTES. */
  rawBytes: number;
}

/** The most of a message (or event) kept for review. */
export const RAW_KEPT_BYTES = 256 * 1024;
