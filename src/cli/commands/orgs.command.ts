import type { Command } from 'commander';
import { z } from 'zod';
import {
  countSiteLicenses,
  grantSiteLicense,
  listSiteLicenses,
  revokeSiteLicense,
} from '../../services/readers/index.js';
import { withApp } from '../cli-context.js';
import { LISTED, printLine, printListing, readUpTo } from '../output.js';
import {
  dateSchema,
  type LimitOptions,
  parseOption,
  readLimit,
  withLimitOptions,
} from '../parse.js';

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
  withLimitOptions(orgs.command('list'), LISTED, 'site licenses')
    .option('--json', 'one JSON array')
    .action(async (opts: LimitOptions & { json?: boolean }) => {
      const limit = readLimit(opts, LISTED);
      await withApp({}, async (app) => {
        const found = await readUpTo(
          limit,
          'site licenses',
          (n) => listSiteLicenses(app, { limit: n }),
          () => countSiteLicenses(app),
        );
        printListing(found, Boolean(opts.json), [
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
