import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A pre-handler that lets a request through only with `Authorization: Bearer <token>`. Both
 * sides are hashed before the constant-time comparison, so neither the token's bytes nor its
 * length leak through timing. Answers 401 (with `WWW-Authenticate`) otherwise.
 */
export function requireBearer(token: string) {
  const wanted = digest(token);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization ?? '';
    const [scheme, given] = header.split(' ', 2);
    const ok =
      scheme?.toLowerCase() === 'bearer' &&
      given !== undefined &&
      timingSafeEqual(digest(given), wanted);
    if (!ok) {
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
