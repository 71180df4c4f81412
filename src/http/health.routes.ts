import type { FastifyInstance } from 'fastify';
import { checkReadiness } from '../services/operations/index.js';
import type { HttpContext } from './http-context.js';
import { refuseOtherMethods } from './method-guard.js';

/** Liveness and readiness probes. */
export function registerHealthRoutes(app: FastifyInstance, ctx: HttpContext): void {
  // Liveness: the process answers. No I/O, so a slow database never gets it restarted.
  app.get('/healthz', async () => ({ ok: true }));
  refuseOtherMethods(app, '/healthz', ['GET']);
  // Readiness: the database and Redis answer (503 naming which does not).
  app.get('/readyz', async (_request, reply) => {
    const readiness = await checkReadiness(ctx, ctx.queues);
    return reply.code(readiness.ok ? 200 : 503).send(readiness);
  });
  refuseOtherMethods(app, '/readyz', ['GET']);
}
