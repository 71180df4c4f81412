import type { FastifyInstance } from 'fastify';
import type { TrialSource } from '../domain/signed-token.js';
import { recordTrialClick } from '../services/readers/index.js';
import type { HttpContext } from './http-context.js';
import { refuseOtherMethods } from './method-guard.js';
import { MessagePage } from './pages/message-page.js';
import { readToken, tokenParamsSchema } from './reader-token.js';
import { sendPage } from './responses.js';

/**
 * `GET /t/:token` records the click on a trial link (reader, story, digest or campaign, time)
 * and redirects to TRIAL_URL with the story, utm parameters and an opaque `ref` naming the
 * click; the reader's address only with TRIAL_PREFILL_EMAIL=true. A link that is not valid
 * (tampered, expired, another kind) still leads to the plain TRIAL_URL: a reader never lands
 * on an error page, and the redirect never goes anywhere but TRIAL_URL. A HEAD (link
 * checkers) is answered alike but records nothing.
 */
export function registerTrialRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const publicationName = ctx.settings.mailFrom.name;
  app.get<{ Params: { token: string } }>(
    '/t/:token',
    { schema: { params: tokenParamsSchema }, attachValidation: true },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const payload = request.validationError
        ? null
        : await readToken(ctx, request.params.token, 'trial');
      if (!payload) return reply.redirect(ctx.settings.trialUrl, 302);
      const target = new URL(ctx.settings.trialUrl);
      target.searchParams.set('story', payload.story);
      for (const [name, value] of Object.entries(utmOf(payload.source))) {
        target.searchParams.set(name, value);
      }
      if (ctx.settings.trialPrefillEmail) target.searchParams.set('email', payload.reader);
      if (request.method === 'GET') {
        const { ref } = await recordTrialClick(ctx, {
          email: payload.reader,
          storyId: payload.story,
          source: payload.source,
        });
        target.searchParams.set('ref', ref);
      }
      return reply.redirect(target.toString(), 302);
    },
  );
  refuseOtherMethods(app, '/t/:token', ['GET']);

  app.get('/trial', async (_request, reply) =>
    sendPage(
      reply,
      200,
      <MessagePage publicationName={publicationName} title="Start your free trial">
        <p>This is a placeholder: set TRIAL_URL to the publisher’s trial sign-up page.</p>
      </MessagePage>,
    ),
  );
  refuseOtherMethods(app, '/trial', ['GET']);
}

function utmOf(source: TrialSource): Record<string, string> {
  return {
    utm_source: 'bulletin',
    utm_medium: 'email',
    utm_campaign: 'digest' in source ? 'digest' : `campaign-${source.campaign}`,
  };
}
