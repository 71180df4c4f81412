import type { BounceTag } from '../bounce-tag.js';

/**
 * What one inbound message reports about one recipient. `hard` and `soft` are bounces,
 * `complaint` a reader's "this is spam" (ARF abuse, fraud, virus; an SES complaint),
 * `unsubscribe` a feedback loop's opt-out request, and `ignored` anything that says nothing
 * about the address: delivery and delay notices, auto-replies, ordinary replies, messages
 * that cannot be read.
 */
export type ReportKind = 'hard' | 'soft' | 'complaint' | 'unsubscribe' | 'ignored';

export interface RecipientReport {
  kind: ReportKind;
  /** The address that bounced or complained, lower-cased; null when the message names none. */
  recipient: string | null;
  /** The enhanced status code (5.1.1), or the SMTP reply code (550) when that is all there is. */
  status: string | null;
  /** The server's own words, on one line, capped (DIAGNOSTIC_MAX). */
  diagnostic: string | null;
  /** The DSN Action: failed, delayed, delivered, relayed or expanded. */
  action: string | null;
}

export interface InboundReport {
  /** Which reader recognised the message: 'dsn', 'arf', 'ses-notification', 'qmail', … */
  format: string;
  /** One line for the admin: why this kind ("DSN: Action failed, Status 5.1.1"). */
  reason: string;
  /** At least one entry; an ignored or unreadable message has one, of kind 'ignored'. */
  recipients: RecipientReport[];
  /** Tags in the addresses the message was sent to (envelope first), then in the quoted original's Return-Path. */
  verpTags: BounceTag[];
  /** Tags in the Message-IDs the message quotes (the original's, In-Reply-To, References, text). */
  messageIdTags: BounceTag[];
  subject: string | null;
  from: string | null;
  messageId: string | null;
  date: Date | null;
}

/**
 * One inbound message as the MIME reader hands it to the classification: already decoded,
 * already bounded. Machine-readable parts keep their own content type; the text is what a
 * person would read.
 */
export interface InboundMessage {
  /** The message's own header fields in order, names lower-case, values unfolded, not decoded. */
  headers: readonly (readonly [string, string])[];
  subject: string | null;
  /** The From header as text ("Mail Delivery System <mailer-daemon@example.com>"). */
  from: string | null;
  messageId: string | null;
  date: Date | null;
  /** The top-level content type, lower-case, without parameters. */
  contentType: string;
  /** The `report-type` parameter of a multipart/report, lower-case. */
  reportType: string | null;
  /** The text/plain parts, joined; the HTML as text when there is no plain text (decoded, capped). */
  text: string;
  /** delivery-status, feedback-report and rfc822(-headers) parts: for originals, the header block only. */
  parts: readonly InboundPart[];
  /** RCPT TO addresses the message arrived with, when the receiving path knows them. */
  envelopeTo: readonly string[];
  /** Why part of the message was not read (past the size cap, too many parts), or null. */
  unread: string | null;
}

export interface InboundPart {
  /** Lower-case, without parameters: message/delivery-status, text/rfc822-headers, … */
  contentType: string;
  text: string;
}

/** What a format reader found: the recipients and the line that says why. */
export interface Finding {
  format: string;
  reason: string;
  recipients: RecipientReport[];
  /** Message-IDs this reader found quoted (in text, or in a JSON notification). */
  quotedMessageIds?: string[];
  /** Envelope senders this reader found for the original (SES `mail.source`). */
  quotedSenders?: string[];
}
