import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ReactElement } from 'react';
import { ErrorPage } from './pages/error-page.js';
import { renderPage } from './pages/render-page.js';

/**
 * Pages load nothing from elsewhere and cannot be framed: the personal link in the address
 * bar must not leak to another site or sit under another site's page.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "script-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Sends a rendered page; personal pages are never stored by a cache. */
export function sendPage(reply: FastifyReply, status: number, page: ReactElement): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', PAGE_CSP)
    .header('cache-control', 'no-store')
    .send(renderPage(page));
}

/** The API and machines get JSON; a browser on any other path gets a page. */
export function wantsPage(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/')) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

/** An error answer in the form the client reads: JSON `{error}` or an HTML page. */
export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
  publicationName: string,
  extra: Record<string, unknown> = {},
): FastifyReply {
  if (!wantsPage(request)) return reply.code(status).send({ error: message, ...extra });
  const requestId = status >= 500 ? request.id : undefined;
  return sendPage(
    reply,
    status,
    ErrorPage({ publicationName, status, message, ...(requestId ? { requestId } : {}) }),
  );
}
