import { suppressForBounce } from '../../../db/repositories/bounce.repository.js';
import { finishDelivery } from '../../../db/repositories/delivery.repository.js';
import {
  claimDeliveriesForSending,
  findSendFacts,
  finishUnsentDeliveries,
  recordDeliveriesSent,
  type SendFacts,
} from '../../../db/repositories/send-batch.repository.js';
import type { OutgoingEmail } from '../../adapters/mail/mail-transport.js';
import { classifySmtpError } from '../../adapters/mail/smtp-failure.js';
import type { Delivery } from '../../domain/delivery.js';
import type { DigestContent } from '../../domain/digest-content.js';
import { holdCampaignDelivery } from '../campaigns/campaign-email.service.js';
import type { SendContext } from '../context.js';
import { loadDigestContents } from '../digests/digest-content.service.js';
import { findHashedSuppressions } from '../readers/suppressions.service.js';
import { composeDeliveryEmail, identityOf } from './delivery-email.js';

export type SendOutcome =
  | { status: 'sent'; messageId: string }
  | { status: 'retry'; error: string }
  | { status: 'failed'; error: string }
  | { status: 'suppressed' }
  /** Handed over with no answer back: left `sending`, for `deliveries resolve`. */
  | { status: 'unknown'; error: string }
  /** Not ours to send: already sent, failed, or being sent by another process. */
  | { status: 'skipped'; reason: string };

/** Sends one queued delivery: {@link sendDeliveries} with a group of one. */
export async function sendDelivery(ctx: SendContext, deliveryId: number): Promise<SendOutcome> {
  return (await sendDeliveries(ctx, [deliveryId]))[0] as SendOutcome;
}

/**
 * Sends queued deliveries, one outcome per id, in order. One statement reads what every send
 * must check (the reader, a suppression, a live subscription); each email is rendered first;
 * then a handful of rows at a time move `queued -> sending`, so only one process sends each,
 * and their messages leave. A process that dies here leaves at most that handful `sending`.
 * A temporary failure puts the row back to `queued` (the caller retries with backoff) until
 * the attempts run out; a permanent one fails it, and a recipient refused for good is
 * suppressed.
 *
 * Once the server has accepted a message, its row never goes back to `queued`: if recording
 * `sent` fails (the database went away), it is retried, and failing that the row stays
 * `sending` (outcome unknown) for a person to settle. A row found `sending` is left alone: a
 * blind re-send could mail the reader twice.
 */
export async function sendDeliveries(
  ctx: SendContext,
  deliveryIds: readonly number[],
  options: {
    /** Asked before each handful: true, and the rest stay `queued`, untried ({@link HELD_BACK}). */
    holdBack?: () => boolean;
    /** Told each outcome as it is decided (a group's sends take a while). */
    onOutcome?: (outcome: SendOutcome) => void;
  } = {},
): Promise<SendOutcome[]> {
  const facts = await findSendFacts(ctx.db, deliveryIds);
  await addHashedSuppressions(ctx, facts);
  const outcomes = new GroupOutcomes(options.onOutcome);
  const going: SendFacts[] = [];
  const unsent: { id: number; status: 'suppressed'; error: string }[] = [];
  for (const id of new Set(deliveryIds)) {
    const fact = facts.get(id);
    if (!fact) outcomes.set(id, { status: 'skipped', reason: 'no such delivery' });
    else if (fact.delivery.status !== 'queued')
      outcomes.set(id, { status: 'skipped', reason: `delivery is ${fact.delivery.status}` });
    else {
      const held =
        fact.delivery.kind === 'campaign' && (await holdCampaignDelivery(ctx, fact.delivery));
      const stop = held ? null : reasonNotToSend(fact, ctx.now());
      if (held) outcomes.set(id, { status: 'skipped', reason: held });
      else if (stop) {
        unsent.push({ id, status: 'suppressed', error: stop.error });
        outcomes.set(id, { status: 'suppressed' });
        ctx.log.info({ event: 'send.suppressed', delivery: id, reason: stop.reason });
      } else going.push(fact);
    }
  }
  await finishUnsentDeliveries(ctx.db, unsent, ctx.now());
  const contents = await loadDigestContents(
    ctx.db,
    going.flatMap(({ delivery, reader }) =>
      delivery.digestId !== null && reader
        ? [{ digestId: delivery.digestId, timeZone: reader.tz }]
        : [],
    ),
    ctx.settings.digestMaxStories,
  );
  // Two handfuls in flight: the next is rendered while the mail thread sends the last.
  // Once a send has failed for now, each handful's end is awaited before the next: the
  // caller may hold the rest back while the mail server does not answer.
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < going.length; i += handfulOf(ctx)) {
    if (outcomes.troubled) await Promise.all(inFlight.splice(0));
    if (options.holdBack?.()) break;
    const handful = going.slice(i, i + handfulOf(ctx));
    inFlight.push((await startHandful(ctx, handful, contents, outcomes)).done);
    if (inFlight.length >= 2) await inFlight.shift();
  }
  await Promise.all(inFlight);
  return deliveryIds.map((id) => outcomes.get(id) ?? { status: 'skipped', reason: HELD_BACK });
}

