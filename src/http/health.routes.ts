import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkReadiness, readOperationalCounts } from '../services/operations.service.js';
import type { HttpContext } from './http-context.js';
import { sendJson, sendText } from './respond.js';

/** Liveness: the process answers. No I/O, so a slow database never gets it restarted. */
export async function handleHealth(
  _ctx: HttpContext,
  _req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  sendJson(res, 200, { ok: true });
}

/** Readiness: the database and Redis answer (503 naming which does not). */
export async function handleReady(
  ctx: HttpContext,
  _req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const readiness = await checkReadiness(ctx, ctx.queues);
  sendJson(res, readiness.ok ? 200 : 503, readiness);
}

/**
 * Prometheus text format: deliveries by status and queue depths. It answers within a second
 * whatever Redis or the database do; `bulletin_source_up` says which could not be read.
 */
export async function handleMetrics(
  ctx: HttpContext,
  _req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
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
  sendText(res, 200, `${lines.join('\n')}\n`, 'text/plain; version=0.0.4');
}
