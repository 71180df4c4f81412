import type { Command } from 'commander';
import { z } from 'zod';
import { migrateDatabase } from '../../../db/connection.js';
import {
  listSiteLicenses,
  removeSiteLicense,
  upsertSiteLicense,
} from '../../../db/repositories/site-license.repository.js';
import {
  addSuppression,
  listSuppressions,
  removeSuppression,
} from '../../../db/repositories/suppression.repository.js';
import { withApp } from '../cli-context.js';
import { InputError } from '../cli-error.js';
import { printLine, printListing } from '../output.js';
import { dateSchema, emailSchema, parseOption } from '../parse.js';

const domainSchema = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z]{2,63}$/i, 'not a domain like example.com')
  .transform((d) => d.toLowerCase());

/** Database, site licenses and suppressions. */
export function registerAdminCommands(program: Command): void {
  program
    .command('db')
    .description('the database')
    .command('migrate')
    .description('bring the schema up to date')
    .action(async () => {
      await withApp({ migrate: false }, async (app) => {
        const applied = await migrateDatabase(app.db);
        printLine(applied.length ? `applied ${applied.join(', ')}` : 'the schema is up to date');
      });
    });

  const orgs = program
    .command('orgs')
    .description('site licenses: full access for every address at a domain');
  orgs
    .command('add <domain>')
    .option('--until <date>', 'last day of the license')
    .action(async (domain: string, opts: { until?: string }) => {
      const valid = parseOption('DOMAIN', domain, domainSchema);
      const until = opts.until ? parseOption('--until', opts.until, dateSchema) : null;
      await withApp({}, async (app) => {
        await upsertSiteLicense(app.db, valid, until, app.now());
        printLine(
          `site license for ${valid}${until ? ` until ${until.toISOString().slice(0, 10)}` : ''}`,
        );
      });
    });
  orgs
    .command('list')
    .option('--json', 'one JSON array')
    .action(async (opts: { json?: boolean }) => {
      await withApp({}, async (app) => {
        printListing(await listSiteLicenses(app.db), Boolean(opts.json), [
          { header: 'DOMAIN', value: (r) => r.domain },
          { header: 'UNTIL', value: (r) => r.until },
        ]);
      });
    });
  orgs.command('remove <domain>').action(async (domain: string) => {
    await withApp({}, async (app) => {
      if (!(await removeSiteLicense(app.db, domain.toLowerCase())))
        throw new InputError(`no site license for ${domain}`);
      printLine(`removed ${domain}`);
    });
  });

  const suppressions = program.command('suppressions').description('addresses we must not mail');
  suppressions
    .command('list')
    .option('--json', 'one JSON array')
    .action(async (opts: { json?: boolean }) => {
      await withApp({}, async (app) => {
        printListing(await listSuppressions(app.db), Boolean(opts.json), [
          { header: 'EMAIL', value: (r) => r.email },
          { header: 'REASON', value: (r) => r.reason },
          { header: 'SINCE', value: (r) => r.createdAt },
        ]);
      });
    });
  suppressions
    .command('add <email>')
    .requiredOption('--reason <reason>', 'unsubscribed|hard-bounce|complaint|manual')
    .action(async (email: string, opts: { reason: string }) => {
      const reason = parseOption(
        '--reason',
        opts.reason,
        z.enum(['unsubscribed', 'hard-bounce', 'complaint', 'manual']),
      );
      await withApp({}, async (app) => {
        await addSuppression(app.db, parseOption('EMAIL', email, emailSchema), reason, app.now());
        printLine(`suppressed ${email}`);
      });
    });
  suppressions.command('remove <email>').action(async (email: string) => {
    await withApp({}, async (app) => {
      if (!(await removeSuppression(app.db, parseOption('EMAIL', email, emailSchema))))
        throw new InputError(`${email} is not suppressed`);
      printLine(`${email} may be mailed again`);
    });
  });
}
