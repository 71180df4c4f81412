import {
  findInboundByFingerprint,
  insertBounce,
  insertInboundMessage,
  listBouncesOfInbound,
  type NewInboundMessage,
  setBounceSuppressed,
} from '../../../db/repositories/bounce.repository.js';
import {
  type InboundEnvelope,
  readInboundMessage,
} from '../../adapters/mail-in/read-inbound-message.js';
import { metrics } from '../../adapters/metrics.js';
import {
  type BounceKind,
  type InboundRecord,
  type InboundSource,
  type ProviderSource,
  RAW_KEPT_BYTES,
} from '../../domain/bounce-record.js';
import type { BounceTag } from '../../domain/bounce-tag.js';
import { UNREADABLE, wasUnreadable } from '../../domain/bounces/index.js';
import type { Delivery } from '../../domain/delivery.js';
import type { SuppressionReason } from '../../domain/suppression.js';
import type { VerifyContext } from '../context.js';
import { matchDelivery, providerTags, tagsToTry } from './bounce-matching.js';
import { applyBouncePolicy } from './bounce-policy.js';
import { type GuardContext, guardCampaignsAfter } from './campaign-guard.js';
import { eventFingerprint, messageFingerprint } from './inbound-fingerprint.js';

export type { InboundEnvelope } from '../../adapters/mail-in/read-inbound-message.js';

/** What recording needs: the database, the bounce settings, and the keys tags are signed with. */
export type BounceContext = VerifyContext & GuardContext;

/** One provider webhook event about one recipient, as a door maps it (src/http/events/). */
export interface ProviderEvent {
  source: ProviderSource;
  /** The provider's own id for the event: with `source`, what makes it the same event again. */
  eventId: string;
  kind: 'hard' | 'soft' | 'complaint' | 'unsubscribe' | 'ignored';
  recipient: string | null;
  /** Our Message-IDs the event names (`<delivery-42.…@domain>`). */
  messageIds: string[];
  /** Raw bounce tags (`d42-…`) from its metadata, custom arguments or X-Bulletin-Tag. */
  tags: string[];
  status: string | null;
  diagnostic: string | null;
  /** The event's own JSON, kept (capped) for review. */
  raw: string;
  receivedAt: Date;
}

/** What one recipient's report was recorded as. */
export interface RecordedBounce {
  /** The bounce row (`bounces show ID`). */
  id: number;
  kind: BounceKind;
  deliveryId: number | null;
  /** The delivery's recipient when matched, else the address the report named (if any). */
  recipient: string | null;
  /** The suppression it called for, in force once recorded; null: none. */
  suppressed: SuppressionReason | null;
}

export interface InboundOutcome {
  /** The inbound message's row (every report read from it points there). */
  messageId: number;
  /** Seen before (the same bytes, or the same provider event): the first outcome, nothing changed. */
  duplicate: boolean;
  /** False when the bytes are not mail at all (recorded all the same, as ignored). */
  readable: boolean;
  /** Which reader recognised it ('dsn', 'arf', …) and why it was read as it was. */
  format: string;
  reason: string;
  bounces: RecordedBounce[];
}

/**
 * Reads one inbound message (a bounce, a complaint, an auto-reply, anything that came to the
 * bounce address) and records what it says, in one transaction: the message, one report per
 * recipient, and what each report does to the address (see bounce-policy.ts). A message seen
 * before (the same bytes, whatever the line ends) returns its first outcome and changes
 * nothing. Never throws for what the message holds; only for the database.
 */
export async function processInboundMessage(
  ctx: BounceContext,
  raw: Buffer,
  source: InboundSource,
  envelope?: InboundEnvelope,
): Promise<InboundOutcome> {
  const fingerprint = messageFingerprint(raw);
  // Before reading it: a mailbox polled again, or a file given twice, costs one lookup.
  const seen = await findInboundByFingerprint(ctx.db, fingerprint);
  if (seen) return duplicateOf(ctx, seen);
  const report = await readInboundMessage(raw, envelope);
  return record(ctx, {
    inbound: {
      source,
      fingerprint,
      receivedAt: ctx.now(),
      subject: capText(report.subject, 1000),
      sender: capText(report.from, 1000),
      raw: keptCopy(raw),
      rawBytes: raw.length,
      format: report.format,
      reason: capText(report.reason, 2000) ?? '',
    },
    readable: !wasUnreadable(report),
    tags: tagsToTry(report.verpTags, report.messageIdTags),
    reports: report.recipients,
  });
}

/**
 * Records one provider webhook event, as {@link processInboundMessage} records a message: the
 * same matching, the same policy. The same event again (its provider and id) changes nothing.
 */
export async function recordProviderEvent(
  ctx: BounceContext,
  event: ProviderEvent,
): Promise<InboundOutcome> {
  const fingerprint = eventFingerprint(event.source, event.eventId);
  const seen = await findInboundByFingerprint(ctx.db, fingerprint);
  if (seen) return duplicateOf(ctx, seen);
  const raw = Buffer.from(event.raw, 'utf8');
  return record(ctx, {
    inbound: {
      source: event.source,
      fingerprint,
      receivedAt: event.receivedAt,
      subject: null,
      sender: null,
      raw: keptCopy(raw),
      rawBytes: raw.length,
      format: event.source,
      reason: `a ${event.source} event (${event.kind}), id ${capText(event.eventId, 200)}`,
    },
    readable: true,
    tags: providerTags(event.tags, event.messageIds),
    reports: [
      {
        kind: event.kind,
        recipient: event.recipient,
        status: event.status,
        diagnostic: event.diagnostic,
      },
    ],
  });
}

