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

/**
 * What a personal link stands for. `reader` is the reader's id in links signed now; links of
 * the older format, still in emails already sent, name the address instead.
 */
export type LinkPayload<R = number> =
  | { kind: 'trial'; reader: R; story: string; source: TrialSource }
  | { kind: 'unsubscribe'; reader: R; list?: UnsubscribeList }
  | { kind: 'preferences'; reader: R };
export type TokenPayload = LinkPayload<number>;

/** A token read but not yet checked: which format, and whom it names. */
export type DecodedToken = (
  | { format: 'current'; payload: LinkPayload<number> }
  | { format: 'legacy'; payload: LinkPayload<string> }
) & { expiresAt: Date; body: string; signature: Buffer };

export type TokenVerification =
  | { ok: true; expiresAt: Date }
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

/**
 * The secret is used through a derived key so that these tokens share nothing with other uses
 * of it; each format has its own, so a signature of one can never pass for the other.
 */
const KEY_LABELS = { current: 'bulletin signed-token v2', legacy: 'bulletin signed-token v1' };
const SIGNATURE_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The compact form that is signed: short keys keep links short. `i`: reader id, `r`: address. */
interface WirePayload {
  k: 't' | 'u' | 'p';
  i?: number;
  r?: string;
  s?: string;
  d?: number;
  c?: number;
  l?: UnsubscribeList;
  x: number;
}

/**
 * Signs a payload into a URL-safe token `<payload>.<signature>` (base64url, HMAC-SHA256 over
 * the payload and the reader's own secret). The payload holds only what the reader may see
 * (their id, the link's kind and list, a story's public id, the expiry); it cannot be changed
 * or forged without both secrets, and it stops verifying once the reader's row (and with it
 * their secret) is gone. `expiresAt` is kept to the second.
 */
export function signToken(
  secret: Buffer | string,
  payload: TokenPayload,
  readerSecret: string,
  expiresAt: Date,
): string {
  const body = encodeWire(toWire(payload, expiresAt));
  return `${body}.${computeSignature(secret, 'current', body, readerSecret).toString('base64url')}`;
}

/** Reads a token's parts without trusting them; null when it is not a token at all. */
export function decodeToken(token: string): DecodedToken | null {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return null;
  const body = token.slice(0, dot);
  const signatureText = token.slice(dot + 1);
  if (!BASE64URL.test(body) || !BASE64URL.test(signatureText)) return null;
  const signature = Buffer.from(signatureText, 'base64url');
  // Only the canonical spelling is accepted, so one token has exactly one string form.
  if (signature.length !== SIGNATURE_BYTES || signature.toString('base64url') !== signatureText) {
    return null;
  }
  const wire = parseWire(Buffer.from(body, 'base64url').toString('utf8'));
  if (!wire) return null;
  const expiresAt = new Date(wire.x * 1000);
  return typeof wire.i === 'number'
    ? { format: 'current', payload: fromWire(wire, wire.i), expiresAt, body, signature }
    : { format: 'legacy', payload: fromWire(wire, wire.r!), expiresAt, body, signature };
}

/**
 * Checks a decoded token's signature (in constant time) against each key in turn (the current
 * one, then any older one kept during a rotation), then its expiry. A current-format token needs
 * the secret of the reader it names; a legacy one is signed without it. A token is `expired`
 * from its expiry second on; any change to the payload or the signature gives `bad-signature`.
 */
export function verifyDecodedToken(
  keys: readonly (Buffer | string)[],
  decoded: DecodedToken,
  readerSecret: string | null,
  now: Date,
): TokenVerification {
  if (decoded.format === 'current' && readerSecret === null) {
    return { ok: false, reason: 'bad-signature' };
  }
  const signed = keys.some((key) =>
    timingSafeEqual(
      decoded.signature,
      computeSignature(key, decoded.format, decoded.body, readerSecret ?? ''),
    ),
  );
  if (!signed) return { ok: false, reason: 'bad-signature' };
  if (now.getTime() >= decoded.expiresAt.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, expiresAt: decoded.expiresAt };
}

