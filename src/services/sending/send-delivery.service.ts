import { suppressForBounce } from '../../../db/repositories/bounce.repository.js';
import {
  claimDeliveryForSending,
  findDeliveryById,
  finishDelivery,
} from '../../../db/repositories/delivery.repository.js';
import { findReaderById } from '../../../db/repositories/reader.repository.js';
import { hasLiveSubscription } from '../../../db/repositories/subscription.repository.js';
import { createMessageId } from '../../adapters/mail/build-message.js';
import type { OutgoingEmail } from '../../adapters/mail/mail-transport.js';
import { classifySmtpError, SendFailure } from '../../adapters/mail/smtp-failure.js';
import { signBounceTag, signedMessageIdLocal } from '../../domain/bounce-tag.js';
import type { Delivery } from '../../domain/delivery.js';
import type { Reader } from '../../domain/reader.js';
import type { RenderedEmail } from '../../email/index.js';
import {
  holdCampaignDelivery,
  INVITATION_LIST_ID,
  renderCampaignDelivery,
} from '../campaigns/campaign-email.service.js';
import type { SendContext } from '../context.js';
import { loadDigestContent } from '../digests/digest-content.service.js';
import { renderDigestForReader } from '../digests/reader-email.service.js';
import { findAddressSuppression } from '../readers/suppressions.service.js';

export type SendOutcome =
  | { status: 'sent'; messageId: string }
  | { status: 'retry'; error: string }
  | { status: 'failed'; error: string }
  | { status: 'suppressed' }
  /** Handed over with no answer back: left `sending`, for `deliveries resolve`. */
  | { status: 'unknown'; error: string }
  /** Not ours to send: already sent, failed, or being sent by another process. */
  | { status: 'skipped'; reason: string };

/**
 * Sends one queued delivery. The email is rendered first; then the row moves `queued ->
 * sending`, so only one process sends it, and the message leaves. A temporary failure puts it
 * back to `queued` (the caller retries with backoff) until the attempts run out; a permanent
 * one fails it, and a recipient refused for good is suppressed.
 *
 * Once the server has accepted the message, the row never goes back to `queued`: if recording
 * `sent` fails (the database went away), it is retried, and failing that the row stays
 * `sending` (outcome unknown) for a person to settle. A row found `sending` is left alone: a
 * blind re-send could mail the reader twice.
 */
export async function sendDelivery(ctx: SendContext, deliveryId: number): Promise<SendOutcome> {
  const delivery = await findDeliveryById(ctx.db, deliveryId);
  if (!delivery) return { status: 'skipped', reason: 'no such delivery' };
  if (delivery.status !== 'queued')
    return { status: 'skipped', reason: `delivery is ${delivery.status}` };

  if (delivery.kind === 'campaign') {
    const held = await holdCampaignDelivery(ctx, delivery);
    if (held) return { status: 'skipped', reason: held };
  }
  const suppression = await findAddressSuppression(ctx, delivery.recipient);
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
  // Read once: whether the reader still takes this list, and whom the email is for.
  const reader = delivery.readerId ? await findReaderById(ctx.db, delivery.readerId) : undefined;
  if (!reader) {
    // Erased (or removed) since the email was built: settled without mailing anyone.
    await finishDelivery(
      ctx.db,
      delivery.id,
      { status: 'suppressed', error: 'the reader no longer exists' },
      ctx.now(),
    );
    ctx.log.info({ event: 'send.suppressed', delivery: delivery.id, reason: 'reader-gone' });
    return { status: 'suppressed' };
  }
  if (await leftItsList(ctx, delivery, reader)) {
    // One-click unsubscribe from this list, or a pause, since the digest was built: it takes
    // effect before the next send, this one included.
    await finishDelivery(
      ctx.db,
      delivery.id,
      {
        status: 'suppressed',
        error: `the reader no longer takes ${delivery.kind === 'campaign' ? 'marketing' : delivery.cadence} emails`,
      },
      ctx.now(),
    );
    ctx.log.info({ event: 'send.suppressed', delivery: delivery.id, reason: 'list-left' });
    return { status: 'suppressed' };
  }
  const attempt = delivery.attempts + 1;
  const identity = identityOf(ctx, delivery);
  const messageId = identity.messageId;
  // Rendered before the claim: a crash while rendering leaves the row `queued`, to be sent.
  let email: OutgoingEmail;
  try {
    email = { ...(await composeDeliveryEmail(ctx, delivery, reader)), ...identity };
  } catch (error) {
    return finishFailed(ctx, delivery, attempt, error);
  }
  if (!(await claimDeliveryForSending(ctx.db, delivery.id, messageId, ctx.now()))) {
    return { status: 'skipped', reason: 'claimed by another sender' };
  }
  let response: string;
  try {
    response = (await ctx.transport.send(email)).response;
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
    return finishFailed(ctx, delivery, attempt, failure);
  }
  await recordSent(ctx, delivery.id, messageId, response);
  return { status: 'sent', messageId };
}

