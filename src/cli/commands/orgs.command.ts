import type { Command } from 'commander';
import { z } from 'zod';
import {
  grantSiteLicense,
  listSiteLicenses,
  revokeSiteLicense,
} from '../../services/readers/index.js';
import { withApp } from '../cli-context.js';
import { printLine, printListing } from '../output.js';
import { dateSchema, parseOption } from '../parse.js';

const domainSchema = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z]{2,63}$/i, 'not a domain like example.com')
  .transform((d) => d.toLowerCase());

/** Site licenses: full access for every address at a domain. */
export function registerOrgCommands(program: Command): void {
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
        await grantSiteLicense(app, valid, until);
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
        printListing(await listSiteLicenses(app), Boolean(opts.json), [
          { header: 'DOMAIN', value: (r) => r.domain },
          { header: 'UNTIL', value: (r) => r.until },
        ]);
      });
    });
  orgs.command('remove <domain>').action(async (domain: string) => {
    await withApp({}, async (app) => {
      await revokeSiteLicense(app, domain.toLowerCase());
      printLine(`removed ${domain}`);
    });
  });
}
