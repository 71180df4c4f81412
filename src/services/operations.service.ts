import { countDeliveriesByStatus } from '../../db/repositories/delivery.repository.js';
import { pingDatabase } from '../../db/repositories/installation.repository.js';
import type { DeliveryStatus } from '../domain/delivery.js';
import type { ServiceContext } from './context.js';

export interface QueueCount {
  queue: string;
  state: string;
  count: number;
}

/**
 * Job counts by queue and state, read from wherever the queues live. A port: the web side
 * shows them without knowing BullMQ.
 */
export interface QueueInspector {
  countJobs(): Promise<QueueCount[]>;
}

export type Health = { ok: true } | { ok: false; error: string };

/** Whether the database answers. */
export async function checkHealth(ctx: ServiceContext): Promise<Health> {
  try {
    await pingDatabase(ctx.db);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

export interface OperationalCounts {
  deliveries: { status: DeliveryStatus; count: number }[];
  /** Null when this process has no queues to ask. */
  jobs: QueueCount[] | null;
}

/** Deliveries by status and jobs by queue and state, for `/metrics`. */
export async function readOperationalCounts(
  ctx: ServiceContext,
  queues: QueueInspector | null,
): Promise<OperationalCounts> {
  return {
    deliveries: await countDeliveriesByStatus(ctx.db),
    jobs: queues ? await queues.countJobs() : null,
  };
}
