import type { Command } from 'commander';
import { z } from 'zod';
import { PLANS, type Plan } from '../../domain/reader.js';
import {
  listReaders,
  removeReader,
  requireReader,
  saveReader,
} from '../../services/readers.service.js';
import { withApp } from '../cli-context.js';
import { printLine, printListing } from '../output.js';
import { dateSchema, emailSchema, parseOption, timeZoneSchema } from '../parse.js';

interface AddOptions {
  name?: string;
  plan: string;
  trialEnds?: string;
  tz: string;
  marketingConsent?: boolean;
}

export function registerSubscriberCommands(program: Command): void {
  const subscribers = program.command('subscribers').description('readers: anyone we may email');

  subscribers
    .command('add <email>')
    .description('add a reader, or update one with the same address')
    .option('--name <name>')
    .option('--plan <plan>', PLANS.join('|'), 'free')
    .option('--trial-ends <date>', 'end of the trial (plan trial)')
    .option('--tz <zone>', 'IANA time zone for send times', 'UTC')
    .option('--marketing-consent', 'the reader agreed to marketing email')
    .action(async (email: string, opts: AddOptions) => {
      const reader = {
        email: parseOption('EMAIL', email, emailSchema),
        name: opts.name?.trim() || null,
        plan: parseOption('--plan', opts.plan, z.enum(PLANS as [Plan, ...Plan[]])),
        trialEndsAt: opts.trialEnds
          ? parseOption('--trial-ends', opts.trialEnds, dateSchema)
          : null,
        tz: parseOption('--tz', opts.tz, timeZoneSchema),
        marketingConsent: Boolean(opts.marketingConsent),
      };
      await withApp({}, async (app) => {
        const saved = await saveReader(app, reader);
        printLine(`${saved.created ? 'added' : 'updated'} ${saved.reader.email}`);
      });
    });

  subscribers
    .command('list')
    .option('--json', 'one JSON array')
    .action(async (opts: { json?: boolean }) => {
      await withApp({}, async (app) => {
        const rows = (await listReaders(app)).map((r) => ({
          email: r.email,
          name: r.name,
          plan: r.plan,
          trialEndsAt: r.trialEndsAt,
          tz: r.tz,
          status: r.status,
          marketingConsent: r.marketingConsent,
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

  subscribers.command('show <email>').action(async (email: string) => {
    await withApp({}, async (app) => {
      printLine(
        JSON.stringify(await requireReader(app, parseOption('EMAIL', email, emailSchema)), null, 2),
      );
    });
  });

  subscribers
    .command('remove <email>')
    .description('delete a reader and their subscriptions (unsubscribing is kept as a suppression)')
    .action(async (email: string) => {
      await withApp({}, async (app) => {
        await removeReader(app, parseOption('EMAIL', email, emailSchema));
        printLine(`removed ${email}`);
      });
    });
}
