import type { IncomingMessage, ServerResponse } from 'node:http';
import { sql } from 'kysely';
import { sendJson, sendText } from './respond.js';
import type { HttpContext } from './server.js';

export async function handleHealth(
  ctx: HttpContext,
  _req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    await sql`select 1`.execute(ctx.db);
    sendJson(res, 200, { ok: true });
  } catch (error) {
    sendJson(res, 503, { ok: false, error: String(error) });
  }
}

/** Prometheus text format: deliveries by status and queue depths. */
export async function handleMetrics(
  ctx: HttpContext,
  _req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const lines: string[] = [
    '# HELP bulletin_deliveries Deliveries by status.',
    '# TYPE bulletin_deliveries gauge',
  ];
  const rows = await ctx.db
    .selectFrom('deliveries')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('status')
    .execute();
  for (const row of rows)
    lines.push(`bulletin_deliveries{status="${row.status}"} ${Number(row.count)}`);
  if (ctx.queues) {
    lines.push(
      '# HELP bulletin_queue_jobs Jobs by queue and state.',
      '# TYPE bulletin_queue_jobs gauge',
    );
    for (const [name, queue] of Object.entries(ctx.queues)) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
      for (const [state, count] of Object.entries(counts)) {
        lines.push(`bulletin_queue_jobs{queue="${name}",state="${state}"} ${count}`);
      }
    }
  }
  sendText(res, 200, `${lines.join('\n')}\n`, 'text/plain; version=0.0.4');
}
