import Fastify from 'fastify';
import { type MetricsPluginOptions, metricsPlugin } from './metrics.plugin.js';

export interface MetricsServer {
  /** `http://localhost:<port>/metrics` */
  url: string;
  close(): Promise<void>;
}

/**
 * The `/metrics` endpoint alone, on METRICS_PORT, for a worker or scheduler process that has
 * no web server. It listens on every IPv4 interface, as a scraper on another machine needs.
 * A port that is taken or not allowed throws an error naming METRICS_PORT.
 */
export async function startMetricsServer(
  options: MetricsPluginOptions & { port: number },
): Promise<MetricsServer> {
  const app = Fastify({ logger: false });
  await app.register(metricsPlugin, { ctx: options.ctx, queues: options.queues });
  try {
    await app.listen({ port: options.port, host: '0.0.0.0' });
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new Error(
        `port ${options.port} is in use (METRICS_PORT): stop what listens there or set METRICS_PORT to a free port`,
      );
    if (code === 'EACCES')
      throw new Error(`port ${options.port} may not be listened on by this user (METRICS_PORT)`);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { url: `http://localhost:${port}/metrics`, close: () => app.close() };
}
