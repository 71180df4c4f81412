import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeToken,
  signToken,
  type TokenPayload,
  verifyToken,
} from '../../src/domain/signed-token.js';
import { signLegacyToken } from '../support/reader-tokens.js';

const secret = 'a secret that is long enough for tests';
const readerSecret = 'ann-own-secret';
const now = new Date('2026-11-28T12:00:00Z');
const inADay = new Date('2026-11-29T12:00:00Z');

const trial: TokenPayload = {
  kind: 'trial',
  reader: 7,
  story: 'bis-2026-0412',
  source: { digest: 42 },
};

/** Replaces one character of a token with another from the base64url alphabet. */
function flipCharAt(token: string, index: number): string {
  const char = token[index];
  return token.slice(0, index) + (char === 'A' ? 'B' : 'A') + token.slice(index + 1);
}

const sign = (payload: TokenPayload, until = inADay) =>
  signToken(secret, payload, readerSecret, until);

describe('signToken / verifyToken', () => {
  it('reads an unsubscribe link without a list as one for every email', () => {
    const token = sign({ kind: 'unsubscribe', reader: 7 });
    expect(verifyToken(secret, token, readerSecret, now).ok).toBe(true);
    expect(decodeToken(token)?.payload).toMatchObject({ list: 'all', reader: 7 });
  });

  it('round-trips every payload kind', () => {
    const payloads: TokenPayload[] = [
      trial,
      { kind: 'trial', reader: 9, story: '17', source: { campaign: 3 } },
      { kind: 'unsubscribe', reader: 7, list: 'all' },
      { kind: 'unsubscribe', reader: 7, list: 'daily' },
      { kind: 'unsubscribe', reader: 7, list: 'marketing' },
      { kind: 'preferences', reader: 7 },
    ];
    for (const payload of payloads) {
      const token = sign(payload);
      expect(verifyToken(secret, token, readerSecret, now)).toMatchObject({
        ok: true,
        expiresAt: inADay,
      });
      expect(decodeToken(token)).toMatchObject({ format: 'current', payload });
    }
  });

  it('makes compact, URL-safe tokens that hold no address, only what the reader may see', () => {
    const token = sign(trial);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(token.length).toBeLessThan(160);
    expect(encodeURIComponent(token)).toBe(token);
    const body = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'));
    expect(body).toEqual({ k: 't', i: 7, s: 'bis-2026-0412', d: 42, x: inADay.getTime() / 1000 });
    expect(token).not.toContain(readerSecret);
  });

  it('needs both the key and the reader’s own secret', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    const token = signToken(key, trial, readerSecret, inADay);
    expect(verifyToken(key, token, readerSecret, now).ok).toBe(true);
    expect(verifyToken(Buffer.from(key.toString()), token, readerSecret, now).ok).toBe(true);
    expect(verifyToken('another secret', token, readerSecret, now)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
    // The reader erased and added again: a new secret, and the old link is dead.
    expect(verifyToken(key, token, 'a new secret', now)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyToken(key, token, null, now)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('verifies with an older key during a rotation', () => {
    const token = signToken('old key', trial, readerSecret, inADay);
    expect(verifyToken(['new key', 'old key'], token, readerSecret, now).ok).toBe(true);
    expect(verifyToken(['new key'], token, readerSecret, now).ok).toBe(false);
  });

  it('expires at the expiry second', () => {
    const token = sign(trial);
    expect(verifyToken(secret, token, readerSecret, new Date(inADay.getTime() - 1000)).ok).toBe(
      true,
    );
    expect(verifyToken(secret, token, readerSecret, inADay)).toMatchObject({
      ok: false,
      reason: 'expired',
    });
  });

  it('rejects any change to the payload or the signature', () => {
    const token = sign(trial);
    const dot = token.indexOf('.');
    for (const index of [dot + 1, dot + 20, token.length - 2]) {
      expect(verifyToken(secret, flipCharAt(token, index), readerSecret, now)).toMatchObject({
        ok: false,
        reason: 'bad-signature',
      });
    }
  });

  it('never lets one reader use another reader’s signature', () => {
    const annToken = sign({ kind: 'unsubscribe', reader: 7 });
    const boBody = Buffer.from(
      JSON.stringify({ k: 'u', i: 8, x: Math.floor(inADay.getTime() / 1000) }),
    ).toString('base64url');
    const forged = `${boBody}.${annToken.split('.')[1]}`;
    expect(verifyToken(secret, forged, readerSecret, now)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('gives different readers, stories and sources different tokens', () => {
    const tokens = new Set([
      sign(trial),
      sign({ ...trial, reader: 8 }),
      sign({ ...trial, story: 'other' }),
      sign({ ...trial, source: { digest: 43 } }),
      sign({ ...trial, source: { campaign: 42 } }),
    ]);
    expect(tokens.size).toBe(5);
  });

  it('calls malformed what is not a token', () => {
    const good = sign(trial);
    for (const bad of [
      '',
      '.',
      'abc',
      'abc.',
      '.abc',
      'a.b.c',
      `${good}.x`,
      'ab$c.def',
      `${good}=`,
    ]) {
      expect(verifyToken(secret, bad, readerSecret, now)).toMatchObject({
        ok: false,
        reason: 'malformed',
      });
    }
    const shortSignature = `${good.split('.')[0]}.${'A'.repeat(20)}`;
    expect(verifyToken(secret, shortSignature, readerSecret, now)).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });

  it('rejects a body that is not a payload', () => {
    const body = Buffer.from(JSON.stringify({ k: 't', i: 7, x: 2e9 })).toString('base64url');
    const key = createHmac('sha256', secret).update('bulletin signed-token v2').digest();
    const signature = createHmac('sha256', key)
      .update(`${body}.${readerSecret}`)
      .digest('base64url');
    expect(verifyToken(secret, `${body}.${signature}`, readerSecret, now)).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });

  it('refuses to sign with an invalid expiry or reader', () => {
    expect(() => sign(trial, new Date('nope'))).toThrow(RangeError);
    expect(() => sign({ ...trial, reader: 0 })).toThrow(RangeError);
  });
});

describe('links of the older format', () => {
  it('still verify, without a reader secret, and name the address', () => {
    const token = signLegacyToken(
      secret,
      { kind: 'preferences', reader: 'ann@example.com' },
      inADay,
    );
    expect(decodeToken(token)).toMatchObject({
      format: 'legacy',
      payload: { kind: 'preferences', reader: 'ann@example.com' },
    });
    expect(verifyToken(secret, token, null, now).ok).toBe(true);
    expect(verifyToken('another key', token, null, now).ok).toBe(false);
  });

  it('cannot pass for the current format, nor the other way round', () => {
    const legacy = signLegacyToken(
      secret,
      { kind: 'preferences', reader: 'ann@example.com' },
      inADay,
    );
    const [legacyBody, legacySignature] = legacy.split('.') as [string, string];
    const current = sign({ kind: 'preferences', reader: 7 });
    const [currentBody, currentSignature] = current.split('.') as [string, string];
    expect(verifyToken(secret, `${currentBody}.${legacySignature}`, readerSecret, now).ok).toBe(
      false,
    );
    expect(verifyToken(secret, `${legacyBody}.${currentSignature}`, null, now).ok).toBe(false);
  });
});
