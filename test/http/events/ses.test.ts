import fs from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  MalformedEventError,
  UnauthenticatedEventError,
} from '../../../src/http/events/provider-event.js';
import { mapSesNotification, readSesRequest, type SesDoor } from '../../../src/http/events/ses.js';
import {
  SnsCertificates,
  SnsFetchError,
  SnsUnavailableError,
} from '../../../src/http/events/sns-fetch.js';
import {
  publicKeyOfCertificate,
  readSnsMessage,
  signingCertUrl,
  verifySnsSignature,
} from '../../../src/http/events/sns-signature.js';
import {
  createSnsTestSigner,
  type SnsTestSigner,
  sesBounce,
  sesNotification,
  TOPIC_ARN,
} from './sns-test-signer.js';

const amazon = JSON.parse(
  fs.readFileSync(new URL('./fixtures/sns-signed-by-amazon.json', import.meta.url), 'utf8'),
) as { signingCertificate: string; messages: Record<string, string>[] };

const OURS = '<delivery-42.abcdefghijklmnop@brief.example>';
const body = (message: Record<string, string>) => Buffer.from(JSON.stringify(message));

describe('SNS signatures', () => {
  it("verifies notifications Amazon SNS signed, SignatureVersion 1 (SHA1) and 2 (SHA256), with Amazon's certificate", () => {
    const key = publicKeyOfCertificate(amazon.signingCertificate, new Date('2022-07-28T21:30:00Z'));
    const versions = amazon.messages.map((m) => readSnsMessage(body(m)).SignatureVersion);
    expect(versions).toEqual(['1', '2']);
    for (const m of amazon.messages) {
      expect(verifySnsSignature(readSnsMessage(body(m)), key)).toBe(true);
      // One character of the message, the topic or the signature changed: refused.
      expect(verifySnsSignature(readSnsMessage(body({ ...m, Message: 'Hello World' })), key)).toBe(
        false,
      );
      expect(
        verifySnsSignature(readSnsMessage(body({ ...m, TopicArn: `${m.TopicArn}x` })), key),
      ).toBe(false);
      const signature = m.Signature as string;
      const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
      expect(verifySnsSignature(readSnsMessage(body({ ...m, Signature: flipped })), key)).toBe(
        false,
      );
      // Signed with SHA-256 but claimed as version 1 (or the other way round): refused.
      const other = m.SignatureVersion === '1' ? '2' : '1';
      expect(verifySnsSignature(readSnsMessage(body({ ...m, SignatureVersion: other })), key)).toBe(
        false,
      );
    }
  });

  it('refuses a certificate that is not valid now, or is not a certificate', () => {
    expect(() => publicKeyOfCertificate(amazon.signingCertificate, new Date('2026-01-01'))).toThrow(
      UnauthenticatedEventError,
    );
    expect(() => publicKeyOfCertificate('<html>hello</html>', new Date())).toThrow(
      UnauthenticatedEventError,
    );
  });

  it('takes a certificate URL only on https://sns.<region>.amazonaws.com(.cn)/…pem', () => {
    const withUrl = (url: string) =>
      readSnsMessage(
        body({ ...(amazon.messages[0] as Record<string, string>), SigningCertURL: url }),
      );
    for (const good of [
      'https://sns.us-east-2.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem',
      'https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem',
    ]) {
      expect(signingCertUrl(withUrl(good)).href).toBe(good);
    }
    for (const bad of [
      'http://sns.us-east-2.amazonaws.com/SimpleNotificationService-1.pem',
      'https://sns.us-east-2.amazonaws.com.evil.example/SimpleNotificationService-1.pem',
      'https://evil.example/sns.us-east-2.amazonaws.com/SimpleNotificationService-1.pem',
      'https://sns.evil.example/SimpleNotificationService-1.pem',
      'https://s3.amazonaws.com/attacker-bucket/SimpleNotificationService-1.pem',
      'https://attacker.sns.us-east-2.amazonaws.com/x.pem',
      'https://sns.us-east-2.amazonaws.com:8443/SimpleNotificationService-1.pem',
      'https://user:pw@sns.us-east-2.amazonaws.com/SimpleNotificationService-1.pem',
      'https://sns.us-east-2.amazonaws.com/SimpleNotificationService-1.key',
      'https://sns.us-east-2.amazonaws.com/cert.pem?x=1',
      'file:///etc/ssl/cert.pem',
      'not a url',
    ]) {
      expect(() => signingCertUrl(withUrl(bad)), bad).toThrow(UnauthenticatedEventError);
    }
  });

  it('refuses bodies that are not SNS messages (400) and signature versions it does not know (403)', () => {
    for (const bad of ['', 'not json', '[]', '{"Type":"Other"}', '{"Type":"Notification"}']) {
      expect(() => readSnsMessage(Buffer.from(bad)), bad).toThrow(MalformedEventError);
    }
    const m = amazon.messages[0] as Record<string, string>;
    expect(() => readSnsMessage(body({ ...m, SignatureVersion: '3' }))).toThrow(
      UnauthenticatedEventError,
    );
  });
});

