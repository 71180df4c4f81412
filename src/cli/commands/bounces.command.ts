import type { Command } from 'commander';
import type { App } from '../../app.js';
import { BOUNCE_KINDS, type Bounce } from '../../domain/bounce-record.js';
import type { BounceDetail, InboundOutcome, RecordedBounce } from '../../services/bounces/index.js';
import { withApp } from '../cli-context.js';
import { InputError } from '../cli-error.js';
import { countOf, withExamples } from '../help.js';
import { type Mailbox, openMailbox } from '../mailbox-input.js';
import { formatJson, LISTED, printLine, printListing, readUpTo } from '../output.js';
import {
  choiceSchema,
  type LimitOptions,
  parseOption,
  parseSince,
  readLimit,
  wholeNumberSchema,
  withLimitOptions,
} from '../parse.js';
import { registerBouncesListenCommand } from './bounces-listen.command.js';

/** `bulletin bounces …`: what came back after "sent" (bounces, complaints, opt-outs). */
export function registerBounceCommands(program: Command): void {
  const bounces = program
    .command('bounces')
    .description('bounces, complaints and opt-outs that came back after sending');

  withExamples(
    bounces
      .command('process <source>')
      .description(
        'record the bounces in a message (.eml), a directory of them, a maildir, an mbox, or standard input (-); one line per message',
      )
      .option('--json', 'one JSON object per message (JSON Lines)'),
    [
      'bulletin bounces process bounce.eml',
      'bulletin bounces process ~/Maildir/.Bounces --json',
      'bulletin bounces process - < message.eml    # what an MTA pipes to',
    ],
  ).action(async (source: string, opts: { json?: boolean }) => {
    const mailbox = openMailbox(source);
    await withApp({}, (app) => processMailbox(app, source, mailbox, Boolean(opts.json)));
  });

  withExamples(
    withLimitOptions(
      bounces
        .command('list')
        .description('recorded reports, newest first')
        .option('--kind <kind>', BOUNCE_KINDS.join('|'))
        .option('--since <when>', 'a duration back (30d) or an ISO date'),
      LISTED,
      'reports',
    ).option('--json', 'one JSON array'),
    ['bulletin bounces list --kind hard --since 7d', 'bulletin bounces list --json'],
  ).action(async (opts: LimitOptions & { kind?: string; since?: string; json?: boolean }) => {
    const kind = opts.kind && parseOption('--kind', opts.kind, choiceSchema(BOUNCE_KINDS));
    const limit = readLimit(opts, LISTED);
    await withApp({}, async (app) => {
      const { countBounces, listBounces } = await import('../../services/bounces/index.js');
      const since = parseSince('--since', opts.since, app.now());
      const filter = { ...(kind ? { kind } : {}), ...(since ? { since } : {}) };
      const found = await readUpTo(
        limit,
        'reports',
        (n) => listBounces(app, filter, { limit: n }),
        () => countBounces(app, filter),
      );
      printListing(found.map(bounceRow), Boolean(opts.json), [
        { header: 'ID', value: (r) => r.id },
        { header: 'RECEIVED', value: (r) => r.receivedAt },
        { header: 'KIND', value: (r) => r.kind },
        { header: 'SOURCE', value: (r) => r.source },
        { header: 'DELIVERY', value: (r) => r.deliveryId },
        { header: 'RECIPIENT', value: (r) => r.recipient },
        { header: 'STATUS', value: (r) => r.status },
        { header: 'SUPPRESSED', value: (r) => r.suppressed },
        { header: 'DIAGNOSTIC', value: (r) => shorten(r.diagnostic, 60) },
      ]);
    });
  });

  withExamples(
    bounces
      .command('show <id>')
      .description('one report: what it said, its delivery, the message it came in')
      .option('--raw', 'write the message as it came (its first 256 KB) instead')
      .option('--json', 'one JSON object'),
    ['bulletin bounces show 12', 'bulletin bounces show 12 --raw > bounce.eml'],
  ).action(async (id: string, opts: { raw?: boolean; json?: boolean }) => {
    const bounceId = parseOption('ID', id, wholeNumberSchema(1));
    if (opts.raw && opts.json) throw new InputError('give --raw or --json, not both');
    await withApp({}, async (app) => {
      const { readBounceMessage, showBounce } = await import('../../services/bounces/index.js');
      if (opts.raw) {
        const { raw, rawBytes } = await readBounceMessage(app, bounceId);
        // The bytes as they came: a message is not text to clean up.
        process.stdout.write(raw);
        if (raw.length < rawBytes)
          process.stderr.write(
            `only the first ${raw.length.toLocaleString('en-US')} of ${rawBytes.toLocaleString('en-US')} bytes were kept\n`,
          );
        return;
      }
      const detail = await showBounce(app, bounceId);
      if (opts.json) {
        process.stdout.write(
          `${formatJson({
            ...bounceRow(detail.bounce),
            message: {
              id: detail.inbound.id,
              source: detail.inbound.source,
              receivedAt: detail.inbound.receivedAt.toISOString(),
              from: detail.inbound.sender,
              subject: detail.inbound.subject,
              format: detail.inbound.format,
              reason: detail.inbound.reason,
              bytes: detail.inbound.rawBytes,
            },
            delivery: detail.delivery && {
              id: detail.delivery.id,
              kind: detail.delivery.kind,
              cadence: detail.delivery.cadence,
              status: detail.delivery.status,
              sentAt: detail.delivery.sentAt?.toISOString() ?? null,
            },
            others: detail.others.map(bounceRow),
          })}\n`,
        );
        return;
      }
      printLine(describeDetail(detail));
    });
  });

  registerBouncesListenCommand(bounces);
}

