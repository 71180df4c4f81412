import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyPluginAsync } from 'fastify';
import { requireAdminPassword } from './admin-auth.js';
import type { AttemptLimit } from './failed-attempts.js';

/** Where the dashboard lives (DESIGN.md, HTTP). */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';

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
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Bulletin queues' } },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
};
