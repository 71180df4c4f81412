import { createHmac, timingSafeEqual } from 'node:crypto';

/** Where a trial link was sent from: a digest (or alert) row, or a marketing campaign. */
export type TrialSource = { digest: number } | { campaign: number };

/**
 * The list an unsubscribe link takes a reader off (RFC 8058: the list the email came from):
 * one cadence's emails, marketing, or everything. A link without a list means everything.
 */
export type UnsubscribeList = 'instant' | 'daily' | 'weekly' | 'marketing' | 'all';
export const UNSUBSCRIBE_LISTS: readonly UnsubscribeList[] = [
  'instant',
  'daily',
  'weekly',
  'marketing',
  'all',
];

/** What a personal link stands for; the reader is an email address. */
export type TokenPayload =
  | { kind: 'trial'; reader: string; story: string; source: TrialSource }
  | { kind: 'unsubscribe'; reader: string; list?: UnsubscribeList }
  | { kind: 'preferences'; reader: string };

export type TokenVerification =
  | { ok: true; payload: TokenPayload; expiresAt: Date }
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

/** The secret is used through a derived key so that these tokens share nothing with other uses of it. */
const KEY_LABEL = 'bulletin signed-token v1';
const SIGNATURE_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The compact form that is signed: short keys keep links short. */
interface WirePayload {
  k: 't' | 'u' | 'p';
  r: string;
  s?: string;
  d?: number;
  c?: number;
  l?: UnsubscribeList;
  x: number;
}

/**
 * Signs a payload into a URL-safe token `<payload>.<signature>` (base64url, HMAC-SHA256).
 * The payload is readable by whoever holds the token (it names the reader), but it cannot be
 * changed or forged without the secret. `expiresAt` is kept to the second.
 */
export function signToken(secret: Buffer | string, payload: TokenPayload, expiresAt: Date): string {
  const body = Buffer.from(JSON.stringify(toWire(payload, expiresAt)), 'utf8').toString(
    'base64url',
  );
  return `${body}.${computeSignature(secret, body).toString('base64url')}`;
}

/**
 * Checks a token's signature (in constant time) and expiry. A token is `expired` from its
 * expiry second on; any change to the payload or the signature gives `bad-signature`.
 */
export function verifyToken(secret: Buffer | string, token: string, now: Date): TokenVerification {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return { ok: false, reason: 'malformed' };
  const body = token.slice(0, dot);
  const signatureText = token.slice(dot + 1);
  if (!BASE64URL.test(body) || !BASE64URL.test(signatureText)) {
    return { ok: false, reason: 'malformed' };
  }
  const signature = Buffer.from(signatureText, 'base64url');
  // Only the canonical spelling is accepted, so one token has exactly one string form.
  if (signature.length !== SIGNATURE_BYTES || signature.toString('base64url') !== signatureText) {
    return { ok: false, reason: 'malformed' };
  }
  if (!timingSafeEqual(signature, computeSignature(secret, body))) {
    return { ok: false, reason: 'bad-signature' };
  }
  const wire = parseWire(Buffer.from(body, 'base64url').toString('utf8'));
  if (!wire) return { ok: false, reason: 'malformed' };
  const expiresAt = new Date(wire.x * 1000);
  if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, payload: fromWire(wire), expiresAt };
}

const derivedKeys = new Map<string, Buffer>();

function deriveKey(secret: Buffer | string): Buffer {
  // Keyed by the secret's own bytes; a handful of secrets at most live in one process.
  const id = typeof secret === 'string' ? `s:${secret}` : `b:${secret.toString('base64')}`;
  let key = derivedKeys.get(id);
  if (!key) {
    key = createHmac('sha256', secret).update(KEY_LABEL).digest();
    if (derivedKeys.size > 16) derivedKeys.clear();
    derivedKeys.set(id, key);
  }
  return key;
}

function computeSignature(secret: Buffer | string, body: string): Buffer {
  return createHmac('sha256', deriveKey(secret)).update(body).digest();
}

function toWire(payload: TokenPayload, expiresAt: Date): WirePayload {
  const x = Math.floor(expiresAt.getTime() / 1000);
  if (!Number.isFinite(x)) throw new RangeError('expiresAt must be a valid date');
  switch (payload.kind) {
    case 'unsubscribe':
      return payload.list && payload.list !== 'all'
        ? { k: 'u', r: payload.reader, l: payload.list, x }
        : { k: 'u', r: payload.reader, x };
    case 'preferences':
      return { k: 'p', r: payload.reader, x };
    case 'trial':
      return 'digest' in payload.source
        ? { k: 't', r: payload.reader, s: payload.story, d: payload.source.digest, x }
        : { k: 't', r: payload.reader, s: payload.story, c: payload.source.campaign, x };
  }
}

function fromWire(wire: WirePayload): TokenPayload {
  if (wire.k === 'u') return { kind: 'unsubscribe', reader: wire.r, list: wire.l ?? 'all' };
  if (wire.k === 'p') return { kind: 'preferences', reader: wire.r };
  const source: TrialSource = wire.d !== undefined ? { digest: wire.d } : { campaign: wire.c! };
  return { kind: 'trial', reader: wire.r, story: wire.s!, source };
}

/** Validates the shape even though the signature held: a key reused elsewhere must not crash us. */
function parseWire(json: string): WirePayload | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const wire = value as Record<string, unknown>;
  if (typeof wire.r !== 'string' || !Number.isInteger(wire.x)) return null;
  if (wire.k === 'u' && wire.l !== undefined && !UNSUBSCRIBE_LISTS.includes(wire.l as never)) {
    return null;
  }
  if (wire.k === 'u' || wire.k === 'p') return wire as unknown as WirePayload;
  if (wire.k !== 't' || typeof wire.s !== 'string') return null;
  const hasDigest = Number.isInteger(wire.d);
  const hasCampaign = Number.isInteger(wire.c);
  return hasDigest !== hasCampaign ? (wire as unknown as WirePayload) : null;
}

/**
 * Verifies with the current key first, then with each older one still accepted (a key
 * rotation): a link signed before the rotation keeps working until it expires.
 */
export function verifyTokenWithKeys(
  keys: readonly (Buffer | string)[],
  token: string,
  now: Date,
): TokenVerification {
  let result: TokenVerification = { ok: false, reason: 'bad-signature' };
  for (const key of keys) {
    result = verifyToken(key, token, now);
    if (result.ok || result.reason !== 'bad-signature') return result;
  }
  return result;
}