/**
 * Records every message of the mailbox, one at a time, printing a line for each as it goes.
 * Exits 2 when a file could not be read or a message was not mail; every other outcome,
 * ignored and unmatched included, is what the message was.
 */
async function processMailbox(
  app: App,
  source: string,
  mailbox: Mailbox,
  json: boolean,
): Promise<void> {
  const { processInboundMessage } = await import('../../services/bounces/index.js');
  let messages = 0;
  let problems = 0;
  for await (const item of mailbox.items) {
    if ('problem' in item) {
      problems++;
      process.stderr.write(`${item.problem}\n`);
      continue;
    }
    messages++;
    const outcome = await processInboundMessage(app, item.message.raw, 'file');
    if (!outcome.readable) problems++;
    if (json) process.stdout.write(`${formatJson(jsonOf(item.message.name, outcome))}\n`);
    else printLine(`${item.message.name}: ${describeOutcome(outcome)}`);
  }
  if (problems > 0 && messages > 0) {
    throw new InputError(
      `${source}: ${countOf(problems, 'file or message', 'files or messages')} could not be read as mail (each said above); ${countOf(messages, 'message')} recorded`,
    );
  }
  if (messages === 0) {
    throw new InputError(
      `${source}: no message in it (a message, an mbox, a directory of .eml files, or a maildir with new/ and cur/)`,
    );
  }
}

/** Which report speaks for a message with several: the one that matters most. */
const WEIGHT: Record<RecordedBounce['kind'], number> = {
  complaint: 6,
  hard: 5,
  unsubscribe: 4,
  soft: 3,
  unmatched: 2,
  ignored: 1,
};

function mainReport(outcome: InboundOutcome): RecordedBounce | undefined {
  return [...outcome.bounces].sort((a, b) => WEIGHT[b.kind] - WEIGHT[a.kind])[0];
}

/** `hard delivery 42 ann@example.com (suppressed: hard-bounce)`, a report per recipient. */
function describeOutcome(outcome: InboundOutcome): string {
  const reports = outcome.bounces.map((b) => {
    const about = b.deliveryId === null ? '' : ` delivery ${b.deliveryId} ${b.recipient}`;
    return `${b.kind}${about}${b.suppressed ? ` (suppressed: ${b.suppressed})` : ''}`;
  });
  const matched = outcome.bounces.some((b) => b.deliveryId !== null);
  const why = matched ? '' : `: ${outcome.reason}`;
  const seen = outcome.duplicate ? ' (seen before: nothing changed)' : '';
  return `${reports.join('; ')}${why}${seen}`;
}

/** The message's object for --json: its main report's kind, and when matched, whom it is about. */
function jsonOf(name: string, outcome: InboundOutcome) {
  const main = mainReport(outcome);
  return {
    message: name,
    kind: main?.kind ?? 'ignored',
    ...(main && main.deliveryId !== null
      ? { deliveryId: main.deliveryId, recipient: main.recipient }
      : {}),
    suppressed: main?.suppressed ?? null,
    duplicate: outcome.duplicate,
    readable: outcome.readable,
    inboundId: outcome.messageId,
    format: outcome.format,
    reason: outcome.reason,
    bounces: outcome.bounces,
  };
}

function bounceRow(b: Bounce) {
  return {
    id: b.id,
    deliveryId: b.deliveryId,
    recipient: b.recipient,
    kind: b.kind,
    status: b.status,
    diagnostic: b.diagnostic,
    source: b.source,
    receivedAt: b.receivedAt.toISOString(),
    suppressed: b.suppressed,
    inboundId: b.inboundId,
  };
}

function describeDetail({ bounce, inbound, delivery, others }: BounceDetail): string {
  const lines = [
    `bounce ${bounce.id}: ${bounce.kind}${bounce.status ? ` ${bounce.status}` : ''}${bounce.recipient ? ` ${bounce.recipient}` : ''}`,
    `  received:   ${bounce.receivedAt.toISOString()} by ${bounce.source}`,
  ];
  if (bounce.diagnostic) lines.push(`  diagnostic: ${bounce.diagnostic}`);
  if (bounce.deliveryId !== null) {
    lines.push(
      delivery
        ? `  delivery:   ${delivery.id} (${delivery.kind}${delivery.cadence ? `, ${delivery.cadence}` : ''}), ${delivery.status}${delivery.sentAt ? ` ${delivery.sentAt.toISOString()}` : ''}`
        : `  delivery:   ${bounce.deliveryId} (no longer there)`,
    );
  } else {
    lines.push('  delivery:   none (names no delivery of ours by a valid tag for this address)');
  }
  lines.push(`  suppressed: ${bounce.suppressed ?? 'no'}`);
  const kept =
    inbound.rawBytes > 256 * 1024
      ? `${inbound.rawBytes.toLocaleString('en-US')} bytes, the first 256 KB kept`
      : `${inbound.rawBytes.toLocaleString('en-US')} bytes`;
  lines.push(
    `message ${inbound.id}: ${inbound.format}, ${inbound.reason}`,
    `  from:       ${inbound.sender ?? '-'}`,
    `  subject:    ${inbound.subject ?? '-'}`,
    `  size:       ${kept} (bounces show ${bounce.id} --raw)`,
  );
  for (const other of others) {
    lines.push(
      `  also:       bounce ${other.id}: ${other.kind}${other.recipient ? ` ${other.recipient}` : ''}`,
    );
  }
  return lines.join('\n');
}

function shorten(text: string | null, max: number): string | null {
  if (text === null) return null;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