/**
 * What names the delivery in whatever comes back about it, each signed for its recipient
 * (src/domain/bounce-tag.ts): the Message-ID (`<delivery-42.<sig>@from-domain>`, the same at
 * every attempt), the VERP envelope sender on the bounce domain when BOUNCE_ADDRESS is set
 * (`bounces+d42-<sig>@mail.example.com`), and the tag alone for the X-Bulletin-Tag header.
 */
function identityOf(
  ctx: SendContext,
  delivery: Delivery,
): Pick<OutgoingEmail, 'messageId' | 'envelopeFrom' | 'bounceTag'> {
  const local = signedMessageIdLocal(ctx.secretKey, delivery.id, delivery.recipient);
  const bounceTag = signBounceTag(ctx.secretKey, delivery.id, delivery.recipient);
  const bounce = ctx.settings.bounce.address;
  return {
    messageId: createMessageId(local, ctx.settings.mailFrom.email),
    envelopeFrom: bounce ? `${bounce.local}+${bounceTag}@${bounce.domain}` : null,
    bounceTag,
  };
}

/**
 * A digest or alert whose reader has since left its cadence (or paused everything), or an
 * invitation whose reader has since withdrawn marketing consent.
 */
async function leftItsList(
  ctx: SendContext,
  delivery: Delivery,
  reader: Reader | undefined,
): Promise<boolean> {
  if (delivery.readerId === null) return false;
  if (delivery.kind === 'campaign') return reader !== undefined && !reader.marketingConsent;
  if (delivery.cadence === null) return false;
  return !(await hasLiveSubscription(ctx.db, delivery.readerId, delivery.cadence, ctx.now()));
}

/** How often, and after what pauses, a write after the server's accept is tried. */
const RECORD_RETRY_DELAYS_MS = [100, 400, 1600, 4000];

/**
 * Records that the server took the message. The write is retried over a few seconds (a
 * dropped connection, SQLITE_BUSY); if it never lands, the row stays `sending` and the
 * message's id is logged, so an operator can settle it as sent.
 */
async function recordSent(
  ctx: SendContext,
  deliveryId: number,
  messageId: string,
  response: string,
): Promise<void> {
  const outcome = { status: 'sent' as const, error: null, reply: response, messageId };
  for (let attempt = 0; ; attempt++) {
    try {
      await finishDelivery(ctx.db, deliveryId, outcome, ctx.now());
      ctx.log.info({ event: 'send.sent', delivery: deliveryId, messageId, response });
      return;
    } catch (error) {
      const delay = RECORD_RETRY_DELAYS_MS[attempt];
      if (delay === undefined) {
        ctx.log.error({
          event: 'send.unrecorded',
          delivery: deliveryId,
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

/** Renders the delivery's email for its reader, deciding access now, at build time. */
async function composeDeliveryEmail(
  ctx: SendContext,
  delivery: Delivery,
  reader: Reader | undefined,
) {
  if (!reader) throw permanent('the reader no longer exists');
  if (delivery.kind === 'campaign') return composeInvitation(ctx, delivery, reader);
  if (delivery.digestId === null) throw permanent('delivery has no digest');
  const content = await loadDigestContent(ctx.db, delivery.digestId, reader.tz);
  if (!content) throw permanent('the digest no longer exists');
  const rendered = await renderDigestForReader(ctx, reader, content, delivery.digestId);
  return toOutgoing(ctx, reader, rendered, {
    listId: listIdOf(delivery),
    feedbackId: `${delivery.digestId}:${delivery.kind}:${delivery.cadence ?? 'none'}:bulletin`,
  });
}

/** A campaign's invitation: its own list, so a reader's filters and unsubscribes tell them apart. */
async function composeInvitation(ctx: SendContext, delivery: Delivery, reader: Reader) {
  const invitation = await renderCampaignDelivery(ctx, delivery, reader);
  if (!invitation) throw permanent('the campaign no longer exists');
  const { campaign, rendered } = invitation;
  return toOutgoing(ctx, reader, rendered, {
    listId: INVITATION_LIST_ID,
    feedbackId: `${campaign.id}:campaign:trial:bulletin`,
  });
}

/** A rendered email addressed to its reader, with the list headers every email carries. */
function toOutgoing(
  ctx: SendContext,
  reader: Reader,
  rendered: RenderedEmail,
  list: { listId: string; feedbackId: string },
) {
  return {
    to: { email: reader.email, name: reader.name },
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    unsubscribeUrl: rendered.unsubscribeUrl,
    unsubscribeMailto:
      ctx.settings.unsubscribeMailto &&
      `mailto:${ctx.settings.unsubscribeMailto}?subject=unsubscribe`,
    ...list,
  };
}

function listIdOf(delivery: Delivery): string {
  return delivery.kind === 'alert' ? 'alerts' : `${delivery.cadence ?? 'digest'}-digest`;
}

function permanent(message: string): SendFailure {
  return new SendFailure(message, { kind: 'permanent' });
}