/** Decodes and checks in one step, for a token whose reader's secret is already known. */
export function verifyToken(
  keys: Buffer | string | readonly (Buffer | string)[],
  token: string,
  readerSecret: string | null,
  now: Date,
):
  | { ok: true; payload: DecodedToken['payload']; expiresAt: Date }
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' } {
  const decoded = decodeToken(token);
  if (!decoded) return { ok: false, reason: 'malformed' };
  const list = Array.isArray(keys) ? keys : [keys as Buffer | string];
  const verified = verifyDecodedToken(list, decoded, readerSecret, now);
  return verified.ok ? { ...verified, payload: decoded.payload } : verified;
}

const derivedKeys = new Map<string, Buffer>();

function deriveKey(secret: Buffer | string, label: string): Buffer {
  // Keyed by the secret's own bytes; a handful of secrets at most live in one process.
  const id = `${label}:${typeof secret === 'string' ? `s:${secret}` : `b:${secret.toString('base64')}`}`;
  let key = derivedKeys.get(id);
  if (!key) {
    key = createHmac('sha256', secret).update(label).digest();
    if (derivedKeys.size > 16) derivedKeys.clear();
    derivedKeys.set(id, key);
  }
  return key;
}

function computeSignature(
  secret: Buffer | string,
  format: DecodedToken['format'],
  body: string,
  readerSecret: string,
): Buffer {
  const hmac = createHmac('sha256', deriveKey(secret, KEY_LABELS[format])).update(body);
  // The reader's secret after a separator no base64url payload holds.
  if (format === 'current') hmac.update(`.${readerSecret}`);
  return hmac.digest();
}

function encodeWire(wire: WirePayload): string {
  return Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
}

function toWire(payload: TokenPayload, expiresAt: Date): WirePayload {
  const x = Math.floor(expiresAt.getTime() / 1000);
  if (!Number.isFinite(x)) throw new RangeError('expiresAt must be a valid date');
  if (!Number.isSafeInteger(payload.reader) || payload.reader < 1) {
    throw new RangeError('a link names a reader by a positive id');
  }
  const i = payload.reader;
  switch (payload.kind) {
    case 'unsubscribe':
      return payload.list && payload.list !== 'all'
        ? { k: 'u', i, l: payload.list, x }
        : { k: 'u', i, x };
    case 'preferences':
      return { k: 'p', i, x };
    case 'trial':
      return 'digest' in payload.source
        ? { k: 't', i, s: payload.story, d: payload.source.digest, x }
        : { k: 't', i, s: payload.story, c: payload.source.campaign, x };
  }
}

function fromWire<R>(wire: WirePayload, reader: R): LinkPayload<R> {
  if (wire.k === 'u') return { kind: 'unsubscribe', reader, list: wire.l ?? 'all' };
  if (wire.k === 'p') return { kind: 'preferences', reader };
  const source: TrialSource = wire.d !== undefined ? { digest: wire.d } : { campaign: wire.c! };
  return { kind: 'trial', reader, story: wire.s!, source };
}

/** Validates the shape before the signature is checked: nothing in it is trusted yet. */
function parseWire(json: string): WirePayload | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const wire = value as Record<string, unknown>;
  if (!Number.isInteger(wire.x)) return null;
  const byId = wire.i !== undefined;
  if (byId === (wire.r !== undefined)) return null;
  if (byId && !(Number.isSafeInteger(wire.i) && (wire.i as number) > 0)) return null;
  if (!byId && typeof wire.r !== 'string') return null;
  if (wire.k === 'u' && wire.l !== undefined && !UNSUBSCRIBE_LISTS.includes(wire.l as never)) {
    return null;
  }
  if (wire.k === 'u' || wire.k === 'p') return wire as unknown as WirePayload;
  if (wire.k !== 't' || typeof wire.s !== 'string') return null;
  const hasDigest = Number.isInteger(wire.d);
  const hasCampaign = Number.isInteger(wire.c);
  return hasDigest !== hasCampaign ? (wire as unknown as WirePayload) : null;
}
