import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type AttemptLimit,
  limitFailedAttempts,
  refuseTooManyFailures,
} from './failed-attempts.js';

export interface AdminAuthOptions {
  /** ADMIN_PASSWORD. */
  password: string;
  /** What the browser's login box names (`Bulletin queues`, `Bulletin reports`). */
  realm: string;
  /** The line a refused request is answered with. */
  refusal: string;
  /** Wrong passwords allowed per client address (default: 10 each 15 minutes). */
  limit?: AttemptLimit;
}

/**
 * The admin login, for every page under `/admin/`: an on-request hook on `scope` (register
 * the pages in it) that lets a request through only with HTTP basic auth, any user name, the
 * password ADMIN_PASSWORD. A wrong one is answered 401 and counted for its client address;
 * past the limit every request from that address gets 429 with Retry-After until the window
 * passes (failed-attempts.ts). A browser's first request, without credentials, is not a
 * failure.
 */
export async function requireAdminPassword(
  scope: FastifyInstance,
  options: AdminAuthOptions,
): Promise<void> {
  const expected = digest(options.password);
  const attempts = await limitFailedAttempts(scope, 'admin', options.limit);
  scope.addHook('onRequest', async (request, reply) => {
    const wait = await attempts.retryAfter(request);
    if (wait !== null) {
      request.log.warn({ event: 'admin.login_limited', ip: request.ip });
      return refuseTooManyFailures(reply, wait, 'too many wrong admin passwords');
    }
    if (givenPasswordMatches(request, expected)) return;
    if (request.headers.authorization !== undefined) {
      await attempts.recordFailure(request);
      request.log.warn({ event: 'admin.login_refused', ip: request.ip, path: pathOf(request) });
    }
    return refuse(reply, options);
  });
}

/**
 * Compares SHA-256 digests in constant time: equal lengths whatever was sent, so neither the
 * password's characters nor its length can be timed out of the answer.
 */
function givenPasswordMatches(request: FastifyRequest, expected: Buffer): boolean {
  const credentials = /^Basic\s+([A-Za-z0-9+/]+=*)\s*$/i.exec(request.headers.authorization ?? '');
  if (!credentials) return false;
  const decoded = Buffer.from(credentials[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  return timingSafeEqual(digest(decoded.slice(colon + 1)), expected);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function pathOf(request: FastifyRequest): string {
  return request.url.split('?', 1)[0] ?? '/';
}

async function refuse(reply: FastifyReply, options: AdminAuthOptions): Promise<void> {
  await reply
    .code(401)
    .header('www-authenticate', `Basic realm="${options.realm}", charset="UTF-8"`)
    .header('cache-control', 'no-store')
    .type('text/plain; charset=utf-8')
    .send(`${options.refusal}\n`);
}