describe('the SES door', () => {
  let signer: SnsTestSigner;
  let fetched: string[];
  let door: SesDoor;
  beforeAll(() => {
    signer = createSnsTestSigner();
  });
  const newDoor = (fetcher?: (url: URL) => Promise<string>) => {
    fetched = [];
    door = {
      topicArns: new Set([TOPIC_ARN]),
      certificates: new SnsCertificates(
        async (url) => {
          fetched.push(url.href);
          if (fetcher) return fetcher(url);
          if (url.href !== signer.certUrl) throw new SnsFetchError('404', true);
          return signer.certificatePem;
        },
        () => new Date(),
      ),
      now: () => new Date(),
    };
  };

  it('takes a signed SES bounce (both signature versions), fetching the certificate once', async () => {
    newDoor();
    for (const version of ['1', '2'] as const) {
      const message = signer.sign(sesNotification(sesBounce('Ann@Example.com', OURS)), version);
      const request = await readSesRequest(body(message), door);
      expect(request).toMatchObject({ type: 'notification', topicArn: TOPIC_ARN });
      if (request.type !== 'notification') throw new Error('not a notification');
      expect(request.events).toEqual([
        expect.objectContaining({
          source: 'ses',
          kind: 'hard',
          recipient: 'ann@example.com',
          messageIds: [OURS],
          status: '5.1.1',
        }),
      ]);
    }
    expect(fetched).toEqual([signer.certUrl]);
  });

  it('refuses a tampered message, another topic, an old one, and a certificate URL on another host, fetching nothing for the last three', async () => {
    newDoor();
    const good = signer.sign(sesNotification(sesBounce('ann@example.com', OURS)));
    const tampered = { ...good, Message: good.Message?.replace('ann@', 'bob@') as string };
    await expect(readSesRequest(body(tampered), door)).rejects.toThrow(/does not verify/);
    expect(fetched).toHaveLength(1);
    fetched.length = 0;
    const otherTopic = signer.sign(
      sesNotification(sesBounce('ann@example.com', OURS), {
        topicArn: 'arn:aws:sns:eu-west-1:999999999999:attacker',
      }),
    );
    await expect(readSesRequest(body(otherTopic), door)).rejects.toThrow(/SES_TOPIC_ARNS/);
    const old = signer.sign(
      sesNotification(sesBounce('ann@example.com', OURS), {
        timestamp: new Date(Date.now() - 2 * 86_400_000),
      }),
    );
    await expect(readSesRequest(body(old), door)).rejects.toThrow(UnauthenticatedEventError);
    const elsewhere = {
      ...good,
      SigningCertURL: 'https://attacker.example/SimpleNotificationService-1.pem',
    };
    await expect(readSesRequest(body(elsewhere), door)).rejects.toThrow(/SigningCertURL/);
    expect(fetched).toEqual([]);
  });

  it('reads a subscription confirmation, its SubscribeURL only on an SNS host for the same topic', async () => {
    newDoor();
    const confirmation = (subscribeUrl: string) =>
      signer.sign({
        Type: 'SubscriptionConfirmation',
        MessageId: 'c-1',
        Token: 'token-123',
        TopicArn: TOPIC_ARN,
        Message: 'You have chosen to subscribe to the topic.',
        SubscribeURL: subscribeUrl,
        Timestamp: new Date().toISOString(),
      });
    const url = `https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(TOPIC_ARN)}&Token=token-123`;
    const request = await readSesRequest(body(confirmation(url)), door);
    expect(request).toEqual({ type: 'subscribe', topicArn: TOPIC_ARN, subscribeUrl: new URL(url) });
    for (const bad of [
      url.replace('sns.eu-west-1.amazonaws.com', 'attacker.example'),
      url.replace('https:', 'http:'),
      url.replace('ConfirmSubscription', 'Unsubscribe'),
      url.replace(encodeURIComponent(TOPIC_ARN), 'arn%3Aaws%3Asns%3Aeu-west-1%3A1%3Aother'),
    ]) {
      await expect(readSesRequest(body(confirmation(bad)), door), bad).rejects.toThrow(
        /SubscribeURL/,
      );
    }
  });

  it('keeps certificates refused by Amazon out for a minute, and tries an unreachable one again', async () => {
    let calls = 0;
    const refusing = new SnsCertificates(
      async () => {
        calls++;
        throw new SnsFetchError('sns.eu-west-1.amazonaws.com answered 404', true);
      },
      () => new Date(),
    );
    const url = new URL(signer.certUrl);
    await expect(refusing.publicKey(url)).rejects.toThrow(UnauthenticatedEventError);
    await expect(refusing.publicKey(url)).rejects.toThrow(UnauthenticatedEventError);
    expect(calls).toBe(1);
    const flaky = vi
      .fn<(url: URL) => Promise<string>>()
      .mockRejectedValueOnce(new Error('ECONNRESET'))
      .mockResolvedValue(signer.certificatePem);
    const certificates = new SnsCertificates(flaky, () => new Date());
    await expect(certificates.publicKey(url)).rejects.toThrow(SnsUnavailableError);
    await expect(certificates.publicKey(url)).resolves.toBeDefined();
    expect(flaky).toHaveBeenCalledTimes(2);
  });
});

