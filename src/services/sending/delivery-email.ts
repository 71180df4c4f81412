import { createMessageId } from '../../adapters/mail/build-message.js';
import type { OutgoingEmail } from '../../adapters/mail/mail-transport.js';
import { SendFailure } from '../../adapters/mail/smtp-failure.js';
import { signBounceTag, signedMessageIdLocal } from '../../domain/bounce-tag.js';
import type { Delivery } from '../../domain/delivery.js';
import type { DigestContent } from '../../domain/digest-content.js';
import type { Reader } from '../../domain/reader.js';
import type { RenderedEmail } from '../../email/index.js';
import { INVITATION_LIST_ID, renderCampaignDelivery } from '../campaigns/campaign-email.service.js';
import type { SendContext } from '../context.js';
import { renderDigestForReader } from '../digests/reader-email.service.js';
import type { ReaderToEmail } from '../email-reader.js';

/**
 * What names the delivery in whatever comes back about it, each signed for its recipient
 * (src/domain/bounce-tag.ts): the Message-ID (`<delivery-42.<sig>@from-domain>`, the same at
 * every attempt), the VERP envelope sender on the bounce domain when BOUNCE_ADDRESS is set
 * (`bounces+d42-<sig>@mail.example.com`), and the tag alone for the X-Bulletin-Tag header.
 */
export function identityOf(
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
 * Renders the delivery's email for its reader, deciding access now, at send time. A digest's
 * content is given by the caller, who read it for the whole group.
 */
export async function composeDeliveryEmail(
  ctx: SendContext,
  delivery: Delivery,
  reader: ReaderToEmail | undefined,
  content: DigestContent | undefined,
) {
  if (!reader) throw permanent('the reader no longer exists');
  if (delivery.kind === 'campaign') return composeInvitation(ctx, delivery, reader);
  if (delivery.digestId === null) throw permanent('delivery has no digest');
  if (!content) throw permanent('the digest no longer exists');
  const rendered = await renderDigestForReader(ctx, reader, content, delivery.digestId);
  return toOutgoing(ctx, reader, rendered, {
    listId: listIdOf(delivery),
    feedbackId: `${delivery.digestId}:${delivery.kind}:${delivery.cadence ?? 'none'}:bulletin`,
  });
}

/** A campaign's invitation: its own list, so a reader's filters and unsubscribes tell them apart. */
async function composeInvitation(ctx: SendContext, delivery: Delivery, reader: ReaderToEmail) {
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
