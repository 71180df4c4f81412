import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The opaque `ref` a trial redirect carries: it names one recorded click, so the trial started
 * with it can be credited to the digest or campaign the click came from. It holds no personal
 * data, and it cannot be made up: the click id is signed.
 */
const KEY_LABEL = 'bulletin trial-ref v1';
const SIGNATURE_BYTES = 12;
const REF = /^c([0-9a-z]{1,12})-([A-Za-z0-9_-]{16})$/;

export function signTrialRef(secret: Buffer | string, clickId: number): string {
  if (!Number.isSafeInteger(clickId) || clickId < 1) throw new RangeError('click id must be > 0');
  const id = clickId.toString(36);
  return `c${id}-${signatureOf(secret, id).toString('base64url')}`;
}

/** The click a ref names, when one of the keys signed it; otherwise null. */
export function readTrialRef(keys: readonly (Buffer | string)[], ref: string): number | null {
  const match = REF.exec(ref);
  if (!match) return null;
  const [, id, signatureText] = match as unknown as [string, string, string];
  const given = Buffer.from(signatureText, 'base64url');
  if (given.length !== SIGNATURE_BYTES || given.toString('base64url') !== signatureText)
    return null;
  for (const key of keys) {
    if (timingSafeEqual(given, signatureOf(key, id))) {
      const clickId = Number.parseInt(id, 36);
      return Number.isSafeInteger(clickId) && clickId > 0 ? clickId : null;
    }
  }
  return null;
}

function signatureOf(secret: Buffer | string, id: string): Buffer {
  const key = createHmac('sha256', secret).update(KEY_LABEL).digest();
  return createHmac('sha256', key).update(id).digest().subarray(0, SIGNATURE_BYTES);
}
