import type { Command } from 'commander';
import type { Bounce } from '../../domain/bounce-record.js';
import { DELIVERY_KINDS, DELIVERY_STATUSES } from '../../domain/delivery.js';
import {
  countDeliveries,
  listDeliveries,
  markDeliverySent,
  resendDelivery,
} from '../../services/sending/index.js';
import { flowContextOf, withApp } from '../cli-context.js';
import { InputError } from '../cli-error.js';
import { LISTED, printLine, printListing, readUpTo } from '../output.js';
import {
  choiceSchema,
  emailSchema,
  type LimitOptions,
  parseOption,
  parseSince,
  readLimit,
  wholeNumberSchema,
  withLimitOptions,
} from '../parse.js';
import { registerDeliveryStatsCommand } from './deliveries-stats.command.js';

interface ListOptions extends LimitOptions {
  recipient?: string;
  since?: string;
  status?: string;
  kind?: string;
  json?: boolean;
}

export function registerDeliveryCommands(program: Command): void {
  const deliveries = program
    .command('deliveries')
    .description('emails handed to the mail transport');
  registerDeliveryStatsCommand(deliveries);
  withLimitOptions(
    deliveries.command('list').description('the latest deliveries, newest first'),
    LISTED,
    'deliveries',
  )
    .option('--recipient <email>', 'only mail to this address')
    .option('--since <when>', 'a duration back (24h) or an ISO date')
    .option('--status <status>', `${DELIVERY_STATUSES.join('|')} (sending: outcome unknown)`)
    .option('--kind <kind>', DELIVERY_KINDS.join('|'))
    .option('--json', 'one JSON array')
    .action(async (opts: ListOptions) => {
      const recipient = opts.recipient && parseOption('--recipient', opts.recipient, emailSchema);
      const status =
        opts.status && parseOption('--status', opts.status, choiceSchema(DELIVERY_STATUSES));
      const kind = opts.kind && parseOption('--kind', opts.kind, choiceSchema(DELIVERY_KINDS));
      const limit = readLimit(opts, LISTED);
      await withApp({}, async (app) => {
        const since = parseSince('--since', opts.since, app.now());
        const filter = {
          ...(recipient ? { recipient } : {}),
          ...(since ? { since } : {}),
          ...(status ? { status } : {}),
          ...(kind ? { kind } : {}),
        };
        const found = await readUpTo(
          limit,
          'deliveries',
          (n) => listDeliveries(app, filter, { limit: n }),
          () => countDeliveries(app, filter),
        );
        const { findDeliveryBounces } = await import('../../services/bounces/index.js');
        const bounces = await findDeliveryBounces(
          app,
          found.map((d) => d.id),
        );
        const rows = found.map((d) => ({
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
          bounce: bounceOf(bounces.get(d.id)),
        }));
        printListing(rows, Boolean(opts.json), [
          { header: 'ID', value: (r) => r.id },
          { header: 'KIND', value: (r) => r.kind },
          { header: 'RECIPIENT', value: (r) => r.recipient },
          { header: 'STATUS', value: (r) => r.status },
          { header: 'STORIES', value: (r) => r.storyIds.length },
          { header: 'SENT', value: (r) => r.sentAt },
          { header: 'ERROR', value: (r) => r.error },
          {
            header: 'BOUNCE',
            value: (r) => r.bounce && [r.bounce.kind, r.bounce.status].filter(Boolean).join(' '),
          },
        ]);
      });
    });

  deliveries
    .command('resolve <id>')
    .description(
      'settle a delivery whose outcome is unknown (sending): --sent when the mail server took it, --resend to send it again',
    )
    .option('--sent', 'the mail server took it: record it as sent')
    .option('--resend', 'the mail server did not take it: send it again')
    .action(async (id: string, opts: { sent?: boolean; resend?: boolean }) => {
      if (Boolean(opts.sent) === Boolean(opts.resend))
        throw new InputError('give --sent or --resend');
      const deliveryId = parseOption('ID', id, wholeNumberSchema(1));
      await withApp({ redis: Boolean(opts.resend) }, async (app) => {
        const delivery = opts.sent
          ? await markDeliverySent(app, deliveryId)
          : await resendDelivery(flowContextOf(app), deliveryId);
        printLine(`delivery ${delivery.id} is ${delivery.status}`);
      });
    });
}

/** A delivery's bounce or complaint as the listing shows it: what came back about it, if anything. */
function bounceOf(bounce: Bounce | undefined) {
  if (!bounce) return null;
  return {
    id: bounce.id,
    kind: bounce.kind,
    status: bounce.status,
    diagnostic: bounce.diagnostic,
    source: bounce.source,
    receivedAt: bounce.receivedAt.toISOString(),
  };
}
