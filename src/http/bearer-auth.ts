import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type FailedAttempts, refuseTooManyFailures } from './failed-attempts.js';

/**
 * A pre-handler that lets a request through only with `Authorization: Bearer <token>`. Both
 * sides are hashed before the constant-time comparison, so neither the token's bytes nor its
 * length leak through timing. Answers 401 (with `WWW-Authenticate`) otherwise, counting the
 * failure for the client's address; past the limit, 429 with Retry-After until the window
 * passes (failed-attempts.ts).
 */
export function requireBearer(token: string, attempts: FailedAttempts) {
  const wanted = digest(token);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const wait = await attempts.retryAfter(request);
    if (wait !== null) {
      request.log.warn({ event: 'api.token_limited', ip: request.ip });
      return refuseTooManyFailures(reply, wait, 'too many wrong bearer tokens (API_TOKEN)');
    }
    const header = request.headers.authorization ?? '';
    const [scheme, given] = header.split(' ', 2);
    const ok =
      scheme?.toLowerCase() === 'bearer' &&
      given !== undefined &&
      timingSafeEqual(digest(given), wanted);
    if (!ok) {
      await attempts.recordFailure(request);
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'missing or wrong bearer token (API_TOKEN)' });
    }
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
