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
    .description('trials')
    .command('start <email>')
    .option('--days <n>', 'length of the trial', '14')
    .action(async (email: string, opts: { days: string }) => {
      const days = parseOption('--days', opts.days, z.coerce.number().int().min(1).max(365));
      await withApp({}, async (app) => {
        const reader = await startTrial(app, parseOption('EMAIL', email, emailSchema), days);
        printLine(`${reader.email} has a trial until ${reader.trialEndsAt?.toISOString()}`);
      });
    });
}
