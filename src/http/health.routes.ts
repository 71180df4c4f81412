import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkHealth, readOperationalCounts } from '../services/operations.service.js';
import type { HttpContext } from './http-context.js';
import { sendJson, sendText } from './respond.js';

export async function handleHealth(
  ctx: HttpContext,
  _req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const health = await checkHealth(ctx);
  sendJson(res, health.ok ? 200 : 503, health);
}

/** Prometheus text format: deliveries by status and queue depths. */
export async function handleMetrics(
  ctx: HttpContext,
  _req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const counts = await readOperationalCounts(ctx, ctx.queues);
  const lines: string[] = [
    '# HELP bulletin_deliveries Deliveries by status.',
    '# TYPE bulletin_deliveries gauge',
  ];
  for (const row of counts.deliveries)
    lines.push(`bulletin_deliveries{status="${row.status}"} ${row.count}`);
  if (counts.jobs) {
    lines.push(
      '# HELP bulletin_queue_jobs Jobs by queue and state.',
      '# TYPE bulletin_queue_jobs gauge',
    );
    for (const { queue, state, count } of counts.jobs)
      lines.push(`bulletin_queue_jobs{queue="${queue}",state="${state}"} ${count}`);
  }
  sendText(res, 200, `${lines.join('\n')}\n`, 'text/plain; version=0.0.4');
}
