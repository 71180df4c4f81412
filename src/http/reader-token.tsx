import type { FastifyReply } from 'fastify';
import type { LinkPayload } from '../domain/signed-token.js';
import { type OpenedLink, openReaderLink } from '../services/web/index.js';
import type { HttpContext } from './http-context.js';
import { ErrorPage } from './pages/error-page.js';
import { sendPage } from './responses.js';

/**
 * The payload of a valid, unexpired token of the wanted kind, naming its reader by address,
 * or null (see openReaderLink).
 */
export function readToken<K extends LinkPayload['kind']>(
  ctx: HttpContext,
  token: string,
  kind: K,
): Promise<OpenedLink<K> | null> {
  return openReaderLink(ctx, token, kind);
}

/** Path parameters of the personal links: the signed token, as text of sane length. */
export const tokenParamsSchema = {
  type: 'object',
  properties: { token: { type: 'string', minLength: 1, maxLength: 2048 } },
  required: ['token'],
} as const;

/** Tampered, expired or another kind of link: said plainly, with what to do instead. */
export function invalidLink(reply: FastifyReply, publicationName: string): FastifyReply {
  return sendPage(
    reply,
    400,
    <ErrorPage
      publicationName={publicationName}
      status={400}
      message="This link has expired or is not valid. Use the link in a newer email from us."
    />,
  );
}
