import type { FastifyPluginAsync } from 'fastify';
import type { ServiceContext } from '../services/context.js';
import type { QueueInspector } from '../services/operations/index.js';
import { scrapeMetrics } from '../services/operations/index.js';

export interface MetricsPluginOptions {
  ctx: ServiceContext;
  /** The installation's queues, for their depths; null in a process that has none. */
  queues: QueueInspector | null;
}

/**
 * `GET /metrics`: this process's Prometheus metrics (prom-client), with the deliveries by
 * status and the queue depths read at the scrape. It answers within a second even while
 * Redis or the database do not: `bulletin_source_up` says which could not be read.
 */
export const metricsPlugin: FastifyPluginAsync<MetricsPluginOptions> = async (
  app,
  { ctx, queues },
) => {
  app.get('/metrics', async (_request, reply) => {
    const scrape = await scrapeMetrics(ctx, queues);
    return reply.header('cache-control', 'no-store').type(scrape.contentType).send(scrape.body);
  });
};
