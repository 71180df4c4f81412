import type { Command } from 'commander';
import {
  CADENCES,
  type Cadence,
  parseWeekday,
  type Subscription,
  WEEKDAYS,
} from '../../domain/subscription.js';
import {
  changeSubscriptions,
  countSubscriptions,
  listSubscriptions,
  subscribe,
  updateSubscription,
} from '../../services/readers/index.js';
import { withApp } from '../cli-context.js';
import { InputError } from '../cli-error.js';
import { LISTED, printLine, printListing, readUpTo } from '../output.js';
import {
  choiceSchema,
  emailSchema,
  type LimitOptions,
  parseOption,
  readLimit,
  sendAtSchema,
  withLimitOptions,
} from '../parse.js';

interface UpdateOptions {
  topic: string;
  cadence?: string;
  at?: string;
  day?: string;
  weekdays?: boolean;
}

function parseCadence(text: string): Cadence {
  return parseOption('--cadence', text, choiceSchema(CADENCES as [Cadence, ...Cadence[]]));
}

/** `--at`, `--day` and `--weekdays` as a schedule request: only those given. */
function readScheduleOptions(opts: { at?: string; day?: string; weekdays?: boolean }) {
  let weekday: number | null = null;
  if (opts.day !== undefined) {
    weekday = parseWeekday(opts.day);
    if (weekday === null)
      throw new InputError(
        `--day: use mon..sun or a full day name like monday (got ${JSON.stringify(opts.day)})`,
      );
  }
  return {
    ...(opts.at !== undefined ? { sendAt: parseOption('--at', opts.at, sendAtSchema) } : {}),
    ...(weekday !== null ? { weekday } : {}),
    ...(opts.weekdays !== undefined ? { weekdays: opts.weekdays } : {}),
  };
}

/** "weekly fri 08:00", "daily weekdays 07:00", "instant". */
function describeSchedule(s: Subscription): string {
  if (s.cadence === 'instant') return 'instant';
  const day = s.weekday ? ` ${WEEKDAYS[s.weekday - 1]}` : s.weekdays ? ' weekdays' : '';
  return `${s.cadence}${day} ${s.sendAt}`;
}

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
    .option('--topic <slug>', 'the topic to follow')
    .option('--query <q>', 'a query of their own instead of a topic (see docs/rules.md)')
    .option('--cadence <cadence>', CADENCES.join('|'), 'daily')
    .option('--at <HH:MM>', 'local send time, 24-hour (daily, weekly; default 07:00)')
    .option('--day <day>', 'weekday of a weekly digest: mon..sun or a full name (default mon)')
    .option('--weekdays', 'daily digests: skip Saturdays, Sundays and US federal holidays')
    .addHelpText(
      'after',
      `\nExamples:\n  $ bulletin subscriptions add ann@example.com --topic customs --cadence weekly --day friday --at 08:00\n  $ bulletin subscriptions add ann@example.com --query '"entity list" AND china' --cadence instant\n`,
    )
    .action(async (email: string, opts: AddOptions) => {
      if ((opts.topic === undefined) === (opts.query === undefined))
        throw new InputError('give either --topic SLUG or --query Q');
      const request = {
        email: parseOption('EMAIL', email, emailSchema),
        cadence: parseCadence(opts.cadence),
        ...(opts.topic !== undefined ? { topic: opts.topic } : {}),
        ...(opts.query !== undefined ? { query: opts.query } : {}),
        ...readScheduleOptions(opts),
      };
      await withApp({}, async (app) => {
        const sub = await subscribe(app, request);
        printLine(
          `${request.email} follows ${opts.topic ?? opts.query} (${sub.cadence}${sub.weekdays ? ', weekdays' : ''}) — subscription ${sub.id}`,
        );
      });
    });

  subscriptions
    .command('update <email>')
    .description(
      "change when a reader's follow of a topic is sent: only the options given change; the next send time is computed again",
    )
    .requiredOption('--topic <slug>', 'the topic whose follow changes')
    .option('--cadence <cadence>', CADENCES.join('|'))
    .option('--at <HH:MM>', 'local send time, 24-hour (daily, weekly)')
    .option('--day <day>', 'weekday of a weekly digest: mon..sun or a full name')
    .option('--weekdays', 'daily digests: skip Saturdays, Sundays and US federal holidays')
    .option('--no-weekdays', 'daily digests: send every day again')
    .addHelpText(
      'after',
      '\nExamples:\n  $ bulletin subscriptions update ann@example.com --topic customs --cadence weekly --day fri\n  $ bulletin subscriptions update ann@example.com --topic customs --at 06:30\n',
    )
    .action(async (email: string, opts: UpdateOptions) => {
      const request = {
        ...(opts.cadence !== undefined ? { cadence: parseCadence(opts.cadence) } : {}),
        ...readScheduleOptions(opts),
      };
      if (Object.keys(request).length === 0)
        throw new InputError('give at least one of --cadence, --at, --day, --[no-]weekdays');
      await withApp({}, async (app) => {
        const { subscription, changed } = await updateSubscription(
          app,
          parseOption('EMAIL', email, emailSchema),
          opts.topic,
          request,
        );
        const when = subscription.nextDueAt
          ? `next send ${subscription.nextDueAt.toISOString()}`
          : 'sent as stories come';
        printLine(
          `${changed ? 'updated' : 'nothing to change:'} ${email} follows ${opts.topic} ${describeSchedule(subscription)}; ${when}`,
        );
      });
    });

  withLimitOptions(
    subscriptions
      .command('list [email]')
      .description("every reader's subscriptions, or one reader's"),
    LISTED,
    'subscriptions',
  )
    .option('--json', 'one JSON array')
    .action(async (email: string | undefined, opts: LimitOptions & { json?: boolean }) => {
      const address = email === undefined ? undefined : parseOption('EMAIL', email, emailSchema);
      const limit = readLimit(opts, LISTED);
      await withApp({}, async (app) => {
        const found = await readUpTo(
          limit,
          'subscriptions',
          (n) => listSubscriptions(app, address, { limit: n }),
          () => countSubscriptions(app, address),
        );
        const rows = found.map((s) => ({
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
      .option('--topic <slug>', "only this topic's subscription")
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
