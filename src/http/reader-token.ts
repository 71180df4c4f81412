import type { ServerResponse } from 'node:http';
import { type TokenPayload, verifyToken } from '../domain/signed-token.js';
import type { HttpContext } from './http-context.js';
import { sendPage } from './respond.js';

const EXPIRED = 'This link has expired or is not valid. Use the link in a newer email.';

/**
 * The payload of a valid, unexpired token of the wanted kind; otherwise answers 400 and gives
 * null. A token of another kind never works here (an unsubscribe link is not a trial link).
 */
export function readToken<K extends TokenPayload['kind']>(
  ctx: HttpContext,
  token: string,
  kind: K,
  res: ServerResponse,
): Extract<TokenPayload, { kind: K }> | null {
  const verified = verifyToken(ctx.secretKey, token, ctx.now());
  if (verified.ok && verified.payload.kind === kind) {
    return verified.payload as Extract<TokenPayload, { kind: K }>;
  }
  sendPage(res, 400, 'Link not valid', `<p>${EXPIRED}</p>`);
  return null;
}