interface ReportInput {
  kind: 'hard' | 'soft' | 'complaint' | 'unsubscribe' | 'ignored';
  recipient: string | null;
  status: string | null;
  diagnostic: string | null;
}

interface RecordInput {
  inbound: NewInboundMessage;
  readable: boolean;
  tags: BounceTag[];
  reports: readonly ReportInput[];
}

async function record(ctx: BounceContext, input: RecordInput): Promise<InboundOutcome> {
  const { inbound } = input;
  const now = ctx.now();
  const reports: readonly ReportInput[] =
    input.reports.length > 0
      ? input.reports
      : [{ kind: 'ignored', recipient: null, status: null, diagnostic: null }];
  const recorded = await ctx.db.transaction().execute(async (trx) => {
    const messageId = await insertInboundMessage(trx, inbound);
    // Recorded by another process meanwhile: theirs is the outcome.
    if (messageId === null) return null;
    const deliveries = new Map<number, Delivery | null>();
    const bounces: (RecordedBounce & { readerId: number | null })[] = [];
    for (const report of reports) {
      const status = capText(report.status, 32);
      const diagnostic = capText(report.diagnostic, 1000);
      const delivery =
        report.kind === 'ignored'
          ? null
          : await matchDelivery(
              trx,
              ctx.verificationKeys,
              { kind: report.kind, recipient: report.recipient },
              input.tags,
              deliveries,
            );
      const kind: BounceKind =
        report.kind === 'ignored' ? 'ignored' : delivery ? report.kind : 'unmatched';
      const recipient = delivery
        ? delivery.recipient.trim().toLowerCase()
        : capText(report.recipient?.trim().toLowerCase() ?? null, 320);
      const id = await insertBounce(trx, {
        inboundId: messageId,
        deliveryId: delivery?.id ?? null,
        kind,
        recipient,
        status,
        diagnostic,
        source: inbound.source,
        receivedAt: inbound.receivedAt,
        suppressed: null,
      });
      let suppressed: SuppressionReason | null = null;
      if (delivery && report.kind !== 'ignored') {
        suppressed = await applyBouncePolicy(
          trx,
          ctx.settings.bounce,
          {
            kind: report.kind,
            recipient: recipient as string,
            status,
            diagnostic,
            source: inbound.source,
          },
          now,
        );
        if (suppressed) await setBounceSuppressed(trx, id, suppressed);
      }
      bounces.push({
        id,
        kind,
        deliveryId: delivery?.id ?? null,
        recipient,
        suppressed,
        readerId: delivery?.readerId ?? null,
      });
    }
    return { messageId, bounces };
  });
  if (!recorded) {
    const seen = await findInboundByFingerprint(ctx.db, inbound.fingerprint);
    if (!seen) throw new Error('an inbound message recorded meanwhile cannot be found');
    return duplicateOf(ctx, seen);
  }
  metrics.inboundMessages.inc({ source: inbound.source, outcome: 'recorded' });
  for (const bounce of recorded.bounces) {
    metrics.bounces.inc({ kind: bounce.kind, source: inbound.source });
    if (bounce.suppressed) metrics.bounceSuppressions.inc({ reason: bounce.suppressed });
    // Readers are named by their delivery and reader ids: an address is personal data.
    ctx.log.info({
      event: bounce.deliveryId === null ? `bounce.${bounce.kind}` : 'bounce.recorded',
      inbound: recorded.messageId,
      bounce: bounce.id,
      kind: bounce.kind,
      source: inbound.source,
      format: inbound.format,
      ...(bounce.deliveryId === null
        ? {}
        : { delivery: bounce.deliveryId, reader: bounce.readerId, suppressed: bounce.suppressed }),
    });
  }
  await guardCampaignsAfter(ctx, recorded.bounces);
  return {
    messageId: recorded.messageId,
    duplicate: false,
    readable: input.readable,
    format: inbound.format,
    reason: inbound.reason,
    bounces: recorded.bounces.map(({ readerId: _, ...bounce }) => bounce),
  };
}

/** The first outcome of a message or event seen before. */
async function duplicateOf(ctx: BounceContext, seen: InboundRecord): Promise<InboundOutcome> {
  const bounces = await listBouncesOfInbound(ctx.db, seen.id);
  metrics.inboundMessages.inc({ source: seen.source, outcome: 'duplicate' });
  ctx.log.info({ event: 'bounce.duplicate', inbound: seen.id, source: seen.source });
  return {
    messageId: seen.id,
    duplicate: true,
    readable: !(seen.format === 'unknown' && seen.reason.startsWith(UNREADABLE)),
    format: seen.format,
    reason: seen.reason,
    bounces: bounces.map(({ id, kind, deliveryId, recipient, suppressed }) => ({
      id,
      kind,
      deliveryId,
      recipient,
      suppressed,
    })),
  };
}

/** The copy kept for review: the first RAW_KEPT_BYTES, copied (the caller's buffer may be reused). */
function keptCopy(raw: Buffer): Buffer {
  return Buffer.from(raw.subarray(0, RAW_KEPT_BYTES));
}

/** Text from hostile input, cut to what a column should hold; null stays null. */
function capText(text: string | null | undefined, max: number): string | null {
  if (text === null || text === undefined) return null;
  // PostgreSQL text holds no NUL character.
  const clean = text.replaceAll('\u0000', '');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
