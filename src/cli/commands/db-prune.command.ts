import type { Command } from 'commander';
import { parseDuration } from '../../config/duration.js';
import { retentionProblem } from '../../config/retention-setting.js';
import {
  DEFAULT_PRUNE_BATCH,
  PRUNED_TABLES,
  type PrunedTable,
  type PruneReport,
  pruneOldData,
} from '../../services/retention/index.js';
import { withApp } from '../cli-context.js';
import { InputError } from '../cli-error.js';
import { withExamples } from '../help.js';
import { formatJson, printLine } from '../output.js';
import { parseOption, wholeNumberSchema } from '../parse.js';

const LABELS: Record<PrunedTable, string> = {
  matches: 'matches',
  trial_clicks: 'trial clicks',
  deliveries: 'deliveries',
  digests: 'digests',
  bounces: 'bounces',
  inbound_messages: 'inbound messages',
  story_bodies: 'story bodies (cleared)',
};

interface PruneCommandOptions {
  dryRun?: boolean;
  older?: string;
  batch?: string;
  json?: boolean;
}

/** `db prune`: retention on demand, what the daily job does. */
export function registerDbPruneCommand(db: Command): void {
  withExamples(
    db
      .command('prune')
      .description(
        'delete what is older than RETENTION (deliveries, matches, trial clicks, bounces, inbound messages, digests) and clear old stories’ bodies, a batch at a time; the workers run it daily',
      )
      .option('--dry-run', 'only count what would go')
      .option('--older <duration>', 'instead of RETENTION (at least 30d), e.g. 400d')
      .option('--batch <rows>', 'rows per statement and commit', String(DEFAULT_PRUNE_BATCH))
      .option('--json', 'one JSON object'),
    ['bulletin db prune --dry-run', 'bulletin db prune', 'bulletin db prune --older 730d --json'],
  ).action(async (opts: PruneCommandOptions) => {
    const batchSize = parseOption('--batch', opts.batch, wholeNumberSchema(1, 100_000));
    await withApp({}, async (app) => {
      const olderThanMs = opts.older === undefined ? undefined : parseOlder(opts.older, app);
      const report = await pruneOldData(app, {
        dryRun: opts.dryRun ?? false,
        batchSize,
        ...(olderThanMs === undefined ? {} : { olderThanMs }),
      });
      printLine(opts.json ? formatJson(report) : describePrune(report));
    });
  });
}

function parseOlder(text: string, app: { settings: { bounce: { softWindowMs: number } } }) {
  const ms = parseDuration(text);
  if (ms === null) throw new InputError(`--older: not a duration like 400d or 52w (got "${text}")`);
  const problem = retentionProblem(ms, app.settings.bounce.softWindowMs);
  if (problem) throw new InputError(`--older: ${problem} (got "${text}")`);
  return ms;
}

function describePrune(report: PruneReport): string {
  const verb = report.dryRun ? 'would delete' : 'deleted';
  const width = Math.max(...PRUNED_TABLES.map((table) => LABELS[table].length));
  const lines = [`${verb} what is older than ${report.cutoff.toISOString()}:`];
  for (const table of PRUNED_TABLES)
    lines.push(
      `  ${LABELS[table].padEnd(width)}  ${report.rows[table].toLocaleString('en-US').padStart(12)}`,
    );
  if (report.dryRun) lines.push('nothing deleted: run without --dry-run to delete it');
  else
    lines.push(
      `in ${report.seconds.toFixed(1)} s, ${report.batches.toLocaleString('en-US')} batches, the longest ${Math.round(report.longestBatchMs)} ms${report.stopped ? ' (stopped early: run it again for the rest)' : ''}`,
    );
  return lines.join('\n');
}
