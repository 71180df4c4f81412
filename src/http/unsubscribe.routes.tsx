import type { FastifyInstance } from 'fastify';
import { UNSUBSCRIBE_LISTS, type UnsubscribeList } from '../domain/signed-token.js';
import {
  type MailingState,
  readMailingState,
  resubscribe,
  signPreferencesToken,
  unsubscribeFromList,
} from '../services/web/index.js';
import type { HttpContext } from './http-context.js';
import { refuseOtherMethods } from './method-guard.js';
import { type MailingStanding, UnsubscribePage } from './pages/unsubscribe-page.js';
import { acceptForms } from './reader-forms.js';
import { invalidLink, readToken, tokenParamsSchema } from './reader-token.js';
import { sendPage } from './responses.js';
import { refuseCrossSite } from './same-origin.js';

const PREFERENCES_LINK_TTL_MS = 90 * 86_400_000;

interface UnsubscribeBody {
  list?: UnsubscribeList;
  action?: 'unsubscribe' | 'resubscribe';
}

/**
 * `GET /u/:token` shows the unsubscribe page and changes nothing (mail scanners follow links).
 * `POST /u/:token` is RFC 8058's one-click request (`List-Unsubscribe=One-Click`, no cookie,
 * 200 without a redirect, safe to repeat) and the page's own buttons: it takes the reader off
 * the link's list, or the list the button names, or resubscribes. A one-click request (no
 * `action`, no `list`: the body is `List-Unsubscribe=One-Click` or empty) stays open to any
 * origin, as mail providers post it from wherever they are; the page's buttons, which name
 * an action or a list, are refused from another site like the preferences form.
 */
export async function registerUnsubscribeRoutes(
  app: FastifyInstance,
  ctx: HttpContext,
): Promise<void> {
  await acceptForms(app, { ignoreOthers: true });
  const publicationName = ctx.settings.mailFrom.name;
  const params = tokenParamsSchema;

  app.get<{ Params: { token: string } }>(
    '/u/:token',
    { schema: { params } },
    async (request, reply) => {
      const payload = await readToken(ctx, request.params.token, 'unsubscribe');
      if (!payload) return invalidLink(reply, publicationName);
      const state = await readMailingState(ctx, payload.reader);
      return sendPage(
        reply,
        200,
        <UnsubscribePage
          publicationName={publicationName}
          email={payload.reader}
          list={payload.list ?? 'all'}
          standing={standingOf(state)}
          done={null}
          preferencesUrl={await preferencesUrlFor(ctx, state)}
        />,
      );
    },
  );

  app.post<{ Params: { token: string }; Body: UnsubscribeBody | undefined }>(
    '/u/:token',
    {
      preHandler: refuseCrossSite(ctx.settings.publicBaseUrl, { allow: isOneClick }),
      schema: {
        params,
        body: {
          type: ['object', 'null'],
          properties: {
            list: { type: 'string', enum: [...UNSUBSCRIBE_LISTS] },
            action: { type: 'string', enum: ['unsubscribe', 'resubscribe'] },
          },
        },
      },
    },
    async (request, reply) => {
      const payload = await readToken(ctx, request.params.token, 'unsubscribe');
      if (!payload) return invalidLink(reply, publicationName);
      const email = payload.reader;
      const body = request.body ?? {};
      let done: Parameters<typeof UnsubscribePage>[0]['done'];
      if (body.action === 'resubscribe') {
        await resubscribe(ctx, email);
        done = { action: 'resubscribed' };
      } else {
        const list = body.list ?? payload.list ?? 'all';
        await unsubscribeFromList(ctx, email, list);
        done = { action: 'unsubscribed', list };
      }
      const state = await readMailingState(ctx, email);
      const standing = standingOf(state);
      return sendPage(
        reply,
        200,
        <UnsubscribePage
          publicationName={publicationName}
          email={email}
          list={payload.list ?? 'all'}
          standing={standing}
          done={standing === 'blocked' ? null : done}
          preferencesUrl={await preferencesUrlFor(ctx, state)}
        />,
      );
    },
  );
  refuseOtherMethods(app, '/u/:token', ['GET', 'POST']);
}

/** RFC 8058's request: the link's own list, nothing chosen on a page. */
function isOneClick(request: { body: unknown }): boolean {
  const body = (request.body ?? {}) as UnsubscribeBody;
  return body.action === undefined && body.list === undefined;
}

function standingOf(state: MailingState): MailingStanding {
  if (state.suppressed && state.suppressed !== 'unsubscribed') return 'blocked';
  if (state.suppressed || state.reader?.status === 'unsubscribed') return 'unsubscribed';
  return 'subscribed';
}

/** A fresh link to the reader's preferences, when they are still a reader. */
async function preferencesUrlFor(ctx: HttpContext, state: MailingState): Promise<string | null> {
  if (!state.reader) return null;
  const expiresAt = new Date(ctx.now().getTime() + PREFERENCES_LINK_TTL_MS);
  const token = await signPreferencesToken(ctx, state.reader.id, expiresAt);
  return token && `/p/${token}`;
}
