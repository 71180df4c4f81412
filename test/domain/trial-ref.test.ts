import { describe, expect, it } from 'vitest';
import { signToken, verifyToken } from '../../src/domain/signed-token.js';
import { readTrialRef, signTrialRef } from '../../src/domain/trial-ref.js';

const KEY = 'k'.repeat(32);
const OLD = 'o'.repeat(32);

describe('trial refs', () => {
  it('name the click they were signed for, under the current or an older key', () => {
    expect(readTrialRef([KEY], signTrialRef(KEY, 42))).toBe(42);
    expect(readTrialRef([KEY, OLD], signTrialRef(OLD, 7))).toBe(7);
  });

  it('cannot be made up or moved to another click', () => {
    const ref = signTrialRef(KEY, 42);
    const other = signTrialRef(KEY, 43);
    expect(readTrialRef([OLD], ref)).toBeNull();
    expect(readTrialRef([KEY], `${other.split('-')[0]}-${ref.split('-')[1]}`)).toBeNull();
    for (const bad of ['', 'c1', 'c1-', `${ref}x`, ref.toUpperCase(), 'c0-AAAAAAAAAAAAAAAA']) {
      expect(readTrialRef([KEY], bad)).toBeNull();
    }
  });
});

describe('verifying with several keys', () => {
  const payload = { kind: 'preferences' as const, reader: 3 };
  const own = 'reader-secret';
  const now = new Date('2026-11-28T10:00:00Z');
  const later = new Date('2026-12-28T10:00:00Z');

  it('takes a token of the current or the previous key, and says why another fails', () => {
    expect(verifyToken([KEY, OLD], signToken(OLD, payload, own, later), own, now).ok).toBe(true);
    expect(verifyToken([KEY], signToken(OLD, payload, own, later), own, now)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyToken([KEY, OLD], signToken(OLD, payload, own, now), own, now)).toMatchObject({
      ok: false,
      reason: 'expired',
    });
    expect(verifyToken(KEY, signToken(KEY, payload, own, later), own, now).ok).toBe(true);
  });
});
