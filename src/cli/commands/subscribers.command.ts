import type { Command } from 'commander';
import { PLANS, type Plan } from '../../domain/reader.js';
import type { ReaderEdit } from '../../domain/reader-changes.js';
import {
  addReader,
  countReaders,
  eraseReader,
  listReaders,
  readAllReaderData,
  showReader,
  updateReader,
} from '../../services/readers/index.js';
import { withApp } from '../cli-context.js';
import { InputError } from '../cli-error.js';
import { formatErasure } from '../erasure-text.js';
import { withExamples } from '../help.js';
import { formatJson, LISTED, printLine, printListing, readUpTo } from '../output.js';
import {
  choiceSchema,
  dateSchema,
  emailSchema,
  type LimitOptions,
  parseOption,
  readLimit,
  timeZoneSchema,
  withLimitOptions,
} from '../parse.js';
import { formatReaderProfile } from '../reader-profile-text.js';
import { registerReaderTransferCommands } from './subscribers-transfer.command.js';

interface EditOptions {
  name?: string;
  plan?: string;
  trialEnds?: string;
  tz?: string;
  marketingConsent?: boolean;
}

/** The options `subscribers add` and `update` share; update changes only those given. */
function withEditOptions(command: Command): Command {
  return command
    .option('--name <name>', "the reader's name, as emails greet them")
    .option('--plan <plan>', `${PLANS.join('|')} (add: free)`)
    .option('--trial-ends <date>', 'when the trial ends, YYYY-MM-DD or ISO 8601 (plan trial)')
    .option('--tz <zone>', 'IANA time zone their send times are in (add: UTC)')
    .option('--marketing-consent', 'they agreed to marketing email (recorded as given by cli)')
    .option('--no-marketing-consent', 'they withdrew their agreement to marketing email');
}

function readEdit(opts: EditOptions): ReaderEdit {
  return {
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    ...(opts.plan !== undefined
      ? { plan: parseOption('--plan', opts.plan, choiceSchema(PLANS as [Plan, ...Plan[]])) }
      : {}),
    ...(opts.trialEnds !== undefined
      ? { trialEndsAt: parseOption('--trial-ends', opts.trialEnds, dateSchema) }
      : {}),
    ...(opts.tz !== undefined ? { tz: parseOption('--tz', opts.tz, timeZoneSchema) } : {}),
    ...(opts.marketingConsent !== undefined
      ? {
          consent: opts.marketingConsent
            ? { given: true as const, source: null, at: null }
            : { given: false as const },
        }
      : {}),
  };
}

export function registerSubscriberCommands(program: Command): void {
  const subscribers = program
    .command('subscribers')
    .description('readers: anyone we may email, whatever their plan');

  withExamples(
    withEditOptions(
      subscribers
        .command('add <email>')
        .description('add a reader (an address already known is refused: use subscribers update)'),
    ),
    ['bulletin subscribers add ann@example.com --name Ann --plan subscriber --tz Europe/Berlin'],
  ).action(async (email: string, opts: EditOptions) => {
    const address = parseOption('EMAIL', email, emailSchema);
    const edit = readEdit(opts);
    await withApp({}, async (app) => {
      const reader = await addReader(app, address, edit);
      printLine(`added ${reader.email} (${reader.plan}, ${reader.tz})`);
    });
  });

  withExamples(
    withEditOptions(
      subscribers
        .command('update <email>')
        .description("change a reader's fields: only the options given change"),
    ),
    [
      'bulletin subscribers update ann@example.com --plan subscriber',
      'bulletin subscribers update ann@example.com --no-marketing-consent',
    ],
  ).action(async (email: string, opts: EditOptions) => {
    const address = parseOption('EMAIL', email, emailSchema);
    const edit = readEdit(opts);
    if (Object.keys(edit).length === 0)
      throw new InputError(
        'give at least one of --name, --plan, --trial-ends, --tz, --[no-]marketing-consent',
      );
    await withApp({}, async (app) => {
      const { reader, changed } = await updateReader(app, address, edit);
      printLine(
        changed.length === 0
          ? `${reader.email} already had those values: nothing changed`
          : `updated ${reader.email}: ${changed.map(fieldLabel).join(', ')}`,
      );
    });
  });

  withExamples(
    withLimitOptions(
      subscribers.command('list').description('every reader, by address'),
      LISTED,
      'readers',
    ).option('--json', 'one JSON array'),
    ['bulletin subscribers list --json', 'bulletin subscribers list --all --json'],
  ).action(async (opts: LimitOptions & { json?: boolean }) => {
    const limit = readLimit(opts, LISTED);
    await withApp({}, async (app) => {
      const readers = await readUpTo(
        limit,
        'readers',
        (n) => listReaders(app, { limit: n }),
        () => countReaders(app),
      );
      const rows = readers.map((r) => ({
        email: r.email,
        name: r.name,
        plan: r.plan,
        trialEndsAt: r.trialEndsAt,
        tz: r.tz,
        status: r.status,
        marketingConsent: r.marketingConsent,
        consentSource: r.consentSource,
        consentAt: r.consentAt,
      }));
      printListing(rows, Boolean(opts.json), [
        { header: 'EMAIL', value: (r) => r.email },
        { header: 'NAME', value: (r) => r.name },
        { header: 'PLAN', value: (r) => r.plan },
        { header: 'TZ', value: (r) => r.tz },
        { header: 'STATUS', value: (r) => r.status },
      ]);
    });
  });

  withExamples(
    subscribers
      .command('show <email>')
      .description(
        'one reader: plan, access and why, subscriptions with their next send, latest digests and deliveries, suppression',
      )
      .option('--json', 'one JSON object')
      .option('--all', 'every row held about the reader, as one JSON document to give them'),
    [
      'bulletin subscribers show ann@example.com',
      'bulletin subscribers show ann@example.com --all --json',
    ],
  ).action(async (email: string, opts: { json?: boolean; all?: boolean }) => {
    const address = parseOption('EMAIL', email, emailSchema);
    if (opts.all && !opts.json) throw new InputError('--all writes JSON: give --all --json');
    await withApp({}, async (app) => {
      if (opts.all) {
        process.stdout.write(`${formatJson(await readAllReaderData(app, address))}\n`);
        return;
      }
      const profile = await showReader(app, address);
      if (opts.json) process.stdout.write(`${formatJson(profile)}\n`);
      else printLine(formatReaderProfile(profile));
    });
  });

  withExamples(
    subscribers
      .command('remove <email>')
      .description(
        'erase a reader: their personal data goes in one transaction, the counts stay without them; an address they asked us not to mail stays only as a keyed hash',
      )
      .option('--dry-run', 'say what would go, change nothing'),
    [
      'bulletin subscribers remove ann@example.com --dry-run',
      'bulletin subscribers remove ann@example.com',
    ],
  ).action(async (email: string, opts: { dryRun?: boolean }) => {
    const address = parseOption('EMAIL', email, emailSchema);
    await withApp({}, async (app) => {
      const report = await eraseReader(app, address, { dryRun: Boolean(opts.dryRun) });
      printLine(formatErasure(report));
    });
  });

  registerReaderTransferCommands(subscribers);
}

const FIELD_LABELS: Record<string, string> = {
  trialEndsAt: 'trial end',
  tz: 'time zone',
  marketingConsent: 'marketing consent',
  consentSource: 'consent source',
  consentAt: 'consent time',
};

function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? field;
}
