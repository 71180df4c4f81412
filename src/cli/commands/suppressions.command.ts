import type { Command } from 'commander';
import { z } from 'zod';
import { SUPPRESSION_REASONS } from '../../domain/suppression.js';
import {
  liftSuppression,
  listSuppressions,
  suppressAddress,
} from '../../services/readers/index.js';
import { withApp } from '../cli-context.js';
import { printLine, printListing } from '../output.js';
import { emailSchema, parseOption } from '../parse.js';

/** Addresses we must not mail. */
export function registerSuppressionCommands(program: Command): void {
  const suppressions = program.command('suppressions').description('addresses we must not mail');
  suppressions
    .command('list')
    .option('--json', 'one JSON array')
    .action(async (opts: { json?: boolean }) => {
      await withApp({}, async (app) => {
        printListing(await listSuppressions(app), Boolean(opts.json), [
          { header: 'EMAIL', value: (r) => r.email },
          { header: 'REASON', value: (r) => r.reason },
          { header: 'SINCE', value: (r) => r.createdAt },
        ]);
      });
    });
  suppressions
    .command('add <email>')
    .requiredOption('--reason <reason>', SUPPRESSION_REASONS.join('|'))
    .action(async (email: string, opts: { reason: string }) => {
      const reason = parseOption('--reason', opts.reason, z.enum(SUPPRESSION_REASONS));
      await withApp({}, async (app) => {
        await suppressAddress(app, parseOption('EMAIL', email, emailSchema), reason);
        printLine(`suppressed ${email}`);
      });
    });
  suppressions.command('remove <email>').action(async (email: string) => {
    await withApp({}, async (app) => {
      await liftSuppression(app, parseOption('EMAIL', email, emailSchema));
      printLine(`${email} may be mailed again`);
    });
  });
}
