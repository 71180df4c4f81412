import type { FastifyInstance, FastifyReply } from 'fastify';
import { InputError, InvalidFields } from '../services/input-error.js';
import {
  type Preferences,
  readPreferences,
  resubscribe,
  savePreferences,
  unsubscribeFromList,
} from '../services/web/index.js';
import type { HttpContext } from './http-context.js';
import { refuseOtherMethods } from './method-guard.js';
import { ErrorPage } from './pages/error-page.js';
import { PreferencesPage } from './pages/preferences-page.js';
import {
  type FormValues,
  preferencesBodySchema,
  problemsByControl,
  readPreferenceChanges,
} from './preferences-form.js';
import { acceptForms } from './reader-forms.js';
import { invalidLink, readToken, tokenParamsSchema } from './reader-token.js';
import { sendPage } from './responses.js';
import { refuseCrossSite } from './same-origin.js';

/** Every IANA zone this runtime knows, UTC included, for the time zone select. */
const TIME_ZONES: readonly string[] = (() => {
  const zones = Intl.supportedValuesOf('timeZone');
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
})();

type Body = FormValues & { action?: 'save' | 'unsubscribe' | 'resubscribe' };

/**
 * `GET /p/:token` shows the reader's preferences; `POST /p/:token` saves them (all or none:
 * refused values come back with the form, each error beside its field), or unsubscribes from
 * everything, or resubscribes. The POST takes forms from this page only.
 */
export async function registerPreferencesRoutes(
  app: FastifyInstance,
  ctx: HttpContext,
): Promise<void> {
  await acceptForms(app);
  const publicationName = ctx.settings.mailFrom.name;
  const params = tokenParamsSchema;

  const show = (
    reply: FastifyReply,
    status: number,
    preferences: Preferences,
    extra: { notice?: string; posted?: FormValues; errors?: Map<string, string> } = {},
  ) =>
    sendPage(
      reply,
      status,
      <PreferencesPage
        publicationName={publicationName}
        preferences={preferences}
        timeZones={TIME_ZONES}
        posted={extra.posted ?? null}
        errors={extra.errors ?? new Map()}
        notice={extra.notice ?? null}
      />,
    );

  /** The reader's preferences, or null (and a page saying so) when the reader is gone. */
  const load = async (reply: FastifyReply, email: string) => {
    try {
      return await readPreferences(ctx, email);
    } catch (error) {
      if (!(error instanceof InputError) || error.problem !== 'not-found') throw error;
      sendPage(
        reply,
        404,
        <ErrorPage
          publicationName={publicationName}
          status={404}
          message="We have no email preferences for this address any more: it gets no email from us."
        />,
      );
      return null;
    }
  };

  app.get<{ Params: { token: string } }>(
    '/p/:token',
    { schema: { params } },
    async (request, reply) => {
      const payload = await readToken(ctx, request.params.token, 'preferences');
      if (!payload) return invalidLink(reply, publicationName);
      const preferences = await load(reply, payload.reader);
      return preferences ? show(reply, 200, preferences) : reply;
    },
  );

  app.post<{ Params: { token: string }; Body: Body }>(
    '/p/:token',
    {
      onRequest: refuseCrossSite(ctx.settings.publicBaseUrl),
      schema: { params, body: preferencesBodySchema },
    },
    async (request, reply) => {
      const payload = await readToken(ctx, request.params.token, 'preferences');
      if (!payload) return invalidLink(reply, publicationName);
      const email = payload.reader;
      const current = await load(reply, email);
      if (!current) return reply;
      const { action = 'save', ...values } = request.body ?? {};
      if (action === 'resubscribe') {
        const outcome = await resubscribe(ctx, email);
        const notice = outcome.ok
          ? 'You are subscribed again.'
          : 'We cannot send email to this address: it bounced or asked us to stop.';
        return show(reply, 200, await readPreferences(ctx, email), { notice });
      }
      if (action === 'unsubscribe') {
        await unsubscribeFromList(ctx, email, 'all');
        return show(reply, 200, await readPreferences(ctx, email), {
          notice: 'You are unsubscribed from all emails.',
        });
      }
      try {
        const saved = await savePreferences(ctx, email, readPreferenceChanges(values));
        return show(reply, 200, saved, { notice: 'Your preferences are saved.' });
      } catch (error) {
        if (!(error instanceof InvalidFields)) throw error;
        return show(reply, 400, current, {
          posted: values,
          errors: problemsByControl(error.problems),
        });
      }
    },
  );
  refuseOtherMethods(app, '/p/:token', ['GET', 'POST']);
}
