import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyPluginAsync,
  LogController,
} from 'fastify';
import { InputError } from '../services/input-error.js';
import { adminPlugin } from './admin/admin.plugin.js';
import { registerApiRoutes } from './api.routes.js';
import { registerAssetRoutes } from './assets.routes.js';
import { registerProviderEventRoutes } from './events/events.routes.js';
import { registerHealthRoutes } from './health.routes.js';
import type { HttpContext } from './http-context.js';
import { describePathForLog } from './log-path.js';
import { refuseOtherMethods } from './method-guard.js';
import { metricsPlugin } from './metrics.plugin.js';
import { registerPreferencesRoutes } from './preferences.routes.js';
import { sendError } from './responses.js';
import { registerTrialRoutes } from './trial.routes.js';
import { registerUnsubscribeRoutes } from './unsubscribe.routes.js';

/**
 * Time limits for slow clients, set rather than left at Node's defaults: a client must send
 * its headers within 10 s and its whole request within 30 s; an idle keep-alive connection is
 * closed after 5 s.
 */
export const SERVER_TIMEOUTS = { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 };
/** Bodies of the reader pages' forms are small. */
const FORM_BODY_LIMIT = 64 * 1024;

/** Parts a deployment adds to the server, each behind its own setting. */
export interface HttpExtensions {
  /**
   * The queue dashboard, registered when ADMIN_PASSWORD is set; it mounts itself at
   * `/admin/queues` and checks the password. It may read JSON bodies; other content types it
   * adds itself. Given by the composition root, which holds the queues.
   */
  queueDashboard?: FastifyPluginAsync;
}

/**
 * The web server: webhook API, reader pages (unsubscribe, preferences, trial links), health
 * and metrics, on Fastify. Returned ready (plugins loaded) but not listening.
 */
export async function buildHttpApp(
  ctx: HttpContext,
  extensions: HttpExtensions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is what Fastify logs with; its types name a few more members.
    loggerInstance: ctx.log as unknown as FastifyBaseLogger,
    // Request lines are logged below without the token of a personal link.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    bodyLimit: FORM_BODY_LIMIT,
    requestTimeout: SERVER_TIMEOUTS.requestMs,
    keepAliveTimeout: SERVER_TIMEOUTS.keepAliveMs,
    connectionTimeout: SERVER_TIMEOUTS.requestMs,
    return503OnClosing: true,
    // Longer than any token we sign, so an overlong one reaches the routes (a trial link then
    // still leads to TRIAL_URL) instead of a bare 414.
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 8192 },
  });
  app.server.headersTimeout = SERVER_TIMEOUTS.headersMs;
  // Every route says which bodies it reads; none is read unless a route asks for it.
  app.removeAllContentTypeParsers();
  const publicationName = ctx.settings.mailFrom.name;
  // Counts of wrong passwords and tokens (failed-attempts.ts), one store for every door.
  await app.register(rateLimit, { global: false });

  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
  });
  // Only when debug lines are kept: describing the path hashes a personal link's token.
  const logRequests = ctx.log.isLevelEnabled('debug');
  app.addHook('onResponse', async (request, reply) => {
    if (!logRequests) return;
    request.log.debug({
      event: 'http.request',
      method: request.method,
      ...describePathForLog(request.url.split('?', 1)[0] ?? '/'),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    });
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const path = describePathForLog(request.url.split('?', 1)[0] ?? '/');
    if (error instanceof InputError) {
      return sendError(request, reply, 400, error.message, publicationName, {
        ...(error.field ? { field: error.field } : {}),
      });
    }
    if (error.validation) {
      return sendError(request, reply, 400, `bad request: ${error.message}`, publicationName);
    }
    const status = error.statusCode ?? 500;
    if (status === 413) {
      return sendError(request, reply, 413, 'the request body is too large', publicationName);
    }
    if (status === 415) {
      const type = request.headers['content-type'] ?? 'none';
      return sendError(
        request,
        reply,
        415,
        `content type ${type} is not taken here`,
        publicationName,
      );
    }
    if (status >= 400 && status < 500) {
      return sendError(request, reply, status, error.message, publicationName);
    }
    // The request's log line carries its id (reqId), which the error page shows.
    request.log.error({ event: 'http.error', ...path, error: String(error) });
    return sendError(
      request,
      reply,
      500,
      'Something went wrong on our side. Please try again in a moment.',
      publicationName,
      { requestId: request.id },
    );
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, 404, 'There is nothing at this address.', publicationName),
  );

  await app.register(async (scope) => registerHealthRoutes(scope, ctx));
  await app.register(async (scope) => {
    await scope.register(metricsPlugin, { ctx, queues: ctx.queues });
    refuseOtherMethods(scope, '/metrics', ['GET']);
  });
  await app.register(async (scope) => registerAssetRoutes(scope));
  await app.register(async (scope) => registerApiRoutes(scope, ctx));
  await app.register(async (scope) => registerProviderEventRoutes(scope, ctx));
  await app.register(async (scope) => registerUnsubscribeRoutes(scope, ctx));
  await app.register(async (scope) => registerPreferencesRoutes(scope, ctx));
  await app.register(async (scope) => registerTrialRoutes(scope, ctx));
  const adminPassword = ctx.settings.adminPassword;
  // The reports under /admin/, behind the same password as the queue dashboard.
  if (adminPassword) await app.register(adminPlugin, { ctx, password: adminPassword });
  if (ctx.settings.adminPassword && extensions.queueDashboard) {
    const dashboard = extensions.queueDashboard;
    await app.register(async (scope) => {
      // The dashboard's own actions post JSON; the rest of the server reads no body by default.
      scope.addContentTypeParser(
        'application/json',
        { parseAs: 'string' },
        scope.getDefaultJsonParser('error', 'error'),
      );
      await scope.register(dashboard);
    });
  }
  await app.ready();
  return app;
}

/** A port that cannot be listened on; the message says which and what to do. */
export class PortUnavailableError extends Error {
  override name = 'PortUnavailableError';
}

/**
 * Listens on `port` (every address), or throws {@link PortUnavailableError} when it is taken or
 * not allowed. Gives the listening app; `app.close()` stops it, letting requests in flight end.
 */
export async function startHttpServer(
  ctx: HttpContext,
  port: number,
  extensions: HttpExtensions = {},
): Promise<FastifyInstance> {
  const app = await buildHttpApp(ctx, extensions);
  try {
    await listenOnEveryAddress(app, port);
  } catch (error) {
    await app.close().catch(() => {});
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new PortUnavailableError(
        `port ${port} is in use (PORT): stop what listens there or set PORT to a free port`,
      );
    if (code === 'EACCES')
      throw new PortUnavailableError(`port ${port} may not be listened on by this user (PORT)`);
    throw error;
  }
  return app;
}

const listeningOn = (address: string) => `web server listening on ${address}`;

/** Every IPv6 and IPv4 address, or every IPv4 one on a host without IPv6. */
async function listenOnEveryAddress(app: FastifyInstance, port: number): Promise<void> {
  try {
    await app.listen({ port, host: '::', listenTextResolver: listeningOn });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EAFNOSUPPORT') throw error;
    await app.listen({ port, host: '0.0.0.0', listenTextResolver: listeningOn });
  }
}

/** The port a listening app is on. */
export function listeningPort(app: FastifyInstance): number {
  return (app.server.address() as { port: number }).port;
}
