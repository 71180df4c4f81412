import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** How many wrong passwords or tokens one client address may send within a window. */
export interface AttemptLimit {
  failures: number;
  windowMs: number;
}

/** Ten wrong guesses a quarter of an hour: no one mistypes more; a guesser gets nowhere. */
export const DEFAULT_ATTEMPT_LIMIT: AttemptLimit = { failures: 10, windowMs: 15 * 60_000 };

export interface FailedAttempts {
  /**
   * Seconds until this client may try again when it has used up its failures, else null.
   * Only a look: asking counts nothing.
   */
  retryAfter(request: FastifyRequest): Promise<number | null>;
  /** Counts one wrong password or token from this client. */
  recordFailure(request: FastifyRequest): Promise<void>;
}

/**
 * Counts wrong credentials per client address with @fastify/rate-limit: only failures count,
 * and a client that has used them up is refused until its window (fixed, from its first
 * failure) has passed, whatever it sends, the right password too: answering the right one
 * while refusing others would tell a guesser when it has found it. The window passing is
 * what lets the right password in again; another address is never held up. `name` keeps
 * each door's count apart (`admin`, `api`).
 *
 * The counts are kept in this process's memory (the plugin's LRU store): a login needs no
 * Redis round trip, and a server restart forgets them, which frees the right password too.
 * Several web servers behind one balancer each allow `failures`.
 */
export async function limitFailedAttempts(
  scope: FastifyInstance,
  name: string,
  limit: AttemptLimit = DEFAULT_ATTEMPT_LIMIT,
): Promise<FailedAttempts> {
  // One store per server when its root registered the plugin, so doors share it.
  if (!scope.hasDecorator('createRateLimit')) await scope.register(rateLimit, { global: false });
  const check = scope.createRateLimit({
    max: limit.failures,
    timeWindow: limit.windowMs,
    keyGenerator: (request) => `${name}:${normalizeIP(request.ip)}`,
  });
  return {
    async retryAfter(request) {
      const status = await check(request, { increment: false });
      if (status.isAllowed || status.remaining > 0) return null;
      return Math.max(1, status.ttlInSeconds);
    },
    async recordFailure(request) {
      await check(request);
    },
  };
}

/** 429 with Retry-After, in the door's own words. */
export function refuseTooManyFailures(reply: FastifyReply, seconds: number, message: string) {
  return reply
    .code(429)
    .header('retry-after', String(seconds))
    .header('cache-control', 'no-store')
    .send({ error: `${message}: try again in ${seconds} s` });
}
