import { createHmac } from 'node:crypto';
import { normalizeEmail } from './reader.js';

/**
 * What stays of an erased reader's address on the do-not-mail list: a keyed hash (HMAC-SHA256
 * under a key derived from the installation's secret key) of the normalised address. It names
 * no one to whoever reads the database, yet the same address, added again, is recognised and
 * not mailed. Stored where an address would be, told apart by its prefix, which no address has
 * (an address holds an `@`; this never does).
 */
const KEY_LABEL = 'bulletin erased-address v1';
export const ADDRESS_HASH_PREFIX = 'hmac:';

export function hashAddress(secret: Buffer | string, email: string): string {
  const key = createHmac('sha256', secret).update(KEY_LABEL).digest();
  const digest = createHmac('sha256', key).update(normalizeEmail(email)).digest('base64url');
  return `${ADDRESS_HASH_PREFIX}${digest}`;
}

/** The hashes an address may be kept under: one per key still accepted (current, then older). */
export function addressHashes(keys: readonly (Buffer | string)[], email: string): string[] {
  return [...new Set(keys.map((key) => hashAddress(key, email)))];
}

/** Whether a stored value is a kept hash rather than an address. */
export function isAddressHash(value: string): boolean {
  return value.startsWith(ADDRESS_HASH_PREFIX);
}
