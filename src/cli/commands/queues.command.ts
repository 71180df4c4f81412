import type { Command } from 'commander';
import { parseDuration } from '../../config/duration.js';
import { cleanJobs, readQueueStatus, retryFailedJobs } from '../../services/operations/index.js';
import { queueAdminOf, withApp } from '../cli-context.js';
import { InputError } from '../cli-error.js';
import { countOf, withExamples } from '../help.js';
import { printLine, printListing } from '../output.js';

/** The job queues in Redis: how they stand, and putting failed or finished jobs right. */
export function registerQueueCommands(program: Command): void {
  const queues = program
    .command('queues')
    .description('the job queues in Redis (ingest, digest, send, schedule)');

  withExamples(
    queues
      .command('status')
      .description(
        "jobs per queue: waiting, active, delayed, failed, completed, and the oldest waiting job's age",
      )
      .option('--json', 'one JSON array'),
    ['bulletin queues status', 'bulletin queues status --json'],
  ).action(async (opts: { json?: boolean }) => {
    await withApp({ redis: true }, async (app) => {
      const rows = await readQueueStatus(app, await queueAdminOf(app));
      printListing(rows, Boolean(opts.json), [
        { header: 'QUEUE', value: (r) => r.queue },
        { header: 'WAITING', value: (r) => r.waiting },
        { header: 'ACTIVE', value: (r) => r.active },
        { header: 'DELAYED', value: (r) => r.delayed },
        { header: 'FAILED', value: (r) => r.failed },
        { header: 'COMPLETED', value: (r) => r.completed },
        {
          header: 'OLDEST WAITING',
          value: (r) => (r.oldestWaitingMs === null ? null : formatAge(r.oldestWaitingMs)),
        },
      ]);
    });
  });

  withExamples(
    queues
      .command('retry <queue> [job]')
      .description('move failed jobs of a queue back to waiting: one by its id, or --all')
      .option('--all', 'every failed job of the queue'),
    ['bulletin queues retry send --all', 'bulletin queues retry digest digest.42.daily.2026-11-28'],
  ).action(async (queue: string, job: string | undefined, opts: { all?: boolean }) => {
    if (Boolean(opts.all) === (job !== undefined))
      throw new InputError('give a JOB id or --all (not both)');
    await withApp({ redis: true }, async (app) => {
      const count = await retryFailedJobs(await queueAdminOf(app), queue, job ?? null);
      printLine(`${queue}: ${countOf(count, 'failed job')} moved back to waiting`);
    });
  });

  withExamples(
    queues
      .command('clean <queue>')
      .description('remove finished jobs of a queue: --failed or --completed, older than --older')
      .option('--failed', 'remove failed jobs')
      .option('--completed', 'remove completed jobs')
      .option(
        '--older <duration>',
        'only jobs finished longer ago than this, e.g. 7d (default: all)',
      ),
    ['bulletin queues clean send --failed --older 7d'],
  ).action(
    async (queue: string, opts: { failed?: boolean; completed?: boolean; older?: string }) => {
      if (Boolean(opts.failed) === Boolean(opts.completed))
        throw new InputError('give --failed or --completed');
      const olderThanMs = opts.older === undefined ? 0 : parseDuration(opts.older);
      if (olderThanMs === null)
        throw new InputError(`--older: not a duration like 7d or 12h (got "${opts.older}")`);
      const state = opts.failed ? 'failed' : 'completed';
      await withApp({ redis: true }, async (app) => {
        const count = await cleanJobs(await queueAdminOf(app), queue, state, olderThanMs);
        printLine(`${queue}: ${countOf(count, `${state} job`)} removed`);
      });
    },
  );
}

/** `45s`, `12m 5s`, `3h 20m`, `2d 4h`: an age for people. */
export function formatAge(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
