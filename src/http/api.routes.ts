import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { normalizeEmail } from '../domain/reader.js';
import { parseStoriesText } from '../domain/story.js';
import { startTrial } from '../services/readers/index.js';
import { publishStories } from '../services/stories/index.js';
import { requireBearer } from './bearer-auth.js';
import { limitFailedAttempts } from './failed-attempts.js';
import type { HttpContext } from './http-context.js';
import { refuseOtherMethods } from './method-guard.js';

/**
 * The API for the publisher's systems, behind `Authorization: Bearer API_TOKEN`: webhook
 * ingest of stories and trials started on the publisher's site. Off (404) without API_TOKEN.
 */
export async function registerApiRoutes(app: FastifyInstance, ctx: HttpContext): Promise<void> {
  const token = ctx.settings.apiToken;
  for (const url of ['/api/stories', '/api/trials']) refuseOtherMethods(app, url, ['POST']);
  if (!token) {
    // Answered on request, before any body is looked at.
    const off = async (_request: FastifyRequest, reply: FastifyReply) =>
      reply.code(404).send({ error: 'the API is off: set API_TOKEN to turn it on' });
    for (const url of ['/api/stories', '/api/trials']) {
      app.post(url, { onRequest: off }, async () => undefined);
    }
    return;
  }
  const auth = requireBearer(token, await limitFailedAttempts(app, 'api', ctx.apiTokenLimit));
  await app.register(async (scope) => registerStoriesRoute(scope, ctx, auth));
  await app.register(async (scope) => registerTrialsRoute(scope, ctx, auth));
}

type Auth = ReturnType<typeof requireBearer>;

/**
 * `POST /api/stories`: the story format as one JSON object, a JSON array, or JSON Lines
 * (`application/x-ndjson`). 202 with the accepted ids when every record is a story; 400 with
 * each bad record's position and error otherwise (the good ones are kept); 413 over
 * INGEST_BODY_LIMIT; 415 for any other content type.
 */
function registerStoriesRoute(app: FastifyInstance, ctx: HttpContext, auth: Auth): void {
  // The text goes whole to the story-format reader, which reports each record on its own.
  app.addContentTypeParser(
    ['application/json', 'application/x-ndjson'],
    { parseAs: 'string', bodyLimit: ctx.settings.ingestBodyLimit },
    (_request, body, done) => done(null, body),
  );
  app.post<{ Body: string }>(
    '/api/stories',
    {
      onRequest: auth,
      bodyLimit: ctx.settings.ingestBodyLimit,
      schema: { body: { type: 'string' } },
    },
    async (request, reply) => {
      const records = parseStoriesText(request.body ?? '');
      if (records.length === 0) {
        return reply.code(400).send({ error: 'no story in the request body' });
      }
      const report = await publishStories(ctx, records);
      const refused = new Set(report.rejected.map((r) => r.position));
      const accepted = records.flatMap((r) =>
        r.ok && !refused.has(r.position) ? [r.story.id] : [],
      );
      // Good stories are kept even when others are refused; the status says whether all went in.
      return reply.code(report.rejected.length > 0 ? 400 : 202).send({ accepted, ...report });
    },
  );
}

interface TrialBody {
  email: string;
  days: number;
  ref?: string;
}

/** `POST /api/trials {email, days, ref}`: a reader started a trial on the publisher's site. */
function registerTrialsRoute(app: FastifyInstance, ctx: HttpContext, auth: Auth): void {
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
  app.post<{ Body: TrialBody }>(
    '/api/trials',
    {
      onRequest: auth,
      schema: {
        body: {
          type: 'object',
          required: ['email'],
          properties: {
            email: { type: 'string', format: 'email', maxLength: 320 },
            days: { type: 'integer', minimum: 1, maximum: 365, default: 14 },
            ref: { type: 'string', minLength: 1, maxLength: 200 },
          },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const { email, days, ref } = request.body;
      const { reader, attribution } = await startTrial(ctx, {
        email: normalizeEmail(email),
        days,
        ...(ref === undefined ? {} : { ref }),
      });
      return {
        email: reader.email,
        plan: reader.plan,
        trialEndsAt: reader.trialEndsAt,
        attribution,
      };
    },
  );
}
