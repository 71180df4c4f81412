import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The tag that names one delivery in what a mail server may send back about it: the VERP
 * envelope sender (`bounces+d42-k3x9…@mail.example.com`) and the Message-ID
 * (`<delivery-42.k3x9…@example.com>`). Its signature binds the delivery to the address it was
 * sent to, so a bounce counts only when it names a delivery of ours AND that delivery's
 * recipient: a forger who knows (or guesses) a delivery id cannot suppress anyone, and a
 * bounce for another address quoting our Message-ID changes nothing.
 *
 * The tag is lower case letters and digits joined by `-` and `.` only: it survives MTAs that
 * fold the local part's case, and needs no quoting in an address or a Message-ID.
 */
export interface BounceTag {
  deliveryId: number;
  signature: string;
}

const KEY_LABEL = 'bulletin bounce-tag v1';
/** 16 base32 characters: 80 bits, short enough for an address, far past guessing. */
const SIGNATURE_CHARS = 16;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** `d<delivery id>-<signature>`: the part after `+` in the VERP address. */
export function signBounceTag(
  secret: Buffer | string,
  deliveryId: number,
  recipient: string,
): string {
  return `d${deliveryId}-${signatureOf(secret, deliveryId, recipient)}`;
}

/** The Message-ID's local part, carrying the same signature: `delivery-42.<signature>`. */
export function signedMessageIdLocal(
  secret: Buffer | string,
  deliveryId: number,
  recipient: string,
): string {
  return `delivery-${deliveryId}.${signatureOf(secret, deliveryId, recipient)}`;
}

const VERP_TAG = /(?:^|[^a-z0-9])d(\d{1,15})-([a-z2-7]{16})(?![a-z0-9])/i;
const MESSAGE_ID_TAG = /delivery-(\d{1,15})\.([a-z2-7]{16})@/i;

/** The tag in a VERP address's local part (`bounces+d42-…`), or null. */
export function readVerpTag(address: string): BounceTag | null {
  const local = address.split('@')[0] ?? '';
  const plus = local.indexOf('+');
  if (plus < 0) return null;
  return tagOf(VERP_TAG.exec(local.slice(plus + 1)));
}

/** The tag in a Message-ID (`<delivery-42.…@domain>`), or null. */
export function readMessageIdTag(messageId: string): BounceTag | null {
  return tagOf(MESSAGE_ID_TAG.exec(messageId));
}

const MESSAGE_ID_TAGS = new RegExp(MESSAGE_ID_TAG.source, 'gi');

/**
 * Every Message-ID tag in a text (a quoted header block, a bounce's words), in order, once
 * each. Only the shape is read: each is worth as much as its signature, checked later.
 */
export function readMessageIdTags(text: string): BounceTag[] {
  const tags: BounceTag[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(MESSAGE_ID_TAGS)) {
    const tag = tagOf(match);
    if (!tag) continue;
    const key = `${tag.deliveryId}.${tag.signature}`;
    if (seen.has(key)) continue;
    seen.add(key);
    tags.push(tag);
  }
  return tags;
}

/**
 * Whether a tag was signed for this delivery and this recipient, with the current key or the
 * one before a rotation. In constant time.
 */
export function verifyBounceTag(
  secrets: readonly (Buffer | string)[],
  tag: BounceTag,
  recipient: string,
): boolean {
  const given = Buffer.from(tag.signature.toLowerCase());
  return secrets.some((secret) => {
    const expected = Buffer.from(signatureOf(secret, tag.deliveryId, recipient));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}

function tagOf(match: RegExpExecArray | null): BounceTag | null {
  if (!match) return null;
  const deliveryId = Number(match[1]);
  if (!Number.isSafeInteger(deliveryId) || deliveryId <= 0) return null;
  return { deliveryId, signature: (match[2] as string).toLowerCase() };
}

function signatureOf(secret: Buffer | string, deliveryId: number, recipient: string): string {
  const key = createHmac('sha256', secret).update(KEY_LABEL).digest();
  const mac = createHmac('sha256', key)
    .update(`${deliveryId}\n${recipient.trim().toLowerCase()}`)
    .digest();
  return base32(mac).slice(0, SIGNATURE_CHARS);
}

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}
