import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MalformedEventError,
  UnauthenticatedEventError,
} from '../../../src/http/events/provider-event.js';
import {
  authenticateSendGrid,
  mapSendGridEvents,
  parseSendGridPublicKey,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifySendGridSignature,
} from '../../../src/http/events/sendgrid.js';

/**
 * SendGrid's own test vector for its signed event webhook (sendgrid/sendgrid-nodejs,
 * packages/eventwebhook/src/eventwebhook.spec.js, MIT): a key, a payload and the signature
 * SendGrid's signer made.
 */
const VECTOR = {
  publicKey:
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==',
  signature:
    'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=',
  timestamp: '1588788367',
  payload: JSON.stringify({
    category: 'example_payload',
    event: 'test_event',
    message_id: 'message_id',
  }),
};

const OURS = '<delivery-42.abcdefghijklmnop@brief.example>';

/** A key pair made for this test, and requests signed with it as SendGrid signs them. */
function testSigner() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const base64Key = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  return {
    key: parseSendGridPublicKey(base64Key),
    pem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    signed(body: string, at = new Date()) {
      const timestamp = String(Math.floor(at.getTime() / 1000));
      const signature = sign('sha256', Buffer.from(timestamp + body), {
        key: privateKey,
        dsaEncoding: 'der',
      }).toString('base64');
      return { [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp };
    },
  };
}

describe('SendGrid signatures', () => {
  it("verifies SendGrid's own signed payload, and refuses it changed in any part", () => {
    const key = parseSendGridPublicKey(VECTOR.publicKey);
    const payload = Buffer.from(VECTOR.payload);
    expect(verifySendGridSignature(key, payload, VECTOR.signature, VECTOR.timestamp)).toBe(true);
    expect(
      verifySendGridSignature(key, Buffer.from('payload'), VECTOR.signature, VECTOR.timestamp),
    ).toBe(false);
    expect(verifySendGridSignature(key, payload, VECTOR.signature, '1588788368')).toBe(false);
    const bad = VECTOR.signature.replace('NH2j', 'NH3j');
    expect(verifySendGridSignature(key, payload, bad, VECTOR.timestamp)).toBe(false);
    const otherKey = parseSendGridPublicKey(
      'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA==',
    );
    expect(verifySendGridSignature(otherKey, payload, VECTOR.signature, VECTOR.timestamp)).toBe(
      false,
    );
    expect(verifySendGridSignature(key, payload, 'not base64!', VECTOR.timestamp)).toBe(false);
  });

  it('reads the key as SendGrid shows it (base64) or as PEM, and refuses anything else', () => {
    const signer = testSigner();
    expect(parseSendGridPublicKey(signer.pem).asymmetricKeyType).toBe('ec');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    for (const bad of [
      'hello',
      VECTOR.publicKey.slice(0, 40),
      rsa.export({ format: 'der', type: 'spki' }).toString('base64'),
      generateKeyPairSync('ec', { namedCurve: 'P-384' })
        .publicKey.export({ format: 'der', type: 'spki' })
        .toString('base64'),
    ]) {
      expect(() => parseSendGridPublicKey(bad)).toThrow(/public key/);
    }
  });

  it('authenticates a request signed in this test: 401 without the headers, 403 tampered or stale', () => {
    const signer = testSigner();
    const body = JSON.stringify([{ event: 'bounce', email: 'a@example.com' }]);
    const now = new Date();
    const headers = signer.signed(body, now);
    expect(() => authenticateSendGrid(signer.key, headers, Buffer.from(body), now)).not.toThrow();
    const refused = (h: Record<string, string>, b = body, at = now) => {
      try {
        authenticateSendGrid(signer.key, h, Buffer.from(b), at);
      } catch (error) {
        expect(error).toBeInstanceOf(UnauthenticatedEventError);
        return (error as UnauthenticatedEventError).status;
      }
      return 'accepted';
    };
    expect(refused({})).toBe(401);
    expect(refused({ [SIGNATURE_HEADER]: headers[SIGNATURE_HEADER] as string })).toBe(401);
    expect(refused(headers, body.replace('a@', 'b@'))).toBe(403);
    expect(
      refused({ ...headers, [TIMESTAMP_HEADER]: String(Number(headers[TIMESTAMP_HEADER]) + 1) }),
    ).toBe(403);
    expect(refused(testSigner().signed(body, now))).toBe(403);
    const old = new Date(now.getTime() - 4 * 86_400_000);
    expect(refused(signer.signed(body, old))).toBe(403);
  });
});

