import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordProviderEvent } from '../../services/bounces/index.js';
import type { HttpContext } from '../http-context.js';
import { refuseOtherMethods } from '../method-guard.js';
import { authenticateMailgun, MailgunTokens, mapMailgunEvent } from './mailgun.js';
import { mapPostmarkEvent, POSTMARK_CHALLENGE, postmarkCredentials } from './postmark.js';
import {
  MalformedEventError,
  type MappedEvent,
  type ProviderEvent,
  type ProviderSource,
  UnauthenticatedEventError,
} from './provider-event.js';
import {
  authenticateSendGrid,
  mapSendGridEvents,
  parseSendGridPublicKey,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from './sendgrid.js';
import { readSesRequest, type SesDoor } from './ses.js';
import { fetchFromSns, SnsCertificates, SnsUnavailableError } from './sns-fetch.js';

/** Hands authenticated events to the recorder, in order; one call per request. */
export type RecordEvents = (events: ProviderEvent[]) => Promise<void>;

/** The recorder's own: each event in turn, each in its transaction, known again by its id. */
export function recordEach(ctx: HttpContext): RecordEvents {
  return async (events) => {
    for (const event of events) await recordProviderEvent(ctx, event);
  };
}

const NAMES: Record<ProviderSource, { name: string; setting: string; limit: number }> = {
  // An SNS message is at most 256 KB; a SendGrid batch is sent at about 768 KB; a Postmark
  // bounce may carry the bounce message itself (Content).
  ses: { name: 'Amazon SES (SNS)', setting: 'SES_TOPIC_ARNS', limit: 1024 * 1024 },
  postmark: {
    name: 'Postmark',
    setting: 'POSTMARK_WEBHOOK_USER and POSTMARK_WEBHOOK_PASSWORD',
    limit: 2 * 1024 * 1024,
  },
  sendgrid: { name: 'SendGrid', setting: 'SENDGRID_WEBHOOK_PUBLIC_KEY', limit: 5 * 1024 * 1024 },
  mailgun: { name: 'Mailgun', setting: 'MAILGUN_WEBHOOK_SIGNING_KEY', limit: 1024 * 1024 },
};

/** SES_TOPIC_ARNS: none, and the SES door stays closed. */
export function sesTopicArnsOf(ctx: HttpContext): readonly string[] {
  return ctx.settings.webhooks.sesTopicArns;
}

/**
 * `POST /api/events/ses|postmark|sendgrid|mailgun`: bounce, complaint and unsubscribe events
 * from the mail providers, each authenticated its provider's way and handed to the recorder.
 * A provider whose secret is not set answers 404 before any body is read. Refusals are 400
 * (not an event of that provider), 401 (no credentials) or 403 (credentials that fail); their
 * words are fixed sentences, never the request's own content.
 */
export async function registerProviderEventRoutes(
  app: FastifyInstance,
  ctx: HttpContext,
  record: RecordEvents = recordEach(ctx),
): Promise<void> {
  app.addContentTypeParser(
    ['application/json', 'text/plain'],
    { parseAs: 'buffer' },
    (_request, body, done) => done(null, body),
  );
  app.setErrorHandler(async (error, request, reply) => {
    if (error instanceof MalformedEventError) return refuse(request, reply, 400, error.message);
    if (error instanceof UnauthenticatedEventError) {
      if (error.status === 401 && request.url.startsWith('/api/events/postmark')) {
        reply.header('www-authenticate', POSTMARK_CHALLENGE);
      }
      return refuse(request, reply, error.status, error.message);
    }
    if (error instanceof SnsUnavailableError) {
      request.log.warn({ event: 'events.ses.certificate', error: error.message });
      return reply.code(503).header('retry-after', '60').send({ error: error.message });
    }
    throw error;
  });

  const webhooks = ctx.settings.webhooks;
  const topicArns = sesTopicArnsOf(ctx);
  const doors: Record<ProviderSource, boolean> = {
    ses: topicArns.length > 0,
    postmark: webhooks.postmark !== null,
    sendgrid: webhooks.sendgridPublicKey !== null,
    mailgun: webhooks.mailgunSigningKey !== null,
  };
  for (const source of Object.keys(NAMES) as ProviderSource[]) {
    const url = `/api/events/${source}`;
    refuseOtherMethods(app, url, ['POST']);
    if (doors[source]) continue;
    const { name, setting } = NAMES[source];
    const closed = async (_request: FastifyRequest, reply: FastifyReply) =>
      reply.code(404).send({ error: `the ${name} event webhook is off: set ${setting}` });
    app.post(url, { onRequest: closed }, async () => undefined);
  }

  const take = async (events: readonly MappedEvent[], passed: number) => {
    const receivedAt = ctx.now();
    if (events.length > 0) await record(events.map((event) => ({ ...event, receivedAt })));
    return { received: events.length + passed, recorded: events.length };
  };
  const route = (source: ProviderSource) => ({
    bodyLimit: NAMES[source].limit,
    url: `/api/events/${source}`,
  });

  if (doors.ses) {
    const door: SesDoor = {
      topicArns: new Set(topicArns),
      certificates: new SnsCertificates(ctx.snsFetch ?? fetchFromSns, ctx.now),
      now: ctx.now,
    };
    const confirm = ctx.snsFetch ?? fetchFromSns;
    const { url, bodyLimit } = route('ses');
    app.post<{ Body: Buffer }>(url, { bodyLimit }, async (request, reply) => {
      const sns = await readSesRequest(request.body ?? Buffer.alloc(0), door);
      if (sns.type === 'subscribe') {
        try {
          await confirm(sns.subscribeUrl);
        } catch (error) {
          request.log.warn({
            event: 'events.ses.subscription',
            topicArn: sns.topicArn,
            confirmed: false,
            error: (error as Error).message,
          });
          return reply.code(502).send({
            error: 'the SNS subscription could not be confirmed; request the confirmation again',
          });
        }
        request.log.info({
          event: 'events.ses.subscription',
          topicArn: sns.topicArn,
          confirmed: true,
        });
        return { confirmed: true };
      }
      if (sns.type === 'unsubscribed') {
        request.log.warn({ event: 'events.ses.unsubscribed', topicArn: sns.topicArn });
        return { received: 0, recorded: 0 };
      }
      return take(sns.events, sns.events.length === 0 ? 1 : 0);
    });
  }

  if (doors.postmark && webhooks.postmark) {
    const check = postmarkCredentials(webhooks.postmark.user, webhooks.postmark.password);
    const { url, bodyLimit } = route('postmark');
    app.post<{ Body: Buffer }>(
      url,
      {
        bodyLimit,
        // Credentials first: an unauthenticated body is never read.
        onRequest: async (request) => check(request.headers.authorization),
      },
      async (request) => {
        const event = mapPostmarkEvent(request.body ?? Buffer.alloc(0));
        return take(event ? [event] : [], event ? 0 : 1);
      },
    );
  }

  if (doors.sendgrid && webhooks.sendgridPublicKey) {
    const key = publicKeyOrThrow(webhooks.sendgridPublicKey);
    const { url, bodyLimit } = route('sendgrid');
    app.post<{ Body: Buffer }>(
      url,
      {
        bodyLimit,
        onRequest: async (request) => {
          if (!request.headers[SIGNATURE_HEADER] || !request.headers[TIMESTAMP_HEADER]) {
            throw new UnauthenticatedEventError('the SendGrid signature headers are missing', 401);
          }
        },
      },
      async (request) => {
        const body = request.body ?? Buffer.alloc(0);
        authenticateSendGrid(key, request.headers, body, ctx.now());
        const { events, passed } = mapSendGridEvents(body);
        return take(events, passed);
      },
    );
  }

  if (doors.mailgun && webhooks.mailgunSigningKey) {
    const signingKey = webhooks.mailgunSigningKey;
    const tokens = new MailgunTokens();
    const { url, bodyLimit } = route('mailgun');
    app.post<{ Body: Buffer }>(url, { bodyLimit }, async (request) => {
      const data = authenticateMailgun(
        signingKey,
        request.body ?? Buffer.alloc(0),
        ctx.now(),
        tokens,
      );
      const event = mapMailgunEvent(data);
      return take(event ? [event] : [], event ? 0 : 1);
    });
  }
}

function publicKeyOrThrow(text: string) {
  try {
    return parseSendGridPublicKey(text);
  } catch (error) {
    throw new Error(`SENDGRID_WEBHOOK_PUBLIC_KEY ${(error as Error).message}`);
  }
}

function refuse(request: FastifyRequest, reply: FastifyReply, status: number, message: string) {
  request.log.info({
    event: 'events.refused',
    path: request.url.split('?', 1)[0],
    status,
    reason: message,
  });
  return reply.code(status).send({ error: message });
}
