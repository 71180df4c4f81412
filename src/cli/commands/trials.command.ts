import type { Command } from 'commander';
import { z } from 'zod';
import { startTrial } from '../../services/trials.service.js';
import { withApp } from '../cli-context.js';
import { printLine } from '../output.js';
import { emailSchema, parseOption } from '../parse.js';

/** Trials started by hand (the publisher's site reports them through the API). */
export function registerTrialCommands(program: Command): void {
  program
    .command('trials')
    .description("readers' trials of full access")
    .command('start <email>')
    .description(
      "start or extend a reader's trial (an unknown address is refused: add the reader first)",
    )
    .option('--days <n>', 'length of the trial in days, 1 to 365', '14')
    .addHelpText('after', '\nExamples:\n  $ bulletin trials start ann@example.com --days 30\n')
    .action(async (email: string, opts: { days: string }) => {
      const days = parseOption('--days', opts.days, z.coerce.number().int().min(1).max(365));
      await withApp({}, async (app) => {
        const reader = await startTrial(app, parseOption('EMAIL', email, emailSchema), days, {
          unknownReader: 'refuse',
        });
        printLine(`${reader.email} has a trial until ${reader.trialEndsAt?.toISOString()}`);
      });
    });
}
