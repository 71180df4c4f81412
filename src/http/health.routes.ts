import type { FastifyInstance } from 'fastify';
import { checkReadiness } from '../services/operations/index.js';
import type { HttpContext } from './http-context.js';
import { refuseOtherMethods } from './method-guard.js';

/** Liveness and readiness probes. */
export function registerHealthRoutes(app: FastifyInstance, ctx: HttpContext): void {
  // Liveness: the process answers. No I/O, so a slow database never gets it restarted.
  app.get('/healthz', async () => ({ ok: true }));
  refuseOtherMethods(app, '/healthz', ['GET']);
  // Readiness: the database and Redis answer (503 naming which does not). The mail server's
  // state is in the body, and a warning when it does not answer, but never makes this 503: a
  // balancer would take every web server out for a mail provider's outage, and one-click
  // unsubscribes with them, while the mail itself only waits queued for the server's return.
  app.get('/readyz', async (_request, reply) => {
    const readiness = await checkReadiness(ctx, ctx.queues, ctx.mailServer?.status());
    return reply.code(readiness.ok ? 200 : 503).send(readiness);
  });
  refuseOtherMethods(app, '/readyz', ['GET']);
}
