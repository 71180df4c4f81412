import {
  addressOf,
  enhancedStatusIn,
  type Json,
  list,
  MalformedEventError,
  type MappedEvent,
  messageIdOf,
  obj,
  oneLine,
  parseJson,
  str,
  tagsIn,
  UnauthenticatedEventError,
  unique,
} from './provider-event.js';
import type { SnsCertificates } from './sns-fetch.js';
import {
  checkSnsTimestamp,
  readSnsMessage,
  type SnsMessage,
  signingCertUrl,
  subscribeUrl,
  verifySnsSignature,
} from './sns-signature.js';

/*
 * Amazon SES through SNS: SES publishes bounce and complaint notifications (or, with a
 * configuration set, events) to an SNS topic, and SNS posts them here signed. Only topics in
 * SES_TOPIC_ARNS are taken; the cheap checks (shape, topic, certificate URL) come before any
 * certificate is fetched.
 *
 * Mapping (SES has already decided hard or soft; its decision is taken):
 * - Bounce, bounceType Permanent (General, NoEmail, Suppressed, OnAccountSuppressionList): hard.
 * - Bounce, bounceType Transient (MailboxFull, MessageTooLarge, ContentRejected, …) or
 *   Undetermined: soft.
 * - Complaint: complaint; with complaintFeedbackType not-spam: ignored (recorded, no effect).
 * - DeliveryDelay: ignored (recorded): SES still retries, its final word comes as a Bounce.
 * - Delivery, Send, Open, Click, Reject, Rendering Failure, Subscription: not recorded.
 * One event per bounced or complained recipient, known by SES's feedbackId and the address.
 */

export type SesRequest =
  | { type: 'notification'; topicArn: string; events: MappedEvent[]; eventType: string }
  | { type: 'subscribe'; topicArn: string; subscribeUrl: URL }
  | { type: 'unsubscribed'; topicArn: string };

export interface SesDoor {
  /** SES_TOPIC_ARNS: the only topics whose messages are taken. */
  topicArns: ReadonlySet<string>;
  certificates: SnsCertificates;
  now: () => Date;
}

/**
 * Reads and authenticates one SNS request: {@link MalformedEventError} (400),
 * {@link UnauthenticatedEventError} (403), or the certificate's fetch errors (503).
 */
export async function readSesRequest(body: Buffer, door: SesDoor): Promise<SesRequest> {
  const message = readSnsMessage(body);
  if (!door.topicArns.has(message.TopicArn)) {
    throw new UnauthenticatedEventError('the SNS topic is not one of SES_TOPIC_ARNS');
  }
  const certUrl = signingCertUrl(message);
  const confirmUrl = message.Type === 'SubscriptionConfirmation' ? subscribeUrl(message) : null;
  checkSnsTimestamp(message, door.now());
  const key = await door.certificates.publicKey(certUrl);
  if (!verifySnsSignature(message, key)) {
    throw new UnauthenticatedEventError('the SNS message signature does not verify');
  }
  if (confirmUrl)
    return { type: 'subscribe', topicArn: message.TopicArn, subscribeUrl: confirmUrl };
  if (message.Type === 'UnsubscribeConfirmation') {
    return { type: 'unsubscribed', topicArn: message.TopicArn };
  }
  return { type: 'notification', topicArn: message.TopicArn, ...mapSesNotification(message) };
}

/** The events of an authenticated SNS Notification whose Message is an SES notification. */
export function mapSesNotification(message: Pick<SnsMessage, 'MessageId' | 'Message'>): {
  eventType: string;
  events: MappedEvent[];
} {
  const event = obj(parseJson(message.Message, 'SES notification'));
  const eventType = str(event?.notificationType, 40) ?? str(event?.eventType, 40);
  if (!event || eventType === null) {
    throw new MalformedEventError('the SNS message is not an SES notification');
  }
  const mail = obj(event.mail);
  const base = {
    source: 'ses' as const,
    messageIds: messageIdsOf(mail),
    tags: tagsOf(mail),
    raw: message.Message,
  };
  const idOf = (detail: Json | null, recipient: string | null, index: number) =>
    `${str(detail?.feedbackId, 200) ?? `sns-${message.MessageId}`}/${recipient ?? index}`;

  if (eventType === 'Bounce') {
    const bounce = obj(event.bounce);
    const bounceType = str(bounce?.bounceType, 40);
    const kind = bounceType === 'Permanent' ? 'hard' : 'soft';
    const events = list(bounce?.bouncedRecipients).map((entry, index): MappedEvent => {
      const r = obj(entry);
      const recipient = addressOf(r?.emailAddress);
      const diagnostic = oneLine(r?.diagnosticCode);
      return {
        ...base,
        eventId: idOf(bounce, recipient, index),
        kind,
        recipient,
        status: enhancedStatusIn(r?.status) ?? enhancedStatusIn(diagnostic),
        diagnostic:
          diagnostic ??
          oneLine(`SES ${bounceType ?? 'Undetermined'} bounce ${str(bounce?.bounceSubType) ?? ''}`),
      };
    });
    return { eventType, events };
  }
  if (eventType === 'Complaint') {
    const complaint = obj(event.complaint);
    const feedback = str(complaint?.complaintFeedbackType, 40);
    const events = list(complaint?.complainedRecipients).map((entry, index): MappedEvent => {
      const recipient = addressOf(obj(entry)?.emailAddress);
      return {
        ...base,
        eventId: idOf(complaint, recipient, index),
        kind: feedback?.toLowerCase() === 'not-spam' ? 'ignored' : 'complaint',
        recipient,
        status: null,
        diagnostic: oneLine(`SES complaint${feedback ? `: ${feedback}` : ''}`),
      };
    });
    return { eventType, events };
  }
  if (eventType === 'DeliveryDelay') {
    const delay = obj(event.deliveryDelay);
    const events = list(delay?.delayedRecipients).map((entry, index): MappedEvent => {
      const r = obj(entry);
      const recipient = addressOf(r?.emailAddress);
      const diagnostic = oneLine(r?.diagnosticCode);
      return {
        ...base,
        eventId: `delay-sns-${message.MessageId}/${recipient ?? index}`,
        kind: 'ignored',
        recipient,
        status: enhancedStatusIn(r?.status) ?? enhancedStatusIn(diagnostic),
        diagnostic: diagnostic ?? oneLine(`SES delivery delayed: ${str(delay?.delayType) ?? ''}`),
      };
    });
    return { eventType, events };
  }
  return { eventType, events: [] };
}

function headersOf(mail: Json | null): { name: string; value: string }[] {
  return list(mail?.headers).flatMap((entry) => {
    const h = obj(entry);
    const name = str(h?.name, 200);
    const value = str(h?.value, 2000);
    return name !== null && value !== null ? [{ name: name.toLowerCase(), value }] : [];
  });
}

function messageIdsOf(mail: Json | null): string[] {
  const common = obj(mail?.commonHeaders);
  return unique([
    messageIdOf(common?.messageId),
    ...headersOf(mail)
      .filter((h) => h.name === 'message-id')
      .map((h) => messageIdOf(h.value)),
  ]).slice(0, 8);
}

function tagsOf(mail: Json | null): string[] {
  const headers = headersOf(mail)
    .filter((h) => h.name === 'x-bulletin-tag' || h.name === 'return-path')
    .map((h) => h.value);
  // SES message tags (X-SES-MESSAGE-TAGS, configuration sets): { name: [values] }.
  const sesTags = Object.values(obj(mail?.tags) ?? {}).flatMap((values) => list(values));
  return tagsIn([...headers, ...sesTags]);
}