describe('SendGrid events mapped', () => {
  const map = (events: unknown[]) =>
    mapSendGridEvents(Buffer.from(JSON.stringify(events))).events.map((e) => ({
      kind: e.kind,
      recipient: e.recipient,
    }));
  const event = (fields: Record<string, unknown>) => ({
    email: 'a@example.com',
    timestamp: 1764320000,
    'smtp-id': OURS,
    sg_event_id: `ev-${Math.random()}`,
    sg_message_id: 'sg-1.filter',
    ...fields,
  });

  it('maps each kind of the batch, and passes over the ones that say nothing about the address', () => {
    const batch = [
      event({ event: 'bounce', type: 'bounce', status: '5.1.1', reason: '550 5.1.1 no such user' }),
      event({ event: 'bounce', type: 'blocked', status: '5.7.1', reason: 'blocked by policy' }),
      event({ event: 'dropped', reason: 'Bounced Address' }),
      event({ event: 'dropped', reason: 'Spam Reporting Address' }),
      event({ event: 'dropped', reason: 'Unsubscribed Address' }),
      event({ event: 'dropped', reason: 'Expired' }),
      event({ event: 'dropped', reason: 'Invalid SMTPAPI header' }),
      event({ event: 'deferred', response: '451 4.7.1 try again later', attempt: '2' }),
      event({ event: 'spamreport' }),
      event({ event: 'unsubscribe' }),
      event({ event: 'group_unsubscribe', asm_group_id: 1 }),
      event({ event: 'processed' }),
      event({ event: 'delivered', response: '250 OK' }),
      event({ event: 'open' }),
      event({ event: 'click', url: 'https://brief.example/s-1' }),
      'not an object',
    ];
    const { events, passed } = mapSendGridEvents(Buffer.from(JSON.stringify(batch)));
    expect(events.map((e) => e.kind)).toEqual([
      'hard',
      'soft',
      'hard',
      'complaint',
      'unsubscribe',
      'soft',
      'ignored',
      'ignored',
      'complaint',
      'unsubscribe',
      'unsubscribe',
    ]);
    expect(passed).toBe(5);
    expect(events[0]).toMatchObject({
      source: 'sendgrid',
      recipient: 'a@example.com',
      messageIds: [OURS],
      status: '5.1.1',
      diagnostic: '550 5.1.1 no such user',
    });
    expect(events[0]?.eventId).toBe(batch[0] && (batch[0] as { sg_event_id: string }).sg_event_id);
  });

  it('reads a tag from custom arguments, lower-cases the address, and refuses a body that is not a batch', () => {
    const [first] = mapSendGridEvents(
      Buffer.from(
        JSON.stringify([
          event({
            event: 'spamreport',
            email: 'Ann@Example.COM',
            bulletin_tag: 'd42-ABCDEFGHIJKLMNOP',
          }),
        ]),
      ),
    ).events;
    expect(first).toMatchObject({ recipient: 'ann@example.com', tags: ['d42-abcdefghijklmnop'] });
    expect(map([event({ event: 'bounce', email: 'not an address' })])).toEqual([
      { kind: 'hard', recipient: null },
    ]);
    for (const bad of ['{}', 'not json', '"x"']) {
      expect(() => mapSendGridEvents(Buffer.from(bad))).toThrow(MalformedEventError);
    }
  });
});
