import type { Command } from 'commander';
import { displayPath } from '../../config/display-path.js';
import { maskUrlPassword } from '../../config/redact.js';
import type { Settings } from '../../config/settings.js';
import {
  migrateSchema,
  planReset,
  type ResetPlan,
  resetInstallation,
} from '../../services/operations/index.js';
import { openQueueKeys, withApp } from '../cli-context.js';
import { InputError } from '../cli-error.js';
import { countOf, withExamples } from '../help.js';
import { printLine } from '../output.js';
import { registerDbPruneCommand } from './db-prune.command.js';

/** The database. */
export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('the database');
  withExamples(db.command('migrate').description('bring the schema up to date'), [
    'bulletin db migrate',
  ]).action(async () => {
    await withApp({ migrate: false, createDatabase: true }, async (app) => {
      const applied = await migrateSchema(app);
      printLine(applied.length ? `applied ${applied.join(', ')}` : 'the schema is up to date');
    });
  });

  withExamples(
    db
      .command('reset')
      .description(
        'start afresh: delete everything in the database (readers, topics, stories, digests, deliveries) and every job of QUEUE_PREFIX in Redis; without --yes it only says what it would remove',
      )
      .option('--yes', 'really delete it'),
    ['bulletin db reset', 'bulletin db reset --yes'],
  ).action(async (opts: { yes?: boolean }) => {
    await withApp({}, async (app) => {
      const queues = await openQueueKeys(app.settings);
      try {
        if (!opts.yes) {
          printLine(describeReset(app.settings, await planReset(app, queues), 'would remove'));
          throw new InputError('nothing removed: give --yes to remove it');
        }
        printLine(describeReset(app.settings, await resetInstallation(app, queues), 'removed'));
      } finally {
        await queues.close();
      }
    });
  });

  registerDbPruneCommand(db);
}

function describeReset(settings: Settings, plan: ResetPlan, verb: string): string {
  const database =
    settings.database.kind === 'sqlite'
      ? displayPath(settings.database.file)
      : maskUrlPassword(settings.database.url);
  const r = plan.rows;
  return [
    `${verb} from ${database}: ${countOf(r.subscribers ?? 0, 'reader')}, ${countOf(r.subscriptions ?? 0, 'subscription')}, ${countOf(r.topics ?? 0, 'topic')}, ${countOf(r.stories ?? 0, 'story', 'stories')}, ${countOf(r.digests ?? 0, 'digest')}, ${countOf(r.deliveries ?? 0, 'delivery', 'deliveries')} (every table, made again empty)`,
    `${verb} from Redis: ${countOf(plan.queueKeys, 'key')} of the queues "${plan.queuePrefix}" (waiting and finished jobs, the minute tick, the binding to a database)`,
  ].join('\n');
}
