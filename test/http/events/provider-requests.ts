import { createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/*
 * Requests as each provider sends them, signed in the test with secrets made in the test:
 * what Bulletin's doors must take, and what a forger could send instead.
 */

export const POSTMARK = { user: 'postmark-hooks', password: randomBytes(18).toString('base64url') };
export const MAILGUN_KEY = randomBytes(24).toString('hex');

const sendgridPair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
export const SENDGRID_PUBLIC_KEY = sendgridPair.publicKey
  .export({ format: 'der', type: 'spki' })
  .toString('base64');

/** The settings that open the Postmark, SendGrid and Mailgun doors. */
export const WEBHOOK_ENV = {
  POSTMARK_WEBHOOK_USER: POSTMARK.user,
  POSTMARK_WEBHOOK_PASSWORD: POSTMARK.password,
  SENDGRID_WEBHOOK_PUBLIC_KEY: SENDGRID_PUBLIC_KEY,
  MAILGUN_WEBHOOK_SIGNING_KEY: MAILGUN_KEY,
};

export interface SignedRequest {
  headers: Record<string, string>;
  payload: string;
}

export function postmarkRequest(
  event: object,
  pair = `${POSTMARK.user}:${POSTMARK.password}`,
): SignedRequest {
  return {
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(pair).toString('base64')}`,
    },
    payload: JSON.stringify(event),
  };
}

export function postmarkBounce(email: string, tag: string, type = 'HardBounce') {
  return {
    RecordType: 'Bounce',
    ID: Number.parseInt(randomBytes(4).toString('hex'), 16),
    Type: type,
    TypeCode: 1,
    MessageID: '883953f4-6105-42a2-a16a-77a8eac79483',
    Metadata: { 'bulletin-tag': tag },
    Description:
      'The server was unable to deliver your message (ex: unknown user, mailbox not found).',
    Details: 'smtp;550 5.1.1 The email account that you tried to reach does not exist.',
    Email: email,
    BouncedAt: new Date().toISOString(),
  };
}

export function sendgridRequest(events: object[], at = new Date()): SignedRequest {
  const payload = JSON.stringify(events);
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signature = sign('sha256', Buffer.from(timestamp + payload), {
    key: sendgridPair.privateKey,
    dsaEncoding: 'der',
  }).toString('base64');
  return {
    headers: {
      'content-type': 'application/json',
      'x-twilio-email-event-webhook-signature': signature,
      'x-twilio-email-event-webhook-timestamp': timestamp,
    },
    payload,
  };
}

export function sendgridEvent(email: string, messageId: string, event: string) {
  return {
    email,
    timestamp: Math.floor(Date.now() / 1000),
    'smtp-id': messageId,
    event,
    sg_event_id: randomBytes(12).toString('base64url'),
    sg_message_id: `${randomBytes(8).toString('hex')}.filter0001`,
  };
}

export function mailgunRequest(
  eventData: object,
  key = MAILGUN_KEY,
  at = new Date(),
): SignedRequest {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const token = randomBytes(25).toString('hex');
  const signature = createHmac('sha256', key)
    .update(timestamp + token)
    .digest('hex');
  return {
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({
      signature: { timestamp, token, signature },
      'event-data': eventData,
    }),
  };
}

export function mailgunFailure(recipient: string, messageId: string) {
  return {
    id: randomBytes(11).toString('base64url'),
    event: 'failed',
    severity: 'permanent',
    reason: 'bounce',
    recipient,
    timestamp: Date.now() / 1000,
    'delivery-status': { code: 550, message: '5.1.1 The email account does not exist' },
    // Mailgun keeps the Message-ID without its angle brackets.
    message: { headers: { 'message-id': messageId.replace(/^<|>$/g, '') } },
  };
}
