import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/*
 * The admin login: HTTP basic auth, any user name, the password ADMIN_PASSWORD — the queue
 * dashboard's check (queue-dashboard.plugin.ts), behind one function so the reports can move
 * to the shared admin login (with its limit on failed attempts) by changing this file alone.
 */

/** Every request to `scope` needs the admin password; without it, a 401 with a challenge. */
export function requireAdminPassword(scope: FastifyInstance, password: string): void {
  const expected = digest(password);
  scope.addHook('onRequest', async (request, reply) => {
    if (givenPasswordMatches(request, expected)) return;
    // A browser's first request carries no credentials: only a wrong password is an event.
    if (request.headers.authorization !== undefined)
      request.log.warn({ event: 'admin.refused', ip: request.ip });
    await reply
      .code(401)
      .header('www-authenticate', 'Basic realm="Bulletin admin", charset="UTF-8"')
      .header('cache-control', 'no-store')
      .type('text/plain; charset=utf-8')
      .send('The admin pages need the admin password (ADMIN_PASSWORD).\n');
  });
}

/** SHA-256 digests compared in constant time: neither characters nor length can be timed. */
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
