import { addressIn, field, fieldAll, headerBlockOf, parseFields } from './header-block.js';
import { oneLine } from './status.js';
import { beforeOriginal } from './text-region.js';
import type { Finding, InboundMessage, RecipientReport, ReportKind } from './types.js';

/*
 * Feedback loop reports (ARF, RFC 5965): a mailbox provider tells the sender that a reader
 * pressed "Report spam". The message/feedback-report part says what kind of feedback it is.
 *
 * - abuse, fraud, virus: the reader (or the provider for them) says this mail is unwanted or
 *   harmful: a complaint, which suppresses all mail to the address.
 * - opt-out (RFC 6650, also "opt-out-list"): a request to be taken off: an unsubscribe.
 * - not-spam (the reader took it OUT of the spam folder), auth-failure and dkim (RFC 6591:
 *   a report about authentication, not about the reader's wish), other, and any unknown type:
 *   ignored, with the type in the reason for the admin.
 * A report that gives no Feedback-Type at all comes from an old feedback loop (they all sent
 * abuse reports) and is read as abuse.
 */

const COMPLAINTS = new Set(['abuse', 'fraud', 'virus']);
const OPT_OUT = new Set(['opt-out', 'opt-out-list']);
const ORIGINALS = new Set([
  'message/rfc822',
  'message/global',
  'text/rfc822-headers',
  'message/rfc822-headers',
  'message/global-headers',
]);

export function readArf(message: InboundMessage): Finding | null {
  const part = message.parts.find((p) => p.contentType === 'message/feedback-report');
  if (!part && message.reportType !== 'feedback-report' && !isJmrp(message)) return null;
  const fields = parseFields(part?.text ?? '');
  const type = field(fields, 'feedback-type')?.trim().toLowerCase().split(/[\s;]/)[0] || null;
  const kind: ReportKind =
    type === null || COMPLAINTS.has(type)
      ? 'complaint'
      : OPT_OUT.has(type)
        ? 'unsubscribe'
        : 'ignored';
  const agent = field(fields, 'user-agent');
  const words = oneLine(
    beforeOriginal(message.text)
      .trim()
      .split(/\n[ \t]*\n/)[0],
  );
  const diagnostic = oneLine(
    [`Feedback-Type: ${type ?? 'none'}`, agent ? `User-Agent: ${agent}` : null, words]
      .filter(Boolean)
      .join('; '),
  );
  const recipients = reportedRecipients(message, fields).map(
    (recipient): RecipientReport => ({ kind, recipient, status: null, diagnostic, action: null }),
  );
  const what =
    kind === 'complaint'
      ? 'a complaint'
      : kind === 'unsubscribe'
        ? 'an opt-out request'
        : 'not a complaint';
  return {
    format: 'arf',
    reason: `ARF: Feedback-Type ${type ?? 'missing (read as abuse)'} (${what})`,
    recipients,
  };
}

/**
 * Who complained: Original-Rcpt-To (one per recipient), else Removal-Recipient (opt-out), else
 * the To of the reported original. Providers often redact it (`redacted@…`, `xxxxxxx@…`):
 * then the recipient is unknown (null), and the signed Message-ID is what names the delivery.
 */
function reportedRecipients(
  message: InboundMessage,
  fields: ReturnType<typeof parseFields>,
): (string | null)[] {
  const named = [...fieldAll(fields, 'original-rcpt-to'), ...fieldAll(fields, 'removal-recipient')]
    .map(addressIn)
    .filter((a): a is string => a !== null && !isRedacted(a));
  if (named.length > 0) return [...new Set(named)];
  for (const part of message.parts) {
    if (!ORIGINALS.has(part.contentType)) continue;
    const header = parseFields(headerBlockOf(part.text));
    const to = addressIn(field(header, 'x-hmxmroriginalrecipient') ?? field(header, 'to'));
    if (to && !isRedacted(to)) return [to];
  }
  return [null];
}

/**
 * Microsoft's older feedback loop (JMRP) is not ARF: a "complaint about message from <ip>"
 * carrying the reported message, whose X-HmXmrOriginalRecipient names the reader.
 */
function isJmrp(message: InboundMessage): boolean {
  return (
    /complaint about message from/i.test(message.subject ?? '') &&
    message.parts.some((p) => ORIGINALS.has(p.contentType))
  );
}

function isRedacted(address: string): boolean {
  const local = address.split('@')[0] ?? '';
  return /^(?:x+|\*+|redacted|removed|hidden|anonymous|unknown|user)$/i.test(local);
}