/** Marks the group's recipients kept on the do-not-mail list only as an erased address's hash. */
async function addHashedSuppressions(ctx: SendContext, facts: Map<number, SendFacts>) {
  const unsuppressed = [...facts.values()].filter((fact) => fact.suppression === null);
  if (unsuppressed.length === 0) return;
  const hashed = await findHashedSuppressions(
    ctx,
    unsuppressed.map((fact) => fact.delivery.recipient),
  );
  for (const fact of unsuppressed) fact.suppression = hashed.get(fact.delivery.recipient) ?? null;
}

/** Why a delivery of a group was not tried: sending was held back, the row stays `queued`. */
export const HELD_BACK = 'held back';

/** A group's outcomes, told to the caller as they are decided. */
class GroupOutcomes extends Map<number, SendOutcome> {
  /** A send failed for now: the mail server may be away. */
  troubled = false;
  constructor(private readonly onOutcome?: (outcome: SendOutcome) => void) {
    super();
  }
  override set(id: number, outcome: SendOutcome): this {
    super.set(id, outcome);
    if (outcome.status === 'retry') this.troubled = true;
    this.onOutcome?.(outcome);
    return this;
  }
}

/** Messages claimed together: as many as the mail transport sends at once. */
function handfulOf(ctx: SendContext): number {
  return Math.max(1, ctx.settings.concurrency.send);
}

/**
 * Why a queued delivery must not go now, if it must not: the one place that decides, from
 * what {@link findSendFacts} read for the group. A suppressed address; a digest or alert whose
 * reader has since left its cadence (one-click unsubscribe, a pause) or everything; an
 * invitation whose reader has since withdrawn marketing consent.
 */
export function reasonNotToSend(
  fact: SendFacts,
  now: Date,
): { reason: string; error: string } | null {
  const { delivery, reader } = fact;
  if (fact.suppression)
    return { reason: fact.suppression, error: `suppressed: ${fact.suppression}` };
  // Erased since the email was built: settled without mailing anyone.
  if (delivery.readerId !== null && reader === undefined)
    return { reason: 'reader-gone', error: 'the reader no longer exists' };
  if (delivery.readerId === null) return null;
  const list = delivery.kind === 'campaign' ? 'marketing' : delivery.cadence;
  const leftList = `the reader no longer takes ${list} emails`;
  if (delivery.kind === 'campaign')
    return reader !== undefined && !reader.marketingConsent
      ? { reason: 'list-left', error: leftList }
      : null;
  if (delivery.cadence === null) return null;
  const live =
    fact.followsCadence &&
    reader?.status === 'active' &&
    (reader.pausedUntil === null || reader.pausedUntil <= now);
  return live ? null : { reason: 'list-left', error: leftList };
}

/**
 * Renders a handful's emails, claims their rows and hands the messages over; resolves, once
 * the messages are handed over, to the promise of the handful's end (every outcome recorded).
 */
