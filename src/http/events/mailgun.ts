import { createHmac, timingSafeEqual } from 'node:crypto';
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
 * Mailgun webhooks (JSON: `{"signature": {timestamp, token, signature}, "event-data": {...}}`):
 * the signature is the hex HMAC-SHA256 of timestamp + token with the webhook signing key
 * (Sending > Webhooks > "HTTP webhook signing key"). A timestamp more than 5 minutes off is
 * refused, and so is a token seen before in this process.
 *
 * Mapping of event-data:
 * - failed, severity permanent → hard; reason old (Mailgun gave up after retrying for hours)
 *   or espblock → soft; suppress-bounce → hard, suppress-complaint → complaint,
 *   suppress-unsubscribe → unsubscribe (Mailgun's own lists said so).
 * - failed, severity temporary → ignored (recorded): Mailgun retries, its final word comes as a
 *   permanent failure.
 * - complained → complaint; unsubscribed → unsubscribe.
 * - accepted, delivered, opened, clicked, stored: not recorded.
 * `message.headers.message-id` is our Message-ID without its angle brackets; user-variables
 * (X-Mailgun-Variables) may hold a bounce tag. event-data.id is the event's id.
 */

export const MAILGUN_MAX_SKEW_S = 5 * 60;

/**
 * Tokens seen in the last {@link MAILGUN_MAX_SKEW_S} seconds (older ones are refused by their
 * timestamp anyway), capped in number. Per process: another server of the same installation
 * does not see them, but the recorder knows every event by its id.
 */
export class MailgunTokens {
  private readonly seen = new Map<string, number>();
  constructor(private readonly max = 100_000) {}

  /** Remembers `token` until `expires` (seconds); false when it was already there. */
  claim(token: string, nowS: number): boolean {
    if (this.seen.has(token)) return false;
    if (this.seen.size >= this.max) this.sweep(nowS);
    // Still full of live tokens: forget the oldest rather than refuse a genuine event.
    while (this.seen.size >= this.max) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.set(token, nowS + 2 * MAILGUN_MAX_SKEW_S);
    return true;
  }

  private sweep(nowS: number): void {
    for (const [token, expires] of this.seen) if (expires <= nowS) this.seen.delete(token);
  }
}

/** Whether `signature` is the HMAC of timestamp + token with `key`, in constant time. */
export function verifyMailgunSignature(
  key: string,
  timestamp: string,
  token: string,
  signature: string,
): boolean {
  if (!/^[0-9a-f]{64}$/i.test(signature)) return false;
  const expected = createHmac('sha256', key).update(timestamp).update(token).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

/**
 * The event-data of an authenticated request: 400 when the body is not a Mailgun webhook,
 * 401 without a signature, 403 when it does not verify, is stale, or its token was used.
 */
export function authenticateMailgun(
  key: string,
  body: Buffer,
  now: Date,
  tokens: MailgunTokens,
): Json {
  const json = obj(parseJson(body, 'Mailgun'));
  if (!json) throw new MalformedEventError('the body is not a Mailgun webhook');
  const signature = obj(json.signature);
  const timestamp = id(signature?.timestamp, 20);
  const token = str(signature?.token, 200);
  const given = str(signature?.signature, 200);
  if (timestamp === null || token === null || given === null) {
    throw new UnauthenticatedEventError('the Mailgun signature is missing', 401);
  }
  if (!/^\d{1,12}$/.test(timestamp) || !verifyMailgunSignature(key, timestamp, token, given)) {
    throw new UnauthenticatedEventError('the Mailgun signature does not verify');
  }
  const nowS = Math.floor(now.getTime() / 1000);
  if (Math.abs(nowS - Number(timestamp)) > MAILGUN_MAX_SKEW_S) {
    throw new UnauthenticatedEventError('the Mailgun signature timestamp is stale');
  }
  const data = obj(json['event-data']);
  if (!data) throw new MalformedEventError('the Mailgun webhook has no event-data');
  // Only once the rest is known good, so a forged or broken request spends no token.
  if (!tokens.claim(token, nowS)) {
    throw new UnauthenticatedEventError('the Mailgun token was used before');
  }
  return data;
}

function kindOf(data: Json, type: string): ProviderEventKind | null {
  if (type === 'complained') return 'complaint';
  if (type === 'unsubscribed') return 'unsubscribe';
  if (type !== 'failed') return null;
  const reason = str(data.reason, 60)?.toLowerCase() ?? '';
  if (reason === 'suppress-bounce') return 'hard';
  if (reason === 'suppress-complaint') return 'complaint';
  if (reason === 'suppress-unsubscribe') return 'unsubscribe';
  if (reason === 'old' || reason === 'espblock') return 'soft';
  return str(data.severity, 20)?.toLowerCase() === 'permanent' ? 'hard' : 'ignored';
}

/** The event worth recording in an authenticated event-data, or null. */
export function mapMailgunEvent(data: Json): MappedEvent | null {
  const type = str(data.event, 40)?.toLowerCase();
  const kind = type ? kindOf(data, type) : null;
  if (!type || !kind) return null;
  const eventId = str(data.id, 200);
  if (eventId === null) throw new MalformedEventError('the Mailgun event-data has no id');
  const status = obj(data['delivery-status']);
  const headers = obj(obj(data.message)?.headers);
  const messageId = messageIdOf(headers?.['message-id']);
  const variables = Object.values(obj(data['user-variables']) ?? {});
  const diagnostic =
    oneLine(status?.message) ?? oneLine(status?.description) ?? oneLine(data.reason);
  return {
    source: 'mailgun',
    eventId,
    kind,
    recipient: addressOf(data.recipient),
    messageIds: messageId ? [messageId] : [],
    tags: tagsIn([...variables, ...list(data.tags)]),
    status:
      enhancedStatusIn(status?.['enhanced-code']) ??
      enhancedStatusIn(diagnostic) ??
      id(status?.code, 10),
    diagnostic: diagnostic ?? oneLine(`Mailgun ${type}`),
    raw: JSON.stringify(data),
  };
}
