import { metrics, renderMetrics } from '../../adapters/metrics.js';
import type { ServiceContext } from '../context.js';
import { type QueueInspector, readOperationalCounts } from './operations.service.js';

/** A scrape's answer: Prometheus text and its content type. */
export interface MetricsScrape {
  contentType: string;
  body: string;
}

/**
 * This process's metrics, with the installation's deliveries by status and queue depths read
 * now. It answers within a second whatever the database or Redis do: a source that did not
 * answer in time has `bulletin_source_up{source=…} 0` and no series of its own this time.
 * `queues` is null in a process that has no queues to ask (then no redis series at all).
 */
export async function scrapeMetrics(
  ctx: ServiceContext,
  queues: QueueInspector | null,
): Promise<MetricsScrape> {
  const counts = await readOperationalCounts(ctx, queues);
  // Reset and set in one synchronous step, so a scrape running alongside never reads a gap.
  metrics.sourceUp.reset();
  metrics.deliveries.reset();
  metrics.queueJobs.reset();
  metrics.sourceUp.set({ source: 'database' }, counts.deliveries ? 1 : 0);
  for (const { status, count } of counts.deliveries ?? [])
    metrics.deliveries.set({ status }, count);
  if (counts.jobs !== undefined) metrics.sourceUp.set({ source: 'redis' }, counts.jobs ? 1 : 0);
  for (const { queue, state, count } of counts.jobs ?? [])
    metrics.queueJobs.set({ queue, state }, count);
  return renderMetrics();
}