async function startHandful(
  ctx: SendContext,
  handful: readonly SendFacts[],
  contents: ReadonlyMap<number, DigestContent>,
  outcomes: Map<number, SendOutcome>,
): Promise<{ done: Promise<void> }> {
  const ready: { delivery: Delivery; email: OutgoingEmail }[] = [];
  for (const { delivery, reader } of handful) {
    const identity = identityOf(ctx, delivery);
    // Rendered before the claim: a crash while rendering leaves the row `queued`, to be sent.
    try {
      const content = delivery.digestId === null ? undefined : contents.get(delivery.digestId);
      const email = await composeDeliveryEmail(ctx, delivery, reader, content);
      ready.push({ delivery, email: { ...email, ...identity } });
    } catch (error) {
      outcomes.set(delivery.id, await finishFailed(ctx, delivery, delivery.attempts + 1, error));
    }
  }
  const won = await claimDeliveriesForSending(
    ctx.db,
    ready.map(({ delivery, email }) => ({ id: delivery.id, messageId: email.messageId })),
    ctx.now(),
  );
  const accepted: { id: number; messageId: string; reply: string }[] = [];
  const sends = ready.map(async ({ delivery, email }) => {
    if (!won.has(delivery.id)) {
      outcomes.set(delivery.id, { status: 'skipped', reason: 'claimed by another sender' });
      return;
    }
    outcomes.set(delivery.id, await handOver(ctx, delivery, email, accepted));
  });
  const done = Promise.all(sends).then(() => recordSent(ctx, accepted));
  // Awaited by the caller later, after the next handful is rendered: a failure meanwhile must
  // not count as unhandled. In an object: a promise resolved with a promise would wait for it.
  done.catch(() => {});
  return { done };
}

/** Hands one claimed message to the mail server; an accepted one is recorded with its handful. */
async function handOver(
  ctx: SendContext,
  delivery: Delivery,
  email: OutgoingEmail,
  accepted: { id: number; messageId: string; reply: string }[],
): Promise<SendOutcome> {
  const messageId = email.messageId;
  try {
    const { response } = await ctx.transport.send(email);
    accepted.push({ id: delivery.id, messageId, reply: response });
    return { status: 'sent', messageId };
  } catch (error) {
    const failure = classifySmtpError(error);
    if (failure.kind === 'unknown') {
      // The row stays `sending`: a blind re-send could mail the reader twice.
      ctx.log.error({
        event: 'send.unknown',
        delivery: delivery.id,
        messageId,
        error: failure.message,
      });
      return { status: 'unknown', error: failure.message };
    }
    return finishFailed(ctx, delivery, delivery.attempts + 1, failure);
  }
}

/** How often, and after what pauses, a write after the server's accept is tried. */
const RECORD_RETRY_DELAYS_MS = [100, 400, 1600, 4000];

/**
 * Records that the server took these messages. The write is retried over a few seconds (a
 * dropped connection, SQLITE_BUSY); if it never lands, the rows stay `sending` and the
 * messages' ids are logged, so an operator can settle them as sent.
 */
async function recordSent(
  ctx: SendContext,
  accepted: readonly { id: number; messageId: string; reply: string }[],
): Promise<void> {
  if (accepted.length === 0) return;
  for (let attempt = 0; ; attempt++) {
    try {
      await recordDeliveriesSent(ctx.db, accepted, ctx.now());
      for (const { id, messageId, reply } of accepted)
        ctx.log.info({ event: 'send.sent', delivery: id, messageId, response: reply });
      return;
    } catch (error) {
      const delay = RECORD_RETRY_DELAYS_MS[attempt];
      if (delay === undefined) {
        for (const { id, messageId } of accepted)
          ctx.log.error({
            event: 'send.unrecorded',
            delivery: id,
            messageId,
            error: String(error),
          });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

async function finishFailed(
  ctx: SendContext,
  delivery: Delivery,
  attempt: number,
  error: unknown,
): Promise<SendOutcome> {
  const failure = classifySmtpError(error);
  const now = ctx.now();
  if (failure.kind === 'retryable' && attempt < ctx.settings.sendAttempts) {
    await finishDelivery(
      ctx.db,
      delivery.id,
      { status: 'queued', error: failure.message, reply: failure.response },
      now,
    );
    ctx.log.warn({ event: 'send.retry', delivery: delivery.id, attempt, error: failure.response });
    return { status: 'retry', error: failure.response };
  }
  await finishDelivery(
    ctx.db,
    delivery.id,
    { status: 'failed', error: failure.message, reply: failure.response },
    now,
  );
  if (failure.hardBounce) {
    // Refused for good while it was handed over: suppressed like a bounce, with the reply.
    const detail = failure.response.replace(/\s+/g, ' ').trim().slice(0, 500) || null;
    await suppressForBounce(ctx.db, delivery.recipient, 'hard-bounce', detail, now);
  }
  ctx.log.error({
    event: 'send.failed',
    delivery: delivery.id,
    attempt,
    hardBounce: failure.hardBounce,
    error: failure.response,
  });
  return { status: 'failed', error: failure.response };
}
