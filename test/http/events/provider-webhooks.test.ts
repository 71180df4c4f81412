import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectWorkQueue } from '../../../jobs/direct-work-queue.js';
import type { WebhookSettings } from '../../../src/config/settings.js';
import { saveReader } from '../../../src/services/readers/readers.service.js';
import { subscribe } from '../../../src/services/readers/subscriptions.service.js';
import { listSuppressions } from '../../../src/services/readers/suppressions.service.js';
import { addTopic } from '../../../src/services/topics/topics.service.js';
import { makeStory, parseReceived, publish, runDue } from '../../support/flow-helpers.js';
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp-test-server.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { DIALECTS } from '../../support/test-database.js';
import { buildTestHttpApp } from '../../support/test-http.js';
import {
  mailgunFailure,
  mailgunRequest,
  POSTMARK,
  postmarkBounce,
  postmarkRequest,
  type SignedRequest,
  sendgridEvent,
  sendgridRequest,
  WEBHOOK_ENV,
} from './provider-requests.js';
import {
  createSnsTestSigner,
  type SnsTestSigner,
  sesBounce,
  sesNotification,
  TOPIC_ARN,
} from './sns-test-signer.js';

const READERS = ['ses', 'sendgrid', 'mailgun', 'postmark', 'forged'].map(
  (name) => `${name}@corp.example`,
);

/**
 * Each provider's door on a real app: a delivery sent through an SMTP server, its bounce or
 * complaint posted the provider's way, the address suppressed; the same post with a bad
 * signature refused and nothing changed.
 */
