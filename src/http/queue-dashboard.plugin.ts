import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyPluginAsync } from 'fastify';
import { requireAdminPassword } from './admin-auth.js';
import type { AttemptLimit } from './failed-attempts.js';

/** Where the dashboard lives (DESIGN.md, HTTP). */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * The inline styles of bull-board 9.10.1's UI, by hash: the five `style` attributes and the
 * `<style>` of its "Loading" placeholder (`@bull-board/ui/dist/index.ejs`), and the `<style>`
 * of the Redis logo it draws as SVG. A new version of bull-board may change them: the
 * dashboard's browser test then names each new hash in the violation it reports.
 */
const BULL_BOARD_INLINE_STYLES = [
  'sha256-of39ksKG33VNCYo5/quRg1dhdo2AWSv8WJi2LNKOSTU=',
  'sha256-dg51HqBfD6n0yW6arUPC/pQLVghRZbOuP0gPg9FhCTw=',
  'sha256-XtkH5bXSf2qTXVOXBZrUBgydsBjBOqKXas4aSqlrDYQ=',
  'sha256-4qiUsLv1mhPpLyv14EyMNeEfESFsI8tYHvGHgST5oO4=',
  'sha256-z865ZzzyqKnk/u5EJq1ujBhzC4S9g1xzvJyr7y3Ut8s=',
  'sha256-dv714QSXJBurriRZTklJT4phtgwCe+o7Frxoi2awcdg=',
  'sha256-r2N1TB/gHbBtBZFKg7ejmq1acVSREzucTAEw6ga4hoU=',
];

/**
 * The site's page policy (responses.ts), widened only where bull-board's UI needs it: its
 * `<base href>` (base-uri 'self'), its API calls (connect-src), the data: images of its
 * stylesheet, and its few inline styles, each by hash ('unsafe-hashes' lets those hashes
 * cover `style` attributes; no other inline style or any inline script runs). It still loads
 * nothing from elsewhere and cannot be framed.
 */
export const QUEUE_DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  `style-src 'self' 'unsafe-hashes' ${BULL_BOARD_INLINE_STYLES.map((hash) => `'${hash}'`).join(' ')}`,
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** bull-board's page links Google Fonts: a request to Google on every visit, which we drop. */
const GOOGLE_FONTS_LINK = /<link\b[^>]*\bhref="https:\/\/fonts\.googleapis\.com\/[^"]*"[^>]*>/g;

export interface QueueDashboardOptions {
  /** ADMIN_PASSWORD; null turns the dashboard off (its path is then not found). */
  password: string | null;
  /** The installation's BullMQ queues, handed in by the composition root. */
  queues: readonly Queue[];
  /** Wrong passwords allowed per client address (admin-auth.ts has the default). */
  loginLimit?: AttemptLimit;
}

/**
 * bull-board at `/admin/queues`, behind the admin login (admin-auth.ts: HTTP basic auth, any
 * user name, the password ADMIN_PASSWORD, wrong ones limited per client address). Every route
 * of the dashboard (page, assets, API) asks for it. Register it without a prefix; it mounts
 * itself at {@link QUEUE_DASHBOARD_PATH}.
 */
export const queueDashboardPlugin: FastifyPluginAsync<QueueDashboardOptions> = async (
  app,
  { password, queues, loginLimit },
) => {
  if (password === null) return;
  await requireAdminPassword(app, {
    password,
    realm: 'Bulletin queues',
    refusal: 'The queue dashboard needs the admin password (ADMIN_PASSWORD).',
    limit: loginLimit,
  });
  // The same headers as every page of the site, the login prompt and the assets included.
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', QUEUE_DASHBOARD_CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    return typeof payload === 'string' ? payload.replace(GOOGLE_FONTS_LINK, '') : payload;
  });
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Bulletin queues' } },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
};
