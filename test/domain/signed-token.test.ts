import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signToken, type TokenPayload, verifyToken } from '../../src/domain/signed-token.js';

const secret = 'a secret that is long enough for tests';
const now = new Date('2026-11-28T12:00:00Z');
const inADay = new Date('2026-11-29T12:00:00Z');

const trial: TokenPayload = {
  kind: 'trial',
  reader: 'ann@example.com',
  story: 'bis-2026-0412',
  source: { digest: 42 },
};

/** Replaces one character of a token with another from the base64url alphabet. */
function flipCharAt(token: string, index: number): string {
  const char = token[index];
  return token.slice(0, index) + (char === 'A' ? 'B' : 'A') + token.slice(index + 1);
}

describe('signToken / verifyToken', () => {
  it('reads an unsubscribe link without a list as one for every email', () => {
    const token = signToken(secret, { kind: 'unsubscribe', reader: 'ann@example.com' }, inADay);
    expect(verifyToken(secret, token, now)).toMatchObject({ ok: true, payload: { list: 'all' } });
  });

  it('round-trips every payload kind', () => {
    const payloads: TokenPayload[] = [
      trial,
      { kind: 'trial', reader: 'bo@example.org', story: '17', source: { campaign: 3 } },
      { kind: 'unsubscribe', reader: 'ann@example.com', list: 'all' },
      { kind: 'unsubscribe', reader: 'ann@example.com', list: 'daily' },
      { kind: 'unsubscribe', reader: 'ann@example.com', list: 'marketing' },
      { kind: 'preferences', reader: 'ann@example.com' },
    ];
    for (const payload of payloads) {
      const result = verifyToken(secret, signToken(secret, payload, inADay), now);
      expect(result).toEqual({ ok: true, payload, expiresAt: inADay });
    }
  });

  it('makes compact, URL-safe tokens', () => {
    const token = signToken(secret, trial, inADay);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(token.length).toBeLessThan(160);
    expect(encodeURIComponent(token)).toBe(token);
  });

  it('accepts a Buffer secret and rejects tokens signed with another secret', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    const token = signToken(key, trial, inADay);
    expect(verifyToken(key, token, now).ok).toBe(true);
    expect(verifyToken(Buffer.from(key.toString()), token, now).ok).toBe(true);
    expect(verifyToken('another secret', token, now)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('expires at the expiry second', () => {
    const token = signToken(secret, trial, inADay);
    expect(verifyToken(secret, token, new Date(inADay.getTime() - 1000)).ok).toBe(true);
    expect(verifyToken(secret, token, inADay)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyToken(secret, token, new Date('2027-01-01T00:00:00Z'))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('rejects any change to the payload or the signature', () => {
    const token = signToken(secret, trial, inADay);
    const dot = token.indexOf('.');
    for (const index of [0, 5, dot - 2, dot + 1, dot + 20, token.length - 2]) {
      expect(verifyToken(secret, flipCharAt(token, index), now)).toEqual({
        ok: false,
        reason: 'bad-signature',
      });
    }
  });

  it('never lets one reader use another reader’s signature', () => {
    const annToken = signToken(secret, { kind: 'unsubscribe', reader: 'ann@example.com' }, inADay);
    const boBody = Buffer.from(
      JSON.stringify({ k: 'u', r: 'bo@example.com', x: Math.floor(inADay.getTime() / 1000) }),
    ).toString('base64url');
    const forged = `${boBody}.${annToken.split('.')[1]}`;
    expect(verifyToken(secret, forged, now)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('gives different readers, stories and sources different tokens', () => {
    const tokens = new Set([
      signToken(secret, trial, inADay),
      signToken(secret, { ...trial, reader: 'bo@example.com' }, inADay),
      signToken(secret, { ...trial, story: 'other' }, inADay),
      signToken(secret, { ...trial, source: { digest: 43 } }, inADay),
      signToken(secret, { ...trial, source: { campaign: 42 } }, inADay),
    ]);
    expect(tokens.size).toBe(5);
  });

  it('does not accept an unsubscribe token as a preferences token', () => {
    const token = signToken(secret, { kind: 'unsubscribe', reader: 'ann@example.com' }, inADay);
    const result = verifyToken(secret, token, now);
    expect(result.ok && result.payload.kind).toBe('unsubscribe');
  });

  it('calls malformed what is not a token', () => {
    const good = signToken(secret, trial, inADay);
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
      expect(verifyToken(secret, bad, now)).toEqual({ ok: false, reason: 'malformed' });
    }
    const shortSignature = `${good.split('.')[0]}.${'A'.repeat(20)}`;
    // The last character carries two unused bits: a second spelling of the same bytes.
    const [body, signature] = good.split('.') as [string, string];
    const lastValue = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.indexOf(
      signature.at(-1)!,
    );
    const alias = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[
      lastValue ^ 1
    ]!;
    expect(verifyToken(secret, `${body}.${signature.slice(0, -1)}${alias}`, now)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(verifyToken(secret, shortSignature, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rejects a signed body that is not a payload', () => {
    // Only a holder of the secret could make this; the shape is still checked.
    const body = Buffer.from(JSON.stringify({ k: 't', r: 'ann@example.com', x: 2e9 })).toString(
      'base64url',
    );
    const key = createHmac('sha256', secret).update('bulletin signed-token v1').digest();
    const signature = createHmac('sha256', key).update(body).digest('base64url');
    expect(verifyToken(secret, `${body}.${signature}`, now)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('refuses to sign with an invalid expiry', () => {
    expect(() => signToken(secret, trial, new Date('nope'))).toThrow(RangeError);
  });
});