describe('SES notifications mapped', () => {
  const map = (event: unknown) =>
    mapSesNotification({ MessageId: 'm-1', Message: JSON.stringify(event) }).events;

  it('maps Permanent to hard, Transient and Undetermined to soft', () => {
    expect(map(sesBounce('a@example.com', OURS, 'Permanent'))[0]?.kind).toBe('hard');
    expect(map(sesBounce('a@example.com', OURS, 'Transient'))[0]?.kind).toBe('soft');
    expect(map(sesBounce('a@example.com', OURS, 'Undetermined'))[0]?.kind).toBe('soft');
  });

  it('gives one event per bounced recipient, each with its own id', () => {
    const event = sesBounce('a@example.com', OURS);
    event.bounce.bouncedRecipients.push({
      emailAddress: 'B@Example.com',
      action: 'failed',
      status: '5.2.1',
      diagnosticCode: 'smtp; 550 5.2.1 mailbox disabled',
    });
    const events = map(event);
    expect(events.map((e) => [e.recipient, e.status])).toEqual([
      ['a@example.com', '5.1.1'],
      ['b@example.com', '5.2.1'],
    ]);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(2);
    expect(events[0]?.eventId).toContain(event.bounce.feedbackId);
  });

  it('maps complaints (not-spam feedback ignored), and records nothing for deliveries', () => {
    const complaint = (feedback?: string) => ({
      notificationType: 'Complaint',
      complaint: {
        complainedRecipients: [{ emailAddress: 'c@example.com' }],
        feedbackId: 'f-1',
        ...(feedback ? { complaintFeedbackType: feedback } : {}),
      },
      mail: { commonHeaders: { messageId: OURS } },
    });
    expect(map(complaint('abuse'))).toEqual([
      expect.objectContaining({
        kind: 'complaint',
        recipient: 'c@example.com',
        messageIds: [OURS],
      }),
    ]);
    expect(map(complaint())[0]?.kind).toBe('complaint');
    expect(map(complaint('not-spam'))[0]?.kind).toBe('ignored');
    expect(
      map({ notificationType: 'Delivery', delivery: { recipients: ['d@example.com'] } }),
    ).toEqual([]);
    expect(map({ eventType: 'Open', mail: {} })).toEqual([]);
  });

  it('reads tags from X-Bulletin-Tag, the Return-Path and SES message tags', () => {
    const event = sesBounce('a@example.com', '<0102018abc@eu-west-1.amazonses.com>');
    event.mail.headers.push(
      { name: 'X-Bulletin-Tag', value: 'd42-abcdefghijklmnop' },
      { name: 'Return-Path', value: '<bounces+d43-bcdefghijklmnopq@mail.brief.example>' },
    );
    Object.assign(event.mail, { tags: { 'bulletin-tag': ['d44-cdefghijklmnopqr'] } });
    expect(map(event)[0]?.tags).toEqual([
      'd42-abcdefghijklmnop',
      'd43-bcdefghijklmnopq',
      'd44-cdefghijklmnopqr',
    ]);
  });

  it('refuses a Message that is not an SES notification', () => {
    for (const message of ['hello', '{}', '[1]', '{"notificationType": 5}']) {
      expect(() => mapSesNotification({ MessageId: 'm', Message: message }), message).toThrow(
        MalformedEventError,
      );
    }
  });
});
