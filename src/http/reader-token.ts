import { type TokenPayload, verifyTokenWithKeys } from '../domain/signed-token.js';
import type { HttpContext } from './http-context.js';

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
