import {
  countPrunable,
  PRUNED_TABLES,
  type PrunedTable,
  pruneBatch,
} from '../../../db/repositories/retention.repository.js';
import type { ServiceContext } from '../context.js';

export { PRUNED_TABLES, type PrunedTable };

/**
 * Rows one statement deletes at most. A match's index entries lie far apart (by reader, not by
 * time), so on SQLite each deleted row dirties a page of each index, whatever the batch: 1,000
 * rows hold the write lock some 40 ms on a busy 2-core machine, 5,000 nearer 300 ms, for the
 * same rows per second (bench:retention).
 */
export const DEFAULT_PRUNE_BATCH = 1000;

export interface PruneOptions {
  /** Delete what is older than this (ms); default the RETENTION setting. */
  olderThanMs?: number;
  /** Only count what would go. */
  dryRun?: boolean;
  /** Rows per statement (and per commit). */
  batchSize?: number;
  /** Asked before each batch: true stops the prune there (a process shutting down). */
  shouldStop?: () => boolean;
  /** Told of every batch once it committed: for progress and for the bench's figures. */
  onBatch?: (batch: { table: PrunedTable; rows: number; ms: number }) => void;
}

export interface PruneReport {
  /** Rows stamped before this instant went (or would go). */
  cutoff: Date;
  dryRun: boolean;
  /** Rows deleted (or, in a dry run, that would be), per table; `story_bodies`: bodies cleared. */
  rows: Record<PrunedTable, number>;
  /** Time spent on each table, seconds (a dry run: counting). */
  secondsByTable: Record<PrunedTable, number>;
  batches: number;
  /** The longest batch, ms: the longest any lock was held. */
  longestBatchMs: number;
  seconds: number;
  /** Stopped before the end (shouldStop); the next run takes up the rest. */
  stopped: boolean;
}

/**
 * Deletes deliveries, matches, trial clicks, bounces, inbound messages and digests older than
 * RETENTION, and clears the bodies of stories older than it (the story itself stays, so old
 * reports and listings still name it). Matches still waiting for a digest go too once that
 * old: a digest would no longer send them. A batch at a time, each committed, so the workers
 * keep writing meanwhile; stopped half-way, it leaves a consistent database and the next run
 * goes on from there. One log line per run.
 */
export async function pruneOldData(
  ctx: ServiceContext,
  options: PruneOptions = {},
): Promise<PruneReport> {
  const started = performance.now();
  const olderThanMs = options.olderThanMs ?? ctx.settings.retentionMs;
  const cutoff = new Date(ctx.now().getTime() - olderThanMs);
  const cutoffIso = cutoff.toISOString();
  const size = options.batchSize ?? DEFAULT_PRUNE_BATCH;
  const perTable = () =>
    Object.fromEntries(PRUNED_TABLES.map((table) => [table, 0])) as Record<PrunedTable, number>;
  const report: PruneReport = {
    cutoff,
    dryRun: options.dryRun ?? false,
    rows: perTable(),
    secondsByTable: perTable(),
    batches: 0,
    longestBatchMs: 0,
    seconds: 0,
    stopped: false,
  };
  for (const table of PRUNED_TABLES) {
    const tableStarted = performance.now();
    if (report.dryRun) report.rows[table] = await countPrunable(ctx.db, table, cutoffIso);
    let cursor = 0;
    while (!report.dryRun) {
      if (options.shouldStop?.()) {
        report.stopped = true;
        break;
      }
      const batchStarted = performance.now();
      const batch = await pruneBatch(ctx.db, table, cutoffIso, cursor, size);
      const ms = performance.now() - batchStarted;
      if (batch.rows > 0) {
        report.rows[table] += batch.rows;
        report.batches++;
        report.longestBatchMs = Math.max(report.longestBatchMs, ms);
        options.onBatch?.({ table, rows: batch.rows, ms });
      }
      if (batch.done) break;
      cursor = batch.cursor;
    }
    report.secondsByTable[table] = (performance.now() - tableStarted) / 1000;
    if (report.stopped) break;
  }
  report.seconds = (performance.now() - started) / 1000;
  ctx.log.info({
    event: report.dryRun ? 'retention.counted' : 'retention.pruned',
    cutoff: cutoffIso,
    ...report.rows,
    batches: report.batches,
    longestBatchMs: Math.round(report.longestBatchMs),
    seconds: Math.round(report.seconds * 10) / 10,
    stopped: report.stopped,
  });
  return report;
}
