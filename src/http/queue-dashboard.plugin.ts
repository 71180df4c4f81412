import { createHash, timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/** Where the dashboard lives (DESIGN.md, HTTP). */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';

export interface QueueDashboardOptions {
  /** ADMIN_PASSWORD; null turns the dashboard off (its path is then not found). */
  password: string | null;
  /** The installation's BullMQ queues, handed in by the composition root. */
  queues: readonly Queue[];
}

/**
 * bull-board at `/admin/queues`, behind HTTP basic auth: any user name, the password
 * ADMIN_PASSWORD. Every route of the dashboard (page, assets, API) asks for it. Register it
 * without a prefix; it mounts itself at {@link QUEUE_DASHBOARD_PATH}.
 */
export const queueDashboardPlugin: FastifyPluginAsync<QueueDashboardOptions> = async (
  app,
  { password, queues },
) => {
  if (password === null) return;
  const expected = digest(password);
  app.addHook('onRequest', async (request, reply) => {
    if (givenPasswordMatches(request, expected)) return;
    // A browser's first request carries no credentials: only a wrong password is an event.
    if (request.headers.authorization !== undefined)
      request.log.warn({ event: 'dashboard.refused', ip: request.ip });
    await refuse(reply);
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

/**
 * Compares SHA-256 digests in constant time: equal lengths whatever was sent, so neither the
 * password's characters nor its length can be timed out of the answer.
 */
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

async function refuse(reply: FastifyReply): Promise<void> {
  await reply
    .code(401)
    .header('www-authenticate', 'Basic realm="Bulletin queues", charset="UTF-8"')
    .header('cache-control', 'no-store')
    .type('text/plain; charset=utf-8')
    .send('The queue dashboard needs the admin password (ADMIN_PASSWORD).\n');
}
