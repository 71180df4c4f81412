import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { handleStoriesApi, handleTrialsApi } from './api.routes.js';
import { handleHealth, handleMetrics, handleReady } from './health.routes.js';
import type { HttpContext } from './http-context.js';
import { describePathForLog } from './log-path.js';
import { handlePreferences } from './preferences.routes.js';
import { handleTrialLink, handleTrialPlaceholder, handleUnsubscribe } from './reader.routes.js';
import { sendJson } from './respond.js';

type Handler = (
  ctx: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  param: string,
) => Promise<void>;

const ROUTES: { method: string; pattern: RegExp; handler: Handler }[] = [
  { method: 'GET', pattern: /^\/healthz$/, handler: handleHealth },
  { method: 'GET', pattern: /^\/readyz$/, handler: handleReady },
  { method: 'GET', pattern: /^\/metrics$/, handler: handleMetrics },
  { method: 'POST', pattern: /^\/api\/stories$/, handler: handleStoriesApi },
  { method: 'POST', pattern: /^\/api\/trials$/, handler: handleTrialsApi },
  { method: 'GET', pattern: /^\/u\/([A-Za-z0-9_.-]+)$/, handler: handleUnsubscribe },
  { method: 'POST', pattern: /^\/u\/([A-Za-z0-9_.-]+)$/, handler: handleUnsubscribe },
  { method: 'GET', pattern: /^\/p\/([A-Za-z0-9_.-]+)$/, handler: handlePreferences },
  { method: 'POST', pattern: /^\/p\/([A-Za-z0-9_.-]+)$/, handler: handlePreferences },
  { method: 'GET', pattern: /^\/t\/([A-Za-z0-9_.-]+)$/, handler: handleTrialLink },
  { method: 'GET', pattern: /^\/trial$/, handler: handleTrialPlaceholder },
];

/** The web server: webhook API, reader pages (unsubscribe, preferences, trial links), health. */
export function createHttpServer(ctx: HttpContext): Server {
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = ROUTES.find((r) => r.method === req.method && r.pattern.test(url.pathname));
    if (!route) {
      const known = ROUTES.some((r) => r.pattern.test(url.pathname));
      sendJson(res, known ? 405 : 404, { error: known ? 'method not allowed' : 'not found' });
      return;
    }
    const param = route.pattern.exec(url.pathname)?.[1] ?? '';
    try {
      await route.handler(ctx, req, res, param);
    } catch (error) {
      ctx.log.error({
        event: 'http.error',
        ...describePathForLog(url.pathname),
        error: String(error),
      });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    }
  });
}

/** A port that cannot be listened on; the message says which and what to do. */
export class PortUnavailableError extends Error {
  override name = 'PortUnavailableError';
}

/** Listens on `port`, or throws {@link PortUnavailableError} when it is taken or not allowed. */
export async function startHttpServer(ctx: HttpContext, port: number): Promise<Server> {
  const server = createHttpServer(ctx);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE')
        reject(
          new PortUnavailableError(
            `port ${port} is in use (PORT): stop what listens there or set PORT to a free port`,
          ),
        );
      else if (error.code === 'EACCES')
        reject(new PortUnavailableError(`port ${port} may not be listened on by this user (PORT)`));
      else reject(error);
    });
    server.listen(port, resolve);
  });
  return server;
}
