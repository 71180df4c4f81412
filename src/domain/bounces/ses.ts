import { addressIn } from './header-block.js';
import { judgeFailure } from './judge.js';
import { bestStatus, oneLine } from './status.js';
import type { Finding, InboundMessage, RecipientReport, ReportKind } from './types.js';

/*
 * Amazon SES notifications by mail: an SNS email (or email-json) subscription sends the SES
 * event as a JSON body: `{"notificationType": "Bounce", "bounce": {"bounceType": "Permanent",
 * "bouncedRecipients": [...]}, "mail": {...}}`; email-json wraps it as the string `Message` of
 * an SNS envelope. SES has already decided hard or soft, and its decision is taken:
 *
 * - Bounce, bounceType Permanent (General, NoEmail, Suppressed, OnAccountSuppressionList):
 *   hard. Transient (MailboxFull, MessageTooLarge, ContentRejected, …) and Undetermined: soft.
 * - Complaint: a complaint, unless its complaintFeedbackType is not-spam (ignored).
 * - Delivery, and any other event (Send, Open, Click, Received, …): ignored.
 */

/** The largest JSON body read: a notification with its headers is a few kilobytes. */
const JSON_MAX = 1024 * 1024;

type Json = Record<string, unknown>;

export function readSesNotification(message: InboundMessage): Finding | null {
  // SNS puts its own lines (how to unsubscribe from the topic) after the JSON.
  const text = message.text.trim();
  const body = text.startsWith('{') ? text.slice(0, text.lastIndexOf('}') + 1) : '';
  if (body === '' || body.length > JSON_MAX) return null;
  if (!/"(?:notificationType|eventType|Type)"/.test(body)) return null;
  // A mail system may have broken the JSON's long lines, folding them like a header ("\n ").
  let event = parseObject(body) ?? parseObject(body.replace(/\r?\n /g, '').replace(/\r?\n/g, ''));
  if (event && typeof event.Message === 'string' && event.Type === 'Notification') {
    event = parseObject(event.Message);
  }
  if (!event) return null;
  const type = str(event.notificationType) ?? str(event.eventType);
  if (type === null) return null;
  const mail = obj(event.mail);
  const found = {
    quotedMessageIds: quotedMessageIds(mail),
    quotedSenders: [str(mail?.source)].filter((s): s is string => s !== null),
  };
  if (type === 'Bounce') return { ...found, ...bounceFinding(obj(event.bounce)) };
  if (type === 'Complaint') return { ...found, ...complaintFinding(obj(event.complaint)) };
  const recipients = list(obj(event.delivery)?.recipients ?? mail?.destination)
    .map((r) => addressIn(str(r)))
    .filter((r): r is string => r !== null);
  return {
    ...found,
    format: 'ses-notification',
    reason: `SES notification: ${type} (not a bounce or complaint)`,
    recipients: (recipients.length > 0 ? recipients : [null]).map((recipient) => ({
      kind: 'ignored',
      recipient,
      status: null,
      diagnostic: null,
      action: type === 'Delivery' ? 'delivered' : null,
    })),
  };
}

function bounceFinding(bounce: Json | null): Finding {
  const bounceType = str(bounce?.bounceType) ?? 'Undetermined';
  const subType = str(bounce?.bounceSubType);
  const kind: ReportKind = bounceType === 'Permanent' ? 'hard' : 'soft';
  const recipients = list(bounce?.bouncedRecipients).map((entry): RecipientReport => {
    const r = obj(entry);
    const diagnostic = str(r?.diagnosticCode);
    const status = bestStatus(str(r?.status), diagnostic);
    // SES gives Transient for temporary failures; its Permanent is final. A recipient
    // without any of SES's own classification (never seen) falls back to the codes.
    const own = bounce?.bounceType ? kind : judgeFailure(status, diagnostic).kind;
    return {
      kind: own,
      recipient: addressIn(str(r?.emailAddress)),
      status,
      diagnostic: oneLine(diagnostic),
      action: str(r?.action)?.toLowerCase() ?? 'failed',
    };
  });
  return {
    format: 'ses-notification',
    reason: `SES notification: Bounce, bounceType ${bounceType}${subType ? `/${subType}` : ''}`,
    recipients: recipients.length > 0 ? recipients : [nobody(kind)],
  };
}

function complaintFinding(complaint: Json | null): Finding {
  const feedback = str(complaint?.complaintFeedbackType);
  const kind: ReportKind = feedback === 'not-spam' ? 'ignored' : 'complaint';
  const diagnostic = oneLine(
    [feedback ? `Feedback-Type: ${feedback}` : null, str(complaint?.userAgent)]
      .filter(Boolean)
      .join('; '),
  );
  const recipients = list(complaint?.complainedRecipients).map(
    (entry): RecipientReport => ({
      kind,
      recipient: addressIn(str(obj(entry)?.emailAddress)),
      status: null,
      diagnostic,
      action: null,
    }),
  );
  return {
    format: 'ses-notification',
    reason: `SES notification: Complaint${feedback ? `, complaintFeedbackType ${feedback}` : ''}`,
    recipients: recipients.length > 0 ? recipients : [nobody(kind)],
  };
}

function quotedMessageIds(mail: Json | null): string[] {
  const ids: string[] = [];
  for (const header of list(mail?.headers)) {
    const h = obj(header);
    if (str(h?.name)?.toLowerCase() === 'message-id') ids.push(str(h?.value) ?? '');
  }
  const common = str(obj(mail?.commonHeaders)?.messageId);
  if (common) ids.push(common);
  return ids.filter((id) => id !== '');
}

function nobody(kind: ReportKind): RecipientReport {
  return { kind, recipient: null, status: null, diagnostic: null, action: null };
}

function parseObject(text: string): Json | null {
  try {
    const value: unknown = JSON.parse(text);
    return obj(value);
  } catch {
    return null;
  }
}

function obj(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value.slice(0, 1000) : [];
}
