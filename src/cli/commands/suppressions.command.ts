import type { Command } from 'commander';
import { SUPPRESSION_REASONS } from '../../domain/suppression.js';
import {
  countSuppressions,
  liftSuppression,
  listSuppressions,
  suppressAddress,
} from '../../services/readers/index.js';
import { withApp } from '../cli-context.js';
import { LISTED, printLine, printListing, readUpTo } from '../output.js';
import {
  choiceSchema,
  emailSchema,
  type LimitOptions,
  parseOption,
  readLimit,
  withLimitOptions,
} from '../parse.js';

/** Addresses we must not mail. */
export function registerSuppressionCommands(program: Command): void {
  const suppressions = program.command('suppressions').description('addresses we must not mail');
  withLimitOptions(suppressions.command('list'), LISTED, 'suppressed addresses')
    .option('--json', 'one JSON array')
    .action(async (opts: LimitOptions & { json?: boolean }) => {
      const limit = readLimit(opts, LISTED);
      await withApp({}, async (app) => {
        const found = await readUpTo(
          limit,
          'suppressed addresses',
          (n) => listSuppressions(app, { limit: n }),
          () => countSuppressions(app),
        );
        printListing(found, Boolean(opts.json), [
          { header: 'EMAIL', value: (r) => r.email },
          { header: 'REASON', value: (r) => r.reason },
          { header: 'SINCE', value: (r) => r.createdAt },
          // What the bounce or complaint said, when one suppressed it.
          { header: 'DETAIL', value: (r) => r.detail },
        ]);
      });
    });
  suppressions
    .command('add <email>')
    .requiredOption('--reason <reason>', SUPPRESSION_REASONS.join('|'))
    .action(async (email: string, opts: { reason: string }) => {
      const reason = parseOption('--reason', opts.reason, choiceSchema(SUPPRESSION_REASONS));
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