describe.each(DIALECTS)(
  'provider webhooks (%s)',
  (dialect) => {
    let smtp: TestSmtpServer;
    let t: TestApp;
    let http: FastifyInstance;
    let signer: SnsTestSigner;
    const fetched: string[] = [];
    /** Each reader's alert as it went out: its Message-ID and X-Bulletin-Tag. */
    const sent = new Map<string, { messageId: string; tag: string }>();

    beforeAll(async () => {
      signer = createSnsTestSigner();
      smtp = await startSmtpServer();
      t = await createTestApp(dialect, { smtpUrl: smtp.url, env: WEBHOOK_ENV });
      t.setNow(new Date());
      await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
      for (const email of READERS) {
        await saveReader(t.app, {
          email,
          name: null,
          plan: 'subscriber',
          trialEndsAt: null,
          tz: 'UTC',
          marketingConsent: false,
        });
        await subscribe(t.app, { email, topic: 'customs', cadence: 'instant' });
      }
      await publish(t.app, new DirectWorkQueue(), [makeStory('s-1', { headline: 'Customs news' })]);
      await runDue(t.app);
      for (const mail of smtp.received) {
        const parsed = await parseReceived(mail);
        const tag = parsed.headers.get('x-bulletin-tag');
        sent.set(mail.to[0] as string, {
          messageId: parsed.messageId as string,
          tag: typeof tag === 'string' ? tag : '',
        });
      }
      const webhooks: WebhookSettings = { ...t.settings.webhooks, sesTopicArns: [TOPIC_ARN] };
      http = await buildTestHttpApp(t.app, {
        settings: { ...t.settings, webhooks },
        snsFetch: async (url) => {
          fetched.push(url.href);
          if (url.href === signer.certUrl) return signer.certificatePem;
          if (url.searchParams.get('Action') === 'ConfirmSubscription') {
            return '<ConfirmSubscriptionResponse/>';
          }
          throw new Error(`no such test URL ${url.href}`);
        },
      });
    });
    afterAll(async () => {
      await http?.close();
      await t?.close();
      await smtp?.close();
    });

    const suppressed = async () =>
      Object.fromEntries((await listSuppressions(t.app)).map((s) => [s.email, s.reason]));
    const post = (provider: string, request: SignedRequest) =>
      http.inject({ method: 'POST', url: `/api/events/${provider}`, ...request });
    const of = (email: string) => sent.get(email) as { messageId: string; tag: string };
    const snsPost = (message: Record<string, string>) =>
      post('ses', {
        // SNS posts its JSON as text/plain.
        headers: { 'content-type': 'text/plain; charset=UTF-8' },
        payload: JSON.stringify(message),
      });

    it('sent every reader an alert with a signed Message-ID and tag', () => {
      expect([...sent.keys()].sort()).toEqual([...READERS].sort());
      for (const { messageId, tag } of sent.values()) {
        expect(messageId).toMatch(/^<delivery-\d+\.[a-z2-7]{16}@brief\.example>$/);
        expect(tag).toMatch(/^d\d+-[a-z2-7]{16}$/);
      }
    });

    it('refuses forged events of every provider, changing nothing and echoing nothing', async () => {
      const forged = 'forged@corp.example';
      const { messageId, tag } = of(forged);
      const ses = signer.sign(sesNotification(sesBounce(forged, messageId)));
      const sendgridEvents = [sendgridEvent(forged, messageId, 'spamreport')];
      const signedOther = sendgridRequest([sendgridEvent(forged, messageId, 'delivered')]);
      const attempts: [string, Promise<{ statusCode: number; body: string }>, number][] = [
        [
          'SES, tampered',
          snsPost({ ...ses, Message: (ses.Message as string).replace('Permanent', 'Transient') }),
          403,
        ],
        [
          'SES, another topic',
          snsPost(
            signer.sign(
              sesNotification(sesBounce(forged, messageId), { topicArn: `${TOPIC_ARN}-x` }),
            ),
          ),
          403,
        ],
        [
          'SES, cert elsewhere',
          snsPost({
            ...ses,
            SigningCertURL: 'https://evil.example/SimpleNotificationService-1.pem',
          }),
          403,
        ],
        [
          'Postmark, wrong password',
          post('postmark', postmarkRequest(postmarkBounce(forged, tag), `${POSTMARK.user}:wrong`)),
          401,
        ],
        [
          'Postmark, no auth',
          post('postmark', {
            ...postmarkRequest(postmarkBounce(forged, tag)),
            headers: { 'content-type': 'application/json' },
          }),
          401,
        ],
        [
          'SendGrid, signature of another body',
          post('sendgrid', {
            headers: signedOther.headers,
            payload: JSON.stringify(sendgridEvents),
          }),
          403,
        ],
        [
          'SendGrid, unsigned',
          post('sendgrid', {
            headers: { 'content-type': 'application/json' },
            payload: JSON.stringify(sendgridEvents),
          }),
          401,
        ],
        [
          'Mailgun, another key',
          post(
            'mailgun',
            mailgunRequest(mailgunFailure(forged, messageId), 'not-the-signing-key-0123'),
          ),
          403,
        ],
        [
          'Mailgun, stale',
          post(
            'mailgun',
            mailgunRequest(
              mailgunFailure(forged, messageId),
              undefined,
              new Date(Date.now() - 10 * 60_000),
            ),
          ),
          403,
        ],
      ];
      for (const [what, response, status] of attempts) {
        const { statusCode, body } = await response;
        expect(statusCode, what).toBe(status);
        expect(body, what).not.toContain(forged);
        expect(body, what).not.toContain(POSTMARK.password);
      }
      const unauthenticated = await post('postmark', {
        headers: { 'content-type': 'application/json' },
        payload: '{}',
      });
      expect(unauthenticated.headers['www-authenticate']).toMatch(/^Basic realm=/);
      expect(fetched.filter((u) => u.includes('evil.example'))).toEqual([]);
      expect(await suppressed()).not.toHaveProperty(forged);
    });

    it('SES: confirms the subscription, then a signed bounce suppresses the address (once)', async () => {
      const url = `https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(TOPIC_ARN)}&Token=t-1`;
      const confirmation = signer.sign({
        Type: 'SubscriptionConfirmation',
        MessageId: 'c-1',
        Token: 't-1',
        TopicArn: TOPIC_ARN,
        Message: 'You have chosen to subscribe to the topic.',
        SubscribeURL: url,
        Timestamp: new Date().toISOString(),
      });
      const confirmed = await snsPost(confirmation);
      expect(confirmed.statusCode).toBe(200);
      expect(fetched).toContain(url);
      const email = 'ses@corp.example';
      const bounce = signer.sign(sesNotification(sesBounce(email, of(email).messageId)), '1');
      for (let i = 0; i < 2; i++) {
        const response = await snsPost(bounce);
        expect(response.statusCode).toBe(200);
        expect(response.json()).toEqual({ received: 1, recorded: 1 });
      }
      expect((await suppressed())[email]).toBe('hard-bounce');
      const rows = await t.app.db
        .selectFrom('bounces')
        .selectAll()
        .where('source', '=', 'ses')
        .execute();
      expect(rows.map((r) => [r.kind, r.recipient])).toEqual([['hard', email]]);
    });

    it('SendGrid: a signed batch, its spam report suppressing the address', async () => {
      const email = 'sendgrid@corp.example';
      const { messageId } = of(email);
      const response = await post(
        'sendgrid',
        sendgridRequest([
          sendgridEvent(email, messageId, 'processed'),
          sendgridEvent(email, messageId, 'delivered'),
          sendgridEvent(email, messageId, 'spamreport'),
        ]),
      );
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ received: 3, recorded: 1 });
      expect((await suppressed())[email]).toBe('complaint');
    });

    it('Mailgun: a signed permanent failure suppresses the address; the same token again is refused', async () => {
      const email = 'mailgun@corp.example';
      const request = mailgunRequest(mailgunFailure(email, of(email).messageId));
      expect((await post('mailgun', request)).statusCode).toBe(200);
      expect((await suppressed())[email]).toBe('hard-bounce');
      expect((await post('mailgun', request)).statusCode).toBe(403);
    });

    it('Postmark: a hard bounce naming the delivery by its tag in Metadata suppresses the address', async () => {
      const email = 'postmark@corp.example';
      const response = await post(
        'postmark',
        postmarkRequest(postmarkBounce(email, of(email).tag)),
      );
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ received: 1, recorded: 1 });
      expect((await suppressed())[email]).toBe('hard-bounce');
    });

    it('keeps a door closed (404) while its secret is unset, before reading any body', async () => {
      const closed = await buildTestHttpApp(t.app, {
        settings: {
          ...t.settings,
          webhooks: {
            postmark: null,
            sendgridPublicKey: null,
            mailgunSigningKey: null,
            sesTopicArns: [],
          },
        },
      });
      try {
        for (const [provider, setting] of [
          ['ses', 'SES_TOPIC_ARNS'],
          ['postmark', 'POSTMARK_WEBHOOK_PASSWORD'],
          ['sendgrid', 'SENDGRID_WEBHOOK_PUBLIC_KEY'],
          ['mailgun', 'MAILGUN_WEBHOOK_SIGNING_KEY'],
        ] as const) {
          const response = await closed.inject({
            method: 'POST',
            url: `/api/events/${provider}`,
            headers: { 'content-type': 'application/json' },
            payload: '{}',
          });
          expect(response.statusCode, provider).toBe(404);
          expect(response.json().error).toContain(setting);
        }
      } finally {
        await closed.close();
      }
    });

    it('refuses a body over its limit with 413', async () => {
      const response = await post('ses', {
        headers: { 'content-type': 'text/plain' },
        payload: `{"Message": "${'x'.repeat(1024 * 1024)}"}`,
      });
      expect(response.statusCode).toBe(413);
    });

    it('answers 400 for a body that is no event, 415 for another type, 405 for another method', async () => {
      const bad = await post('mailgun', {
        headers: { 'content-type': 'application/json' },
        payload: '{"nope": [',
      });
      expect(bad.statusCode).toBe(400);
      const form = await post('postmark', {
        ...postmarkRequest({}),
        headers: {
          ...postmarkRequest({}).headers,
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: 'a=b',
      });
      expect(form.statusCode).toBe(415);
      const get = await http.inject({ method: 'GET', url: '/api/events/ses' });
      expect(get.statusCode).toBe(405);
      expect(get.headers.allow).toBe('POST');
    });
  },
  60_000,
);
