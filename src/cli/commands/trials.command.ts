import type { Command } from 'commander';
import { z } from 'zod';
import { startTrial, type TrialAttribution } from '../../services/readers/index.js';
import { withApp } from '../cli-context.js';
import { printLine } from '../output.js';
import { emailSchema, parseOption } from '../parse.js';

const ATTRIBUTION_NOTE: Record<TrialAttribution, string | null> = {
  none: null,
  credited: 'credited to the trial link it came from',
  'already-credited': 'that trial link was already credited with an earlier trial',
  'unknown-ref': 'the ref names no trial link of ours: the trial is not credited',
};

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
    .option('--ref <ref>', "the trial link's ref, to credit the digest or campaign it came from")
    .addHelpText(
      'after',
      '\nExamples:\n  $ bulletin trials start ann@example.com --days 30\n  $ bulletin trials start ann@example.com --ref 3f.k2Vx…\n',
    )
    .action(async (email: string, opts: { days: string; ref?: string }) => {
      const days = parseOption('--days', opts.days, z.coerce.number().int().min(1).max(365));
      const ref =
        opts.ref === undefined ? undefined : parseOption('--ref', opts.ref, z.string().max(200));
      await withApp({}, async (app) => {
        const { reader, attribution } = await startTrial(app, {
          email: parseOption('EMAIL', email, emailSchema),
          days,
          ...(ref === undefined ? {} : { ref }),
          unknownReader: 'refuse',
        });
        printLine(`${reader.email} has a trial until ${reader.trialEndsAt?.toISOString()}`);
        const note = ATTRIBUTION_NOTE[attribution];
        if (note) printLine(`ref: ${note}`);
      });
    });
}
