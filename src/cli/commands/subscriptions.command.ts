import type { Command } from 'commander';
import { z } from 'zod';
import { CADENCES, type Cadence, WEEKDAYS } from '../../domain/subscription.js';
import {
  changeSubscriptions,
  listSubscriptions,
  subscribe,
} from '../../services/subscriptions.service.js';
import { withApp } from '../cli-context.js';
import { InputError } from '../cli-error.js';
import { printLine, printListing } from '../output.js';
import { emailSchema, parseOption, sendAtSchema } from '../parse.js';

interface AddOptions {
  topic?: string;
  query?: string;
  cadence: string;
  at?: string;
  day?: string;
  weekdays?: boolean;
}

export function registerSubscriptionCommands(program: Command): void {
  const subscriptions = program.command('subscriptions').description("readers' subscriptions");

  subscriptions
    .command('add <email>')
    .description('make a reader follow a topic or their own query')
    .option('--topic <slug>')
    .option('--query <q>')
    .option('--cadence <cadence>', CADENCES.join('|'), 'daily')
    .option('--at <HH:MM>', 'local send time (daily, weekly)')
    .option('--day <day>', `weekday for weekly digests: ${WEEKDAYS.join('..')}`)
    .option('--weekdays', 'daily digests: skip Saturdays, Sundays and US federal holidays')
    .action(async (email: string, opts: AddOptions) => {
      if ((opts.topic === undefined) === (opts.query === undefined))
        throw new InputError('give either --topic SLUG or --query Q');
      const cadence = parseOption(
        '--cadence',
        opts.cadence,
        z.enum(CADENCES as [Cadence, ...Cadence[]]),
      );
      const request = {
        email: parseOption('EMAIL', email, emailSchema),
        cadence,
        ...(opts.topic !== undefined ? { topic: opts.topic } : {}),
        ...(opts.query !== undefined ? { query: opts.query } : {}),
        ...(opts.at !== undefined ? { sendAt: parseOption('--at', opts.at, sendAtSchema) } : {}),
        ...(opts.day !== undefined
          ? {
              weekday:
                WEEKDAYS.indexOf(
                  parseOption('--day', opts.day.toLowerCase().slice(0, 3), z.enum(WEEKDAYS)),
                ) + 1,
            }
          : {}),
        ...(opts.weekdays ? { weekdays: true } : {}),
      };
      await withApp({}, async (app) => {
        const sub = await subscribe(app, request);
        printLine(
          `${request.email} follows ${opts.topic ?? opts.query} (${sub.cadence}${sub.weekdays ? ', weekdays' : ''}) — subscription ${sub.id}`,
        );
      });
    });

  subscriptions
    .command('list [email]')
    .option('--json', 'one JSON array')
    .action(async (email: string | undefined, opts: { json?: boolean }) => {
      await withApp({}, async (app) => {
        const rows = (
          await listSubscriptions(app, email && parseOption('EMAIL', email, emailSchema))
        ).map((s) => ({
          id: s.id,
          email: s.email,
          topic: s.topicSlug,
          query: s.query ?? s.topicQuery,
          cadence: s.cadence,
          at: s.cadence === 'instant' ? null : s.sendAt,
          day: s.weekday ? WEEKDAYS[s.weekday - 1] : null,
          weekdays: s.weekdays,
          paused: s.paused,
          nextDueAt: s.nextDueAt,
        }));
        printListing(rows, Boolean(opts.json), [
          { header: 'EMAIL', value: (r) => r.email },
          { header: 'TOPIC', value: (r) => r.topic },
          { header: 'CADENCE', value: (r) => r.cadence },
          { header: 'AT', value: (r) => [whichDays(r), r.at].filter(Boolean).join(' ') || null },
          { header: 'PAUSED', value: (r) => r.paused },
          { header: 'QUERY', value: (r) => r.query },
        ]);
      });
    });

  for (const action of ['pause', 'resume', 'remove'] as const) {
    subscriptions
      .command(`${action} <email>`)
      .description(`${action} a reader's subscriptions (all, or one topic's)`)
      .option('--topic <slug>')
      .action(async (email: string, opts: { topic?: string }) => {
        await withApp({}, async (app) => {
          const count = await changeSubscriptions(
            app,
            parseOption('EMAIL', email, emailSchema),
            opts.topic,
            action,
          );
          printLine(`${action}d ${count} subscription${count === 1 ? '' : 's'}`);
        });
      });
  }
}

/** The days a digest goes out on, as the AT column shows them: "mon", "weekdays" or none. */
function whichDays(row: { day: string | null | undefined; weekdays: boolean }): string | null {
  return row.day ?? (row.weekdays ? 'weekdays' : null);
}
