import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  authenticateMailgun,
  MailgunTokens,
  mapMailgunEvent,
  verifyMailgunSignature,
} from '../../../src/http/events/mailgun.js';
import {
  type Json,
  MalformedEventError,
  type UnauthenticatedEventError,
} from '../../../src/http/events/provider-event.js';

const KEY = randomBytes(24).toString('hex');
const OURS_BARE = 'delivery-42.abcdefghijklmnop@brief.example';

/** A Mailgun webhook body signed in this test as Mailgun signs it. */
function signed(
  eventData: Json,
  at = new Date(),
  key = KEY,
  token = randomBytes(25).toString('hex'),
) {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signature = createHmac('sha256', key)
    .update(timestamp + token)
    .digest('hex');
  return Buffer.from(
    JSON.stringify({ signature: { timestamp, token, signature }, 'event-data': eventData }),
  );
}

function failed(fields: Json = {}): Json {
  return {
    id: `ev-${randomBytes(6).toString('hex')}`,
    event: 'failed',
    severity: 'permanent',
    reason: 'bounce',
    recipient: 'Ann@Example.com',
    timestamp: 1764320000.5,
    'delivery-status': {
      code: 550,
      message: '5.1.1 The email account that you tried to reach does not exist',
      description: '',
    },
    message: { headers: { 'message-id': OURS_BARE, to: 'ann@example.com', subject: 'Alert' } },
    'user-variables': {},
    ...fields,
  };
}

describe('Mailgun signatures', () => {
  it('takes a body signed with the signing key, once', () => {
    const tokens = new MailgunTokens();
    const body = signed(failed());
    expect(authenticateMailgun(KEY, body, new Date(), tokens)).toMatchObject({ event: 'failed' });
    expect(() => authenticateMailgun(KEY, body, new Date(), tokens)).toThrow(/used before/);
  });

  it('refuses another key, a changed signature, a stale timestamp: 403; no signature: 401', () => {
    const tokens = new MailgunTokens();
    const status = (body: Buffer, at = new Date()) => {
      try {
        authenticateMailgun(KEY, body, at, tokens);
        return 'accepted';
      } catch (error) {
        if (error instanceof MalformedEventError) return 400;
        return (error as UnauthenticatedEventError).status;
      }
    };
    expect(status(signed(failed(), new Date(), 'another-key-0123456789'))).toBe(403);
    expect(status(signed(failed(), new Date(Date.now() - 6 * 60_000)))).toBe(403);
    expect(status(signed(failed(), new Date(Date.now() + 6 * 60_000)))).toBe(403);
    const json = JSON.parse(signed(failed()).toString()) as { signature: { signature: string } };
    json.signature.signature = json.signature.signature.replace(/^./, (c) =>
      c === 'a' ? 'b' : 'a',
    );
    expect(status(Buffer.from(JSON.stringify(json)))).toBe(403);
    expect(status(Buffer.from(JSON.stringify({ 'event-data': failed() })))).toBe(401);
    expect(status(Buffer.from('not json'))).toBe(400);
    // A refused request spends no token: the genuine one still goes through.
    const token = 'tok-0123456789-abcdefghijklmnopqrstuvwxyz';
    const genuine = signed(failed(), new Date(), KEY, token);
    expect(status(signed(failed(), new Date(), 'another-key-0123456789', token))).toBe(403);
    expect(status(genuine)).toBe('accepted');
  });

  it('compares only well-formed hex signatures', () => {
    expect(verifyMailgunSignature(KEY, '1', 'token', 'zz')).toBe(false);
    expect(verifyMailgunSignature(KEY, '1', 'token', '')).toBe(false);
    const good = createHmac('sha256', KEY).update('1token').digest('hex');
    expect(verifyMailgunSignature(KEY, '1', 'token', good)).toBe(true);
    expect(verifyMailgunSignature(KEY, '1', 'token', good.toUpperCase())).toBe(true);
  });

  it('forgets old tokens when full, never refusing a new one for room', () => {
    const tokens = new MailgunTokens(3);
    for (const t of ['a', 'b', 'c', 'd', 'e']) expect(tokens.claim(t, 1000)).toBe(true);
    expect(tokens.claim('e', 1000)).toBe(false);
  });
});

describe('Mailgun events mapped', () => {
  const kind = (fields: Json) => mapMailgunEvent(failed(fields))?.kind ?? 'not recorded';

  it('maps failures by severity and reason, complaints and unsubscribes', () => {
    expect(kind({})).toBe('hard');
    expect(kind({ severity: 'temporary', reason: 'generic' })).toBe('ignored');
    expect(kind({ reason: 'old' })).toBe('soft');
    expect(kind({ reason: 'espblock' })).toBe('soft');
    expect(kind({ reason: 'suppress-bounce' })).toBe('hard');
    expect(kind({ reason: 'suppress-complaint' })).toBe('complaint');
    expect(kind({ reason: 'suppress-unsubscribe' })).toBe('unsubscribe');
    expect(kind({ event: 'complained', severity: undefined })).toBe('complaint');
    expect(kind({ event: 'unsubscribed' })).toBe('unsubscribe');
    for (const event of ['accepted', 'delivered', 'opened', 'clicked', 'stored']) {
      expect(kind({ event })).toBe('not recorded');
    }
  });

  it("puts the Message-ID's angle brackets back, reads user-variables, status and words", () => {
    const event = mapMailgunEvent(
      failed({ 'user-variables': { 'bulletin-tag': 'd42-abcdefghijklmnop' } }),
    );
    expect(event).toMatchObject({
      source: 'mailgun',
      recipient: 'ann@example.com',
      messageIds: [`<${OURS_BARE}>`],
      tags: ['d42-abcdefghijklmnop'],
      status: '5.1.1',
      diagnostic: '5.1.1 The email account that you tried to reach does not exist',
    });
    expect(() => mapMailgunEvent(failed({ id: undefined }))).toThrow(MalformedEventError);
  });
});
