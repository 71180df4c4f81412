import type { FastifyInstance } from 'fastify';
import { readOperationalCounts } from '../services/operations.service.js';
import type { HttpContext } from './http-context.js';
import { refuseOtherMethods } from './method-guard.js';

/**
 * `GET /metrics` in Prometheus text format: deliveries by status and queue depths. It answers
 * within a second whatever Redis or the database do; `bulletin_source_up` says which could not
 * be read. A process with its own metrics registry serves that instead (HttpExtensions).
 */
export function registerMetricsRoute(app: FastifyInstance, ctx: HttpContext): void {
  app.get('/metrics', async (_request, reply) => {
    const counts = await readOperationalCounts(ctx, ctx.queues);
    const lines: string[] = [
      '# HELP bulletin_source_up Whether this scrape could read the source (1) or not (0).',
      '# TYPE bulletin_source_up gauge',
      `bulletin_source_up{source="database"} ${counts.deliveries ? 1 : 0}`,
    ];
    if (counts.jobs !== undefined)
      lines.push(`bulletin_source_up{source="redis"} ${counts.jobs ? 1 : 0}`);
    lines.push(
      '# HELP bulletin_deliveries Deliveries by status.',
      '# TYPE bulletin_deliveries gauge',
    );
    for (const row of counts.deliveries ?? [])
      lines.push(`bulletin_deliveries{status="${row.status}"} ${row.count}`);
    if (counts.jobs) {
      lines.push(
        '# HELP bulletin_queue_jobs Jobs by queue and state.',
        '# TYPE bulletin_queue_jobs gauge',
      );
      for (const { queue, state, count } of counts.jobs)
        lines.push(`bulletin_queue_jobs{queue="${queue}",state="${state}"} ${count}`);
    }
    return reply
      .header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
      .send(`${lines.join('\n')}\n`);
  });
  refuseOtherMethods(app, '/metrics', ['GET']);
}
