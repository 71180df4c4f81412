import { describe, expect, it } from 'vitest';
import { mapPostmarkEvent, postmarkCredentials } from '../../../src/http/events/postmark.js';
import {
  MalformedEventError,
  UnauthenticatedEventError,
} from '../../../src/http/events/provider-event.js';

const basic = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`;

function bounce(type: string, fields: Record<string, unknown> = {}) {
  return {
    RecordType: 'Bounce',
    ID: 4323372036,
    Type: type,
    TypeCode: 1,
    Name: 'Hard bounce',
    Tag: 'alerts',
    MessageID: '883953f4-6105-42a2-a16a-77a8eac79483',
    Metadata: { 'bulletin-tag': 'd42-abcdefghijklmnop' },
    ServerID: 23,
    MessageStream: 'outbound',
    Description:
      'The server was unable to deliver your message (ex: unknown user, mailbox not found).',
    Details: 'smtp;550 5.1.1 The email account that you tried to reach does not exist.',
    Email: 'Ann@Example.com',
    From: 'alerts@brief.example',
    BouncedAt: '2026-11-28T09:05:00Z',
    Inactive: true,
    ...fields,
  };
}

const map = (event: unknown) => mapPostmarkEvent(Buffer.from(JSON.stringify(event)));
/** Postmark's IDs pass 2^53: the body as Postmark writes it, digits JSON numbers cannot hold. */
const BIG_ID = '4323372036854775807';
const withBigId = (event: object) =>
  mapPostmarkEvent(
    Buffer.from(JSON.stringify(event).replace('"ID":4323372036,', `"ID":${BIG_ID},`)),
  );

describe('Postmark basic auth', () => {
  const check = postmarkCredentials('postmark', 'a-long-webhook-password');
  const status = (header: string | undefined) => {
    try {
      check(header);
      return 'accepted';
    } catch (error) {
      expect(error).toBeInstanceOf(UnauthenticatedEventError);
      return (error as UnauthenticatedEventError).status;
    }
  };

  it('takes the configured pair only', () => {
    expect(status(basic('postmark:a-long-webhook-password'))).toBe('accepted');
    expect(
      status(`basic ${Buffer.from('postmark:a-long-webhook-password').toString('base64')}`),
    ).toBe('accepted');
    for (const header of [
      undefined,
      '',
      basic('postmark:a-long-webhook-passwore'),
      basic('postmark:a-long-webhook-password '),
      basic('Postmark:a-long-webhook-password'),
      basic('a-long-webhook-password'),
      `Bearer ${Buffer.from('postmark:a-long-webhook-password').toString('base64')}`,
      'Basic !!!',
    ]) {
      expect(status(header), String(header)).toBe(401);
    }
  });
});

describe('Postmark events mapped', () => {
  it("maps each of Postmark's bounce types", () => {
    const expected: Record<string, string> = {
      HardBounce: 'hard',
      BadEmailAddress: 'hard',
      ManuallyDeactivated: 'hard',
      SoftBounce: 'soft',
      Transient: 'soft',
      DnsError: 'soft',
      SpamNotification: 'soft',
      Blocked: 'soft',
      DMARCPolicy: 'soft',
      Unknown: 'soft',
      Unsubscribe: 'unsubscribe',
      SpamComplaint: 'complaint',
      AutoResponder: 'ignored',
      AddressChange: 'ignored',
      Subscribe: 'ignored',
      OpenRelayTest: 'ignored',
      VirusNotification: 'ignored',
      ChallengeVerification: 'ignored',
      Unconfirmed: 'ignored',
      SMTPApiError: 'ignored',
      InboundError: 'ignored',
      TemplateRenderingFailed: 'ignored',
      SomethingNew: 'ignored',
    };
    for (const [type, kind] of Object.entries(expected)) {
      expect(map(bounce(type))?.kind, type).toBe(kind);
    }
  });

  it("reads the recipient, the tag from Metadata, our Message-ID in the Content, never Postmark's MessageID", () => {
    const event = withBigId(
      bounce('HardBounce', {
        Content: 'Received: …\r\nMessage-ID: <delivery-43.bcdefghijklmnopq@brief.example>\r\n',
      }),
    );
    expect(event).toMatchObject({
      source: 'postmark',
      eventId: `bounce:${BIG_ID}`,
      recipient: 'ann@example.com',
      tags: ['d42-abcdefghijklmnop'],
      messageIds: ['<delivery-43.bcdefghijklmnopq@brief.example>'],
      status: '5.1.1',
    });
    expect(event?.diagnostic).toMatch(/^HardBounce: The server was unable/);
  });

  it('maps spam complaints and subscription changes; a reactivation is not recorded', () => {
    expect(map({ ...bounce('SpamComplaint'), RecordType: 'SpamComplaint' })?.kind).toBe(
      'complaint',
    );
    const change = (fields: Record<string, unknown>) => ({
      RecordType: 'SubscriptionChange',
      MessageID: 'pm-1',
      ServerID: 23,
      MessageStream: 'broadcast',
      ChangedAt: '2026-11-28T09:05:00Z',
      Recipient: 'ann@example.com',
      Origin: 'Recipient',
      SuppressSending: true,
      SuppressionReason: 'ManualSuppression',
      Tag: 'alerts',
      Metadata: { 'bulletin-tag': 'd42-abcdefghijklmnop' },
      ...fields,
    });
    expect(map(change({}))).toMatchObject({ kind: 'unsubscribe', recipient: 'ann@example.com' });
    expect(map(change({ SuppressionReason: 'HardBounce' }))?.kind).toBe('hard');
    expect(map(change({ SuppressionReason: 'SpamComplaint' }))?.kind).toBe('complaint');
    expect(map(change({ SuppressSending: false }))).toBeNull();
    expect(map({ RecordType: 'Delivery', Recipient: 'ann@example.com' })).toBeNull();
    expect(map({ RecordType: 'Open' })).toBeNull();
  });

  it('refuses a body that is not a Postmark webhook', () => {
    for (const bad of ['not json', '[]', '{}', '{"RecordType": 1}', '{"RecordType":"Bounce"}']) {
      expect(() => mapPostmarkEvent(Buffer.from(bad)), bad).toThrow(MalformedEventError);
    }
  });
});
