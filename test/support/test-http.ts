import type { FastifyInstance } from 'fastify';
import { DirectWorkQueue } from '../../jobs/direct-work-queue.js';
import type { App } from '../../src/app.js';
import type { HttpContext } from '../../src/http/http-context.js';
import { buildHttpApp, listeningPort } from '../../src/http/server.js';

/** The web server's context for a test app: work handed on runs nowhere, no queue counts. */
export function httpContextOf(app: App, extra: Partial<HttpContext> = {}): HttpContext {
  return { ...app, queue: new DirectWorkQueue(), queues: null, ...extra };
}

/** The Fastify app of the web server, ready for `inject()`. */
export function buildTestHttpApp(
  app: App,
  extra: Partial<HttpContext> = {},
): Promise<FastifyInstance> {
  return buildHttpApp(httpContextOf(app, extra));
}

/** The web server on a free localhost port, for one test file (browsers need a real port). */
export async function startTestHttpServer(
  app: App,
  extra: Partial<HttpContext> = {},
): Promise<{ base: string; close: () => Promise<void> }> {
  const server = await buildTestHttpApp(app, extra);
  await server.listen({ port: 0, host: '127.0.0.1' });
  return { base: `http://127.0.0.1:${listeningPort(server)}`, close: () => server.close() };
}
