import type { Command } from 'commander';
import { listDeliveries } from '../../services/deliveries.service.js';
import { withApp } from '../cli-context.js';
import { printListing } from '../output.js';
import { emailSchema, parseOption, parseSince } from '../parse.js';

export function registerDeliveryCommands(program: Command): void {
  program
    .command('deliveries')
    .description('emails handed to the mail transport')
    .command('list')
    .option('--recipient <email>')
    .option('--since <when>', 'a duration back (24h) or an ISO date')
    .option('--json', 'one JSON array')
    .action(async (opts: { recipient?: string; since?: string; json?: boolean }) => {
      const recipient = opts.recipient && parseOption('--recipient', opts.recipient, emailSchema);
      await withApp({}, async (app) => {
        const since = parseSince('--since', opts.since, app.now());
        const rows = (
          await listDeliveries(app, {
            ...(recipient ? { recipient } : {}),
            ...(since ? { since } : {}),
          })
        ).map((d) => ({
          id: d.id,
          kind: d.kind,
          recipient: d.recipient,
          cadence: d.cadence,
          storyIds: d.storyIds,
          messageId: d.messageId,
          status: d.status,
          attempts: d.attempts,
          error: d.error,
          lastReply: d.lastReply,
          createdAt: d.createdAt.toISOString(),
          sentAt: d.sentAt?.toISOString() ?? null,
        }));
        printListing(rows, Boolean(opts.json), [
          { header: 'ID', value: (r) => r.id },
          { header: 'KIND', value: (r) => r.kind },
          { header: 'RECIPIENT', value: (r) => r.recipient },
          { header: 'STATUS', value: (r) => r.status },
          { header: 'STORIES', value: (r) => r.storyIds.length },
          { header: 'SENT', value: (r) => r.sentAt },
          { header: 'ERROR', value: (r) => r.error },
        ]);
      });
    });
}
