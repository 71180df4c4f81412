import { migrateDatabase } from '../../../db/connection.js';
import { countInstallationRows, dropAllTables } from '../../../db/repositories/reset.repository.js';
import type { ServiceContext } from '../context.js';

/** The installation's keys in Redis: its queues' jobs and its binding to a database. */
export interface QueueKeys {
  /** The prefix, as people set it (QUEUE_PREFIX). */
  prefix: string;
  count(): Promise<number>;
  /** Deletes them all; returns how many there were. */
  erase(): Promise<number>;
}

/** What a reset removes, counted before it does. */
export interface ResetPlan {
  rows: Record<string, number>;
  queueKeys: number;
  queuePrefix: string;
}

/** Counts what {@link resetInstallation} would remove. */
export async function planReset(ctx: ServiceContext, queues: QueueKeys): Promise<ResetPlan> {
  return {
    rows: await countInstallationRows(ctx.db),
    queueKeys: await queues.count(),
    queuePrefix: queues.prefix,
  };
}

/**
 * Starts an installation afresh: every job and key of its queue prefix leaves Redis (jobs of a
 * database that is gone would run against the wrong rows), every table is dropped and the
 * schema made again, with a new installation id that the queues are bound to on next use.
 */
export async function resetInstallation(
  ctx: ServiceContext,
  queues: QueueKeys,
): Promise<ResetPlan> {
  const plan = await planReset(ctx, queues);
  await queues.erase();
  await dropAllTables(ctx.db);
  await migrateDatabase(ctx.db);
  ctx.log.warn({ event: 'installation.reset', queuePrefix: queues.prefix, rows: plan.rows });
  return plan;
}
