import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { SITE_CSS } from './pages/site-css.js';
import { ZONE_HINT_JS } from './pages/zone-hint-script.js';

const ASSETS = [
  { url: '/assets/site.css', type: 'text/css; charset=utf-8', body: SITE_CSS },
  { url: '/assets/zone-hint.js', type: 'text/javascript; charset=utf-8', body: ZONE_HINT_JS },
];

/** The pages' style sheet and script, from our own origin (the CSP allows nothing else). */
export function registerAssetRoutes(app: FastifyInstance): void {
  for (const asset of ASSETS) {
    const etag = `"${createHash('sha256').update(asset.body).digest('base64url').slice(0, 16)}"`;
    app.get(asset.url, async (request, reply) => {
      reply.header('cache-control', 'public, max-age=3600').header('etag', etag);
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.header('content-type', asset.type).send(asset.body);
    });
  }
}
