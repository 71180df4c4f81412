import fs from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { CADENCES, type Cadence } from '../../domain/subscription.js';
import { renderContextOf, withApp } from '../cli-context.js';
import { printLine } from '../output.js';
import { emailSchema, parseOption } from '../parse.js';
import { startProgress } from '../progress.js';

const cadenceSchema = z.enum(CADENCES as [Cadence, ...Cadence[]]);
const isoSchema = z.iso
  .datetime({ offset: true, error: 'must be ISO 8601 with an offset' })
  .transform((s) => new Date(s));

export function registerDigestCommands(program: Command): void {
  const digests = program.command('digests').description('digests and alerts');

  digests
    .command('run')
    .description('match pending stories, build and send what is due, then exit')
    .option('--now <iso>', 'act as if it were this instant')
    .option('--cadence <cadence>', CADENCES.join('|'))
    .action(async (opts: { now?: string; cadence?: string }) => {
      const now = opts.now ? parseOption('--now', opts.now, isoSchema) : undefined;
      const cadence = opts.cadence
        ? parseOption('--cadence', opts.cadence, cadenceSchema)
        : undefined;
      const { runDueWorkOnce } = await import('../../run-process.js');
      await withApp({ mail: true, ...(now ? { now: () => now } : {}) }, async (app) => {
        const progress = startProgress('emails');
        const started = performance.now();
        const run = await runDueWorkOnce(app, {
          ...(cadence ? { cadence } : {}),
          onProgress: ({ done, waiting }) => progress.update(done, done + waiting),
        }).finally(() => progress.stop());
        const seconds = (performance.now() - started) / 1000;
        const report = run.drain;
        const counts = new Map<string, number>();
        for (const s of report.sends) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
        printLine(
          `due digests ${run.digestsDue}, new matches ${report.matched}, emails built ${report.digests}, ` +
            `sent ${counts.get('sent') ?? 0}, failed ${counts.get('failed') ?? 0}, to retry ${counts.get('retry') ?? 0}, ` +
            `suppressed ${counts.get('suppressed') ?? 0}, alerts still in their window ${report.alertsNotDue}`,
        );
        printLine(
          `mail went to ${app.transport?.describe()} in ${seconds.toFixed(1)} s (${(report.sends.length / Math.max(seconds, 0.001)).toFixed(0)} emails/s)`,
        );
      });
    });

  digests
    .command('preview <email>')
    .description("render a reader's next digest from the matches waiting now")
    .option('--cadence <cadence>', CADENCES.join('|'), 'daily')
    .option('--out <file>', 'write the HTML here instead of printing the text part')
    .action(async (email: string, opts: { cadence: string; out?: string }) => {
      const cadence = parseOption('--cadence', opts.cadence, cadenceSchema);
      const { previewNextDigest } = await import('../../services/digests/index.js');
      await withApp({ render: true }, async (app) => {
        const preview = await previewNextDigest(
          renderContextOf(app),
          parseOption('EMAIL', email, emailSchema),
          cadence,
        );
        if (!preview) return printLine(`nothing waiting for ${email} (${cadence})`);
        if (opts.out) {
          fs.writeFileSync(opts.out, preview.html);
          printLine(`${preview.subject}\nwrote ${opts.out}`);
        } else {
          printLine(`Subject: ${preview.subject}\n\n${preview.text}`);
        }
      });
    });
}
