import fs from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { CADENCES, type Cadence } from '../../domain/subscription.js';
import type { WaitingWork } from '../../services/digests/index.js';
import type { LeftSending } from '../../services/sending/index.js';
import { renderContextOf, withApp } from '../cli-context.js';
import { printLine } from '../output.js';
import { emailSchema, parseOption } from '../parse.js';
import { type Progress, startProgress } from '../progress.js';

const cadenceSchema = z.enum(CADENCES as [Cadence, ...Cadence[]]);
const isoSchema = z.iso
  .datetime({ offset: true, error: 'must be ISO 8601 with an offset' })
  .transform((s) => new Date(s));

export function registerDigestCommands(program: Command): void {
  const digests = program.command('digests').description('digests and alerts');

  digests
    .command('run')
    .description(
      'match the stories waiting, send what earlier runs left queued, build and send what is due, then exit',
    )
    .option('--now <iso>', 'act as if it were this instant')
    .option('--cadence <cadence>', CADENCES.join('|'))
    .action(async (opts: { now?: string; cadence?: string }) => {
      const now = opts.now ? parseOption('--now', opts.now, isoSchema) : undefined;
      const cadence = opts.cadence
        ? parseOption('--cadence', opts.cadence, cadenceSchema)
        : undefined;
      const [{ runDueWorkOnce }, { findLeftSending }] = await Promise.all([
        import('../../run-process.js'),
        import('../../services/sending/index.js'),
      ]);
      await withApp({ mail: true, ...(now ? { now: () => now } : {}) }, async (app) => {
        let progress: Progress | null = null;
        const started = performance.now();
        const run = await runDueWorkOnce(app, {
          ...(cadence ? { cadence } : {}),
          // Said before the bar starts, so the two never share a terminal line.
          onWaiting: (waiting) => {
            printLine(describeWaiting(waiting));
            progress = startProgress('emails');
          },
          onProgress: ({ done, waiting }) => progress?.update(done, done + waiting),
        }).finally(() => progress?.stop());
        const seconds = (performance.now() - started) / 1000;
        const report = run.drain;
        const counts = new Map<string, number>();
        for (const s of report.sends) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
        const count = (status: string) => counts.get(status) ?? 0;
        const server = app.transport?.describe() ?? 'the mail transport';
        printLine(
          `due digests ${run.digestsDue}, new matches ${report.matched}, emails built ${report.digests}, ` +
            `sent ${count('sent')}, failed ${count('failed')}, to retry ${count('retry')}, ` +
            `suppressed ${count('suppressed')}, alerts still in their window ${report.alertsNotDue}` +
            (report.sendsHeld > 0 ? `, not tried ${report.sendsHeld}` : ''),
        );
        if (count('sent') > 0)
          printLine(
            `mail went to ${server} in ${seconds.toFixed(1)} s (${(count('sent') / Math.max(seconds, 0.001)).toFixed(0)} emails/s)`,
          );
        // The run is over: nothing of it is in flight, so what is still `sending` is unknown.
        const left = await findLeftSending(app, LEFT_SENDING_SHOWN);
        if (left.count > 0) printLine(describeLeftSending(left));
        // Temporary failures (refused, timed out, 4xx) leave their emails queued; a recipient
        // refused for good is that reader's failure, not the mail server's.
        const stillQueued = count('retry') + report.sendsHeld;
        const firstRetry = report.sends.find((s) => s.status === 'retry');
        const reason =
          report.mailServerDown ?? (firstRetry?.status === 'retry' ? firstRetry.error : '');
        if (count('sent') === 0 && stillQueued > 0) {
          throw new Error(
            `no email could be handed to the mail server ${server} (SMTP_URL): ${reason}; ` +
              `${stillQueued} stay queued for the next run`,
          );
        }
        if (report.mailServerDown !== null) {
          throw new Error(
            `the mail server ${server} (SMTP_URL) stopped answering after ${count('sent')} emails: ` +
              `${report.mailServerDown}; ${stillQueued} stay queued for the next run`,
          );
        }
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

/** Deliveries left `sending` listed by id after a run; the rest are counted. */
const LEFT_SENDING_SHOWN = 50;

/** `waiting: 3 stories to match, 256 deliveries queued`, or `waiting: nothing`. */
function describeWaiting(waiting: WaitingWork): string {
  const parts = [
    counted(waiting.storiesToMatch, 'story to match', 'stories to match'),
    counted(waiting.deliveriesQueued, 'delivery queued', 'deliveries queued'),
    counted(waiting.digestsOwed, 'digest owed', 'digests owed'),
    // Sent by another process now, or left by one that stopped: this run leaves them alone.
    counted(waiting.deliveriesSending, 'in flight (sending)', 'in flight (sending)'),
  ].filter((part) => part !== null);
  return `waiting: ${parts.length > 0 ? parts.join(', ') : 'nothing'}`;
}

function counted(n: number, one: string, many: string): string | null {
  return n === 0 ? null : `${n} ${n === 1 ? one : many}`;
}

/** The unknown outcomes, one line each, and how to settle them. */
function describeLeftSending(left: LeftSending): string {
  const lines = [
    `outcome unknown: ${left.count} ${left.count === 1 ? 'delivery' : 'deliveries'} left sending ` +
      '(the mail server may have them; never sent again blindly). Settle each with ' +
      '`bulletin deliveries resolve ID --sent` (the server has it) or `--resend`:',
    ...left.deliveries.map(
      (d) => `  ${d.id}  ${d.recipient}  ${d.kind}  since ${d.updatedAt.toISOString()}`,
    ),
  ];
  if (left.count > left.deliveries.length)
    lines.push(
      `  … and ${left.count - left.deliveries.length} more: bulletin deliveries list --status sending`,
    );
  return lines.join('\n');
}
