import type { FastifyReply } from 'fastify';
import { type TokenPayload, verifyTokenWithKeys } from '../domain/signed-token.js';
import type { HttpContext } from './http-context.js';
import { ErrorPage } from './pages/error-page.js';
import { sendPage } from './responses.js';

/**
 * The payload of a valid, unexpired token of the wanted kind, or null. A token of another kind
 * never works here (an unsubscribe link is not a trial link).
 */
export function readToken<K extends TokenPayload['kind']>(
  ctx: HttpContext,
  token: string,
  kind: K,
): Extract<TokenPayload, { kind: K }> | null {
  const verified = verifyTokenWithKeys(ctx.verificationKeys, token, ctx.now());
  if (verified.ok && verified.payload.kind === kind) {
    return verified.payload as Extract<TokenPayload, { kind: K }>;
  }
  return null;
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
