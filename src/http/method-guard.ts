import type { FastifyInstance, HTTPMethods } from 'fastify';

const ALL_METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Answers 405 with `Allow` for the methods a path does not take. Registered after the path's
 * own routes; HEAD comes with every GET. The answer is given on request, before any body is
 * read, so a wrong method is never mistaken for a wrong body.
 */
export function refuseOtherMethods(
  app: FastifyInstance,
  url: string,
  allowed: readonly ('GET' | 'POST')[],
): void {
  const allow = allowed.includes('GET') ? [...allowed, 'HEAD'] : [...allowed];
  const others = ALL_METHODS.filter((m) => !allow.includes(m));
  app.route({
    method: others,
    url,
    onRequest: async (_request, reply) => {
      reply.code(405).header('allow', allow.join(', '));
      return reply.send({ error: `method not allowed here; use ${allow.join(' or ')}` });
    },
    handler: async () => undefined,
  });
}
