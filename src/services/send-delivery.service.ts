import {
  claimDeliveryForSending,
  findDeliveryById,
  finishDelivery,
  setDeliveryMessageId,
} from '../../db/repositories/delivery.repository.js';
import { findReaderById } from '../../db/repositories/reader.repository.js';
import { addSuppression, findSuppression } from '../../db/repositories/suppression.repository.js';
import { createMessageId } from '../adapters/mail/build-message.js';
import { classifySmtpError, SendFailure } from '../adapters/mail/smtp-failure.js';
import type { Delivery } from '../domain/delivery.js';
import type { SendContext } from './context.js';
import { loadDigestContent } from './digest-content.service.js';
import { renderDigestForReader } from './reader-email.service.js';

export type SendOutcome =
  | { status: 'sent'; messageId: string }
  | { status: 'retry'; error: string }
  | { status: 'failed'; error: string }
  | { status: 'suppressed' }
  /** Not ours to send: already sent, failed, or being sent by another process. */
  | { status: 'skipped'; reason: string };

/**
 * Sends one queued delivery. The row moves `queued -> sending` before the message leaves, so
 * only one process sends it; a temporary failure puts it back to `queued` (the caller retries
 * with backoff) until the attempts run out; a permanent one fails it, and a recipient refused
 * for good is suppressed. A row found `sending` is left alone: its outcome is unknown and a
 * blind re-send could mail the reader twice.
 */
export async function sendDelivery(ctx: SendContext, deliveryId: number): Promise<SendOutcome> {
  const delivery = await findDeliveryById(ctx.db, deliveryId);
  if (!delivery) return { status: 'skipped', reason: 'no such delivery' };
  if (delivery.status !== 'queued')
    return { status: 'skipped', reason: `delivery is ${delivery.status}` };

  const suppression = await findSuppression(ctx.db, delivery.recipient);
  if (suppression) {
    await finishDelivery(
      ctx.db,
      delivery.id,
      { status: 'suppressed', error: `suppressed: ${suppression.reason}` },
      ctx.now(),
    );
    ctx.log.info({ event: 'send.suppressed', delivery: delivery.id, reason: suppression.reason });
    return { status: 'suppressed' };
  }
  if (!(await claimDeliveryForSending(ctx.db, delivery.id, ctx.now()))) {
    return { status: 'skipped', reason: 'claimed by another sender' };
  }
  const attempt = delivery.attempts + 1;
  try {
    const messageId = createMessageId(`delivery-${delivery.id}`, ctx.settings.mailFrom.email);
    const email = await composeDeliveryEmail(ctx, delivery);
    await setDeliveryMessageId(ctx.db, delivery.id, messageId);
    const result = await ctx.transport.send({ ...email, messageId });
    await finishDelivery(
      ctx.db,
      delivery.id,
      { status: 'sent', error: null, reply: result.response, messageId },
      ctx.now(),
    );
    ctx.log.info({
      event: 'send.sent',
      delivery: delivery.id,
      messageId,
      response: result.response,
    });
    return { status: 'sent', messageId };
  } catch (error) {
    return handleFailure(ctx, delivery, attempt, error);
  }
}

async function handleFailure(
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
  if (failure.hardBounce) await addSuppression(ctx.db, delivery.recipient, 'hard-bounce', now);
  ctx.log.error({
    event: 'send.failed',
    delivery: delivery.id,
    attempt,
    hardBounce: failure.hardBounce,
    error: failure.response,
  });
  return { status: 'failed', error: failure.response };
}

/** Renders the delivery's email for its reader, deciding access now, at build time. */
async function composeDeliveryEmail(ctx: SendContext, delivery: Delivery) {
  const reader = delivery.readerId ? await findReaderById(ctx.db, delivery.readerId) : undefined;
  if (!reader) throw permanent('the reader no longer exists');
  if (delivery.digestId === null) throw permanent('delivery has no digest');
  const content = await loadDigestContent(ctx.db, delivery.digestId, reader.tz);
  if (!content) throw permanent('the digest no longer exists');
  const rendered = await renderDigestForReader(ctx, reader, content, delivery.digestId);
  return {
    to: { email: reader.email, name: reader.name },
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    unsubscribeUrl: rendered.unsubscribeUrl,
    unsubscribeMailto:
      ctx.settings.unsubscribeMailto &&
      `mailto:${ctx.settings.unsubscribeMailto}?subject=unsubscribe`,
    listId: listIdOf(delivery),
    feedbackId: `${delivery.digestId}:${delivery.kind}:${delivery.cadence ?? 'none'}:bulletin`,
  };
}

function listIdOf(delivery: Delivery): string {
  return delivery.kind === 'alert' ? 'alerts' : `${delivery.cadence ?? 'digest'}-digest`;
}

function permanent(message: string): SendFailure {
  return new SendFailure(message, { kind: 'permanent' });
}
