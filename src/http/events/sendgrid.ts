import { createPublicKey, type KeyObject, verify } from 'node:crypto';
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
  type ProviderEventKind,
  parseJson,
  str,
  tagsIn,
  UnauthenticatedEventError,
} from './provider-event.js';

/*
 * SendGrid's signed event webhook: ECDSA P-256 with SHA-256 over the timestamp header's text
 * followed by the raw body, the signature (base64 DER) in a header, the public key shown under
 * Settings > Mail Settings > Event Webhook ("Verification Key", base64 of its SPKI DER).
 *
 * Mapping, per event of the batch:
 * - bounce: type bounce → hard; type blocked → soft.
 * - dropped: reason "Bounced Address" → hard, "Spam Reporting Address" → complaint,
 *   "Unsubscribed Address" → unsubscribe (SendGrid's own suppression lists said so),
 *   "Expired" (72 hours of deferrals) → soft; any other reason → ignored (recorded).
 * - deferred → ignored (recorded): SendGrid retries; its final word comes as bounce or dropped.
 * - spamreport → complaint; unsubscribe, group_unsubscribe → unsubscribe.
 * - processed, delivered, open, click, group_resubscribe, …: not recorded.
 * `smtp-id` is the Message-ID we gave; custom arguments (flattened into the event) may hold
 * a bounce tag. sg_event_id is the event's id.
 */

export const SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

/**
 * The Verification Key: base64 of the SPKI DER as SendGrid shows it, or PEM. Throws an Error
 * saying what is wrong (never the key) when it is not an EC P-256 public key.
 */
export function parseSendGridPublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    key = trimmed.includes('-----BEGIN')
      ? createPublicKey(trimmed.replace(/\\n/g, '\n'))
      : createPublicKey({
          key: Buffer.from(trimmed.replace(/\s+/g, ''), 'base64'),
          format: 'der',
          type: 'spki',
        });
  } catch {
    throw new Error('is not a public key (the Verification Key of the signed event webhook)');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('is not an ECDSA P-256 public key');
  }
  return key;
}

/** Whether `signature` (base64 DER) signs timestamp + body with `key`. Never throws. */
export function verifySendGridSignature(
  key: KeyObject,
  body: Buffer,
  signature: string,
  timestamp: string,
): boolean {
  if (!/^[A-Za-z0-9+/]{40,200}={0,2}$/.test(signature)) return false;
  try {
    return verify(
      'sha256',
      Buffer.concat([Buffer.from(timestamp, 'utf8'), body]),
      { key, dsaEncoding: 'der' },
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}

/** SendGrid retries a failed post for 24 hours: a signed timestamp older than 3 days is refused. */
export const SENDGRID_MAX_AGE_S = 3 * 86_400;
const FUTURE_SKEW_S = 5 * 60;

/**
 * Authenticates one request: 401 without the headers, 403 when the signature does not verify
 * or its timestamp is stale.
 */
export function authenticateSendGrid(
  key: KeyObject,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
  now: Date,
): void {
  const signature = headers[SIGNATURE_HEADER];
  const timestamp = headers[TIMESTAMP_HEADER];
  if (typeof signature !== 'string' || typeof timestamp !== 'string') {
    throw new UnauthenticatedEventError('the SendGrid signature headers are missing', 401);
  }
  if (!/^\d{1,12}$/.test(timestamp) || !verifySendGridSignature(key, body, signature, timestamp)) {
    throw new UnauthenticatedEventError('the SendGrid signature does not verify');
  }
  const age = now.getTime() / 1000 - Number(timestamp);
  if (age > SENDGRID_MAX_AGE_S || age < -FUTURE_SKEW_S) {
    throw new UnauthenticatedEventError('the SendGrid signature timestamp is stale');
  }
}

/** Fields of SendGrid's own; any other string field of an event is a custom argument. */
const OWN_FIELDS = new Set([
  'email',
  'timestamp',
  'event',
  'smtp-id',
  'sg_event_id',
  'sg_message_id',
  'sg_machine_open',
  'reason',
  'status',
  'response',
  'type',
  'bounce_classification',
  'attempt',
  'useragent',
  'ip',
  'url',
  'tls',
  'cert_err',
  'asm_group_id',
  'marketing_campaign_id',
  'marketing_campaign_name',
  'pool',
]);

/** The events of a signed batch worth recording, and how many others were passed over. */
export function mapSendGridEvents(body: Buffer): { events: MappedEvent[]; passed: number } {
  const batch = parseJson(body, 'SendGrid');
  if (!Array.isArray(batch)) throw new MalformedEventError('the body is not a SendGrid batch');
  const events: MappedEvent[] = [];
  let passed = 0;
  for (const entry of batch) {
    const event = obj(entry);
    const mapped = event ? mapOne(event) : null;
    if (mapped) events.push(mapped);
    else passed++;
  }
  return { events, passed };
}

function kindOf(event: Json, type: string): ProviderEventKind | null {
  switch (type) {
    case 'bounce':
      return str(event.type, 40)?.toLowerCase() === 'blocked' ? 'soft' : 'hard';
    case 'dropped': {
      const reason = str(event.reason)?.toLowerCase() ?? '';
      if (reason === 'bounced address') return 'hard';
      if (reason === 'spam reporting address') return 'complaint';
      if (reason === 'unsubscribed address') return 'unsubscribe';
      if (reason === 'expired') return 'soft';
      return 'ignored';
    }
    case 'deferred':
      return 'ignored';
    case 'spamreport':
      return 'complaint';
    case 'unsubscribe':
    case 'group_unsubscribe':
      return 'unsubscribe';
    default:
      return null;
  }
}

function mapOne(event: Json): MappedEvent | null {
  const type = str(event.event, 40)?.toLowerCase();
  const kind = type ? kindOf(event, type) : null;
  if (!type || !kind) return null;
  const recipient = addressOf(event.email);
  const eventId =
    str(event.sg_event_id, 200) ??
    `${str(event.sg_message_id, 200) ?? ''}:${type}:${recipient ?? ''}:${id(event.timestamp, 20) ?? ''}`;
  const diagnostic = oneLine(event.reason) ?? oneLine(event.response);
  const customArgs = Object.entries(event).flatMap(([name, value]) =>
    OWN_FIELDS.has(name) ? [] : typeof value === 'string' ? [value] : list(value),
  );
  const messageId = messageIdOf(event['smtp-id']);
  return {
    source: 'sendgrid',
    eventId,
    kind,
    recipient,
    messageIds: messageId ? [messageId] : [],
    tags: tagsIn(customArgs),
    status: enhancedStatusIn(event.status) ?? enhancedStatusIn(diagnostic),
    diagnostic: diagnostic ?? oneLine(`SendGrid ${type}`),
    raw: JSON.stringify(event),
  };
}
