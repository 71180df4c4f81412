import { type KeyObject, verify, X509Certificate } from 'node:crypto';
import {
  MalformedEventError,
  obj,
  parseJson,
  str,
  UnauthenticatedEventError,
} from './provider-event.js';

/*
 * Amazon SNS message signatures (SignatureVersion 1: RSA with SHA-1; 2: RSA with SHA-256),
 * verified as Amazon's guide says: the string to sign is rebuilt from the message's fields,
 * the public key is the certificate at SigningCertURL, and that certificate is fetched only
 * over HTTPS from an SNS host of Amazon's (`sns.<region>.amazonaws.com`, or `.amazonaws.com.cn`
 * in the China regions). Any other URL is refused before anything is fetched.
 */

export interface SnsMessage {
  Type: 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: '1' | '2';
  Signature: string;
  SigningCertURL: string;
  Subject?: string;
  SubscribeURL?: string;
  Token?: string;
}

const TYPES = new Set(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']);
/** An SNS message is at most 256 KB; its envelope adds little. */
const MESSAGE_MAX = 300 * 1024;

/** The SNS envelope of a request body, its fields checked; {@link MalformedEventError} if not. */
export function readSnsMessage(body: Buffer | string): SnsMessage {
  const json = obj(parseJson(body, 'SNS'));
  if (!json) throw new MalformedEventError('the body is not an SNS message');
  const type = str(json.Type, 40);
  if (type === null || !TYPES.has(type)) {
    throw new MalformedEventError('the body is not an SNS message (Type)');
  }
  const field = (name: string, max = 2048): string => {
    const value = json[name];
    if (typeof value !== 'string' || value === '' || value.length > max) {
      throw new MalformedEventError(`the SNS message has no usable ${name}`);
    }
    return value;
  };
  const optional = (name: string, max = 2048): string | undefined =>
    json[name] === undefined || json[name] === null ? undefined : field(name, max);
  const version = field('SignatureVersion', 4);
  if (version !== '1' && version !== '2') {
    throw new UnauthenticatedEventError(`SNS SignatureVersion ${version} is not supported`);
  }
  const message: SnsMessage = {
    Type: type as SnsMessage['Type'],
    MessageId: field('MessageId', 200),
    TopicArn: field('TopicArn', 300),
    Message: field('Message', MESSAGE_MAX),
    Timestamp: field('Timestamp', 40),
    SignatureVersion: version,
    Signature: field('Signature', 4096),
    SigningCertURL: field('SigningCertURL'),
  };
  const subject = optional('Subject', 200);
  if (subject !== undefined) message.Subject = subject;
  if (type !== 'Notification') {
    message.SubscribeURL = field('SubscribeURL');
    message.Token = field('Token', 1024);
  }
  return message;
}

/** The string SNS signed: named fields in this order, each `Name\nvalue\n`. */
export function snsStringToSign(message: SnsMessage): string {
  const names =
    message.Type === 'Notification'
      ? (['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const)
      : ([
          'Message',
          'MessageId',
          'SubscribeURL',
          'Timestamp',
          'Token',
          'TopicArn',
          'Type',
        ] as const);
  let text = '';
  for (const name of names) {
    const value = message[name];
    if (value !== undefined) text += `${name}\n${value}\n`;
  }
  return text;
}

const SNS_HOST = /^sns\.[a-z0-9-]{3,40}\.amazonaws\.com(?:\.cn)?$/;

/** Whether a URL is `https://sns.<region>.amazonaws.com/…` on the default port, no user. */
export function isSnsHostUrl(text: string): URL | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  const plain = url.protocol === 'https:' && url.port === '' && !url.username && !url.password;
  return plain && SNS_HOST.test(url.hostname) ? url : null;
}

/** The certificate URL of a message, or {@link UnauthenticatedEventError} when not Amazon's. */
export function signingCertUrl(message: SnsMessage): URL {
  const url = isSnsHostUrl(message.SigningCertURL);
  if (url?.pathname.endsWith('.pem') && url.search === '') return url;
  throw new UnauthenticatedEventError(
    'the SNS SigningCertURL is not an https://sns.<region>.amazonaws.com/ certificate',
  );
}

/** The SubscribeURL of a confirmation, checked to be SNS's ConfirmSubscription for its topic. */
export function subscribeUrl(message: SnsMessage): URL {
  const url = isSnsHostUrl(message.SubscribeURL ?? '');
  const ok =
    url !== null &&
    url.searchParams.get('Action') === 'ConfirmSubscription' &&
    url.searchParams.get('TopicArn') === message.TopicArn &&
    (url.searchParams.get('Token') ?? '') !== '';
  if (!ok) {
    throw new UnauthenticatedEventError(
      'the SNS SubscribeURL is not a ConfirmSubscription on https://sns.<region>.amazonaws.com/',
    );
  }
  return url as URL;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Whether the message's signature verifies with this public key. Never throws. */
export function verifySnsSignature(message: SnsMessage, key: KeyObject): boolean {
  if (!BASE64.test(message.Signature)) return false;
  const algorithm = message.SignatureVersion === '1' ? 'sha1' : 'sha256';
  try {
    return verify(
      algorithm,
      Buffer.from(snsStringToSign(message), 'utf8'),
      key,
      Buffer.from(message.Signature, 'base64'),
    );
  } catch {
    return false;
  }
}

/** Refused messages older than this: SNS gives up retrying an HTTP endpoint within an hour. */
export const SNS_MAX_AGE_MS = 24 * 3600_000;
const FUTURE_SKEW_MS = 15 * 60_000;

/** {@link UnauthenticatedEventError} unless the message's Timestamp is recent. */
export function checkSnsTimestamp(message: SnsMessage, now: Date): void {
  const at = Date.parse(message.Timestamp);
  if (!Number.isFinite(at)) throw new MalformedEventError('the SNS Timestamp is not a time');
  const age = now.getTime() - at;
  if (age > SNS_MAX_AGE_MS || age < -FUTURE_SKEW_MS) {
    throw new UnauthenticatedEventError('the SNS message is too old or from the future');
  }
}

/** A fetched certificate's public key, refused when it is not a certificate valid now. */
export function publicKeyOfCertificate(pem: string, now: Date): KeyObject {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw new UnauthenticatedEventError('the SNS signing certificate is not a certificate');
  }
  const from = Date.parse(certificate.validFrom);
  const to = Date.parse(certificate.validTo);
  if (!(from <= now.getTime() && now.getTime() <= to)) {
    throw new UnauthenticatedEventError('the SNS signing certificate is not valid now');
  }
  return certificate.publicKey;
}
