import { createHash, timingSafeEqual } from 'node:crypto';
import {
  addressOf,
  enhancedStatusIn,
  id,
  type Json,
  list,
  MalformedEventError,
  type MappedEvent,
  messageIdOf,
  obj,
  oneLine,
  ourMessageIdsIn,
  type ProviderEventKind,
  parseJson,
  str,
  tagsIn,
  UnauthenticatedEventError,
  unique,
} from './provider-event.js';

/*
 * Postmark webhooks, authenticated by HTTP basic auth: the webhook URL is given as
 * `https://USER:PASSWORD@host/api/events/postmark`, the pair from POSTMARK_WEBHOOK_USER and
 * POSTMARK_WEBHOOK_PASSWORD, compared in constant time (both hashed first, so neither the
 * bytes nor the lengths leak).
 *
 * Mapping (RecordType, and for bounces Postmark's bounce Type):
 * - Bounce: HardBounce, BadEmailAddress, ManuallyDeactivated → hard; SoftBounce, Transient,
 *   DnsError, SpamNotification, Blocked, DMARCPolicy, Unknown → soft; Unsubscribe →
 *   unsubscribe; SpamComplaint → complaint; AutoResponder, AddressChange, Subscribe,
 *   OpenRelayTest, VirusNotification, ChallengeVerification, Unconfirmed, SMTPApiError,
 *   InboundError, TemplateRenderingFailed → ignored (recorded, no effect).
 * - SpamComplaint → complaint.
 * - SubscriptionChange with SuppressSending true: SuppressionReason HardBounce → hard,
 *   SpamComplaint → complaint, ManualSuppression (the reader's unsubscribe) → unsubscribe.
 *   SuppressSending false (reactivated in Postmark) is not recorded: Bulletin's suppression
 *   is lifted with `suppressions remove`.
 * - Delivery, Open, Click: not recorded.
 * MessageID is Postmark's own id, not ours: the delivery is named by a bounce tag in Metadata
 * (X-PM-Metadata-*), the Tag, or our Message-ID quoted in the bounce's Content or Headers.
 */

/** The 401 answer's challenge. */
export const POSTMARK_CHALLENGE = 'Basic realm="bulletin-postmark-events", charset="UTF-8"';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** A check of `Authorization: Basic …` against the configured pair, in constant time. */
export function postmarkCredentials(user: string, password: string) {
  const wanted = digest(`${user}:${password}`);
  return (authorization: string | undefined): void => {
    const match = /^basic\s+([A-Za-z0-9+/=]{1,1024})\s*$/i.exec(authorization ?? '');
    if (!match) throw new UnauthenticatedEventError('Postmark basic auth is missing', 401);
    const given = digest(Buffer.from(match[1] as string, 'base64').toString('utf8'));
    if (!timingSafeEqual(given, wanted)) {
      throw new UnauthenticatedEventError('Postmark basic auth is wrong', 401);
    }
  };
}

const BOUNCE_KINDS: Record<string, ProviderEventKind> = {
  hardbounce: 'hard',
  bademailaddress: 'hard',
  manuallydeactivated: 'hard',
  softbounce: 'soft',
  transient: 'soft',
  dnserror: 'soft',
  spamnotification: 'soft',
  blocked: 'soft',
  dmarcpolicy: 'soft',
  unknown: 'soft',
  unsubscribe: 'unsubscribe',
  spamcomplaint: 'complaint',
};

const SUPPRESSION_KINDS: Record<string, ProviderEventKind> = {
  hardbounce: 'hard',
  spamcomplaint: 'complaint',
  manualsuppression: 'unsubscribe',
};

/** The event worth recording in an authenticated Postmark body, or null. */
export function mapPostmarkEvent(body: Buffer): MappedEvent | null {
  const text = body.toString('utf8');
  const event = obj(parseJson(text, 'Postmark'));
  const recordType = str(event?.RecordType, 40)?.toLowerCase();
  if (!event || !recordType) throw new MalformedEventError('the body is not a Postmark webhook');
  if (recordType === 'bounce' || recordType === 'spamcomplaint') {
    const type = str(event.Type, 60) ?? (recordType === 'spamcomplaint' ? 'SpamComplaint' : '');
    const kind =
      recordType === 'spamcomplaint'
        ? 'complaint'
        : (BOUNCE_KINDS[type.toLowerCase()] ?? 'ignored');
    const bounceId = bounceIdOf(event.ID, text);
    if (bounceId === null) throw new MalformedEventError('the Postmark bounce has no ID');
    const details = oneLine(event.Details);
    return {
      ...common(event, text),
      eventId: `${recordType}:${bounceId}`,
      kind,
      recipient: addressOf(event.Email),
      status: enhancedStatusIn(details),
      diagnostic: oneLine(
        [type, str(event.Description), details].filter((p) => p !== null).join(': '),
      ),
    };
  }
  if (recordType === 'subscriptionchange') {
    if (event.SuppressSending !== true) return null;
    const reason = str(event.SuppressionReason, 60) ?? 'ManualSuppression';
    const recipient = addressOf(event.Recipient);
    return {
      ...common(event, text),
      eventId: `subscriptionchange:${str(event.MessageID, 100) ?? ''}:${recipient ?? ''}:${str(event.ChangedAt, 40) ?? ''}`,
      kind: SUPPRESSION_KINDS[reason.toLowerCase()] ?? 'unsubscribe',
      recipient,
      status: null,
      diagnostic: oneLine(`Postmark suppression: ${reason}`),
    };
  }
  return null;
}

/**
 * Postmark's bounce IDs are 64-bit and pass 2^53, where JSON numbers lose digits: the digits
 * are read from the body's text, and must be the number JSON read.
 */
function bounceIdOf(value: unknown, text: string): string | null {
  if (typeof value !== 'number') return id(value, 40);
  if (Number.isSafeInteger(value)) return String(value);
  const digits = /"ID"\s*:\s*(\d{1,25})\s*[,}]/.exec(text)?.[1];
  return digits !== undefined && Number(digits) === value ? digits : null;
}

function common(event: Json, text: string) {
  const headers = list(event.Headers).flatMap((entry) => {
    const h = obj(entry);
    const name = str(h?.Name, 200)?.toLowerCase();
    const value = str(h?.Value, 2000);
    return name && value !== null ? [{ name, value }] : [];
  });
  const content = typeof event.Content === 'string' ? event.Content : null;
  return {
    source: 'postmark' as const,
    messageIds: unique([
      ...headers.filter((h) => h.name === 'message-id').map((h) => messageIdOf(h.value)),
      ...ourMessageIdsIn(content),
    ]).slice(0, 8),
    tags: tagsIn([
      ...Object.values(obj(event.Metadata) ?? {}),
      event.Tag,
      ...headers.filter((h) => h.name === 'x-bulletin-tag').map((h) => h.value),
    ]),
    raw: text,
  };
}
