import { readArf } from './arf.js';
import { autoReplyReason, replyReason } from './auto-reply.js';
import { readDsn } from './dsn.js';
import { addressIn } from './header-block.js';
import { readSesNotification } from './ses.js';
import { messageIdTagsOf, verpTagsOf } from './tags.js';
import { readTextBounce } from './text-bounce.js';
import { beforeOriginal } from './text-region.js';
import { looksLikeBounce, writerOf } from './text-writers.js';
import type { Finding, InboundMessage, InboundReport } from './types.js';

/**
 * What one inbound message reports, per recipient. The readers are tried from the most
 * structured to the least, and the first that recognises the message decides:
 *
 * 1. ARF (a message/feedback-report part): complaints and opt-outs.
 * 2. RFC 3464 DSN (a message/delivery-status part): per-recipient Action and Status. A DSN wins
 *    over an `Auto-Submitted` header, which some MTAs put on their bounces.
 * 3. An Amazon SES notification (a JSON body).
 * 4. The sentences of a known MTA or provider (qmail, Yahoo, Gmail, Office 365, Exchange,
 *    Exim, Postfix, Sendmail).
 * 5. A bounce by how it presents itself (a mailer daemon, a null sender, "Undeliverable", a
 *    copy of the original: see looksLikeBounce), whose words name a failed address:
 *    'other-bounce'.
 * 6. An unsubscribe request (Subject: unsubscribe): 'unsubscribe', from its sender.
 * 7. Auto-replies and vacation messages, a person's reply, anything else: ignored.
 */
export function classifyInbound(message: InboundMessage): InboundReport {
  const finding = findingOf(message);
  return {
    format: finding.format,
    reason: message.unread ? `${finding.reason}; ${message.unread}` : finding.reason,
    recipients: finding.recipients,
    verpTags: verpTagsOf(message, finding),
    messageIdTags: messageIdTagsOf(message, finding),
    subject: message.subject,
    from: message.from,
    messageId: message.messageId,
    date: message.date,
  };
}

function findingOf(message: InboundMessage): Finding {
  const structured = readArf(message) ?? readDsn(message) ?? readSesNotification(message);
  if (structured) return structured;

  const region = beforeOriginal(message.text);
  const writer = writerOf(region);
  if (writer) {
    const found = readTextBounce(message, writer);
    if (found) return found;
    return ignored(writer, `${writer} bounce naming no failed address that could be read`);
  }

  const auto = autoReplyReason(message);
  if (looksLikeBounce(message, region, auto !== null)) {
    const found = readTextBounce(message, 'other-bounce');
    if (found) return found;
  }

  // Apple Mail's "Unsubscribe" button (X-Apple-Unsubscribe) and a reader following our
  // List-Unsubscribe mailto both send "unsubscribe"; the first also says Auto-Submitted.
  if (/^\s*unsubscribe\s*$/i.test(message.subject ?? '')) {
    const from = addressIn(message.from);
    return {
      format: 'unsubscribe-request',
      reason: 'a message asking to unsubscribe (Subject: unsubscribe)',
      recipients: [
        { kind: 'unsubscribe', recipient: from, status: null, diagnostic: null, action: null },
      ],
    };
  }

  if (auto) return ignored('auto-reply', `an auto-reply (${auto})`);
  if (looksLikeBounce(message, region, false)) {
    return ignored('other-bounce', 'a bounce by its sender and subject, naming no failed address');
  }
  const reply = replyReason(message);
  if (reply) return ignored('reply', reply);
  return ignored('unknown', 'not a bounce, complaint or reply that Bulletin recognises');
}

function ignored(format: string, reason: string): Finding {
  return {
    format,
    reason,
    recipients: [
      { kind: 'ignored', recipient: null, status: null, diagnostic: null, action: null },
    ],
  };
}

/** The report for a message that could not be read as mail at all. */
export function unreadableReport(why: string): InboundReport {
  return {
    format: 'unknown',
    reason: `${UNREADABLE}${why}`,
    recipients: [
      { kind: 'ignored', recipient: null, status: null, diagnostic: null, action: null },
    ],
    verpTags: [],
    messageIdTags: [],
    subject: null,
    from: null,
    messageId: null,
    date: null,
  };
}

/** How the reason of an unreadable message begins, for callers that must tell it apart. */
export const UNREADABLE = 'not readable as mail: ';

/** Whether a report is of a message that could not be read as mail. */
export function wasUnreadable(report: InboundReport): boolean {
  return report.format === 'unknown' && report.reason.startsWith(UNREADABLE);
}
