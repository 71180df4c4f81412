import { createPrivateKey, randomBytes } from 'node:crypto';
import type { DKIMOptions, SendMailOptions } from 'nodemailer';
import type { DkimSettings, OutgoingEmail } from './mail-transport.js';
import { SendFailure } from './smtp-failure.js';

/**
 * Headers the DKIM signature covers. Set explicitly: a receiver honours one-click
 * unsubscribe only when List-Unsubscribe and List-Unsubscribe-Post are both signed.
 */
export const DKIM_SIGNED_HEADERS = [
  'From',
  'To',
  'Subject',
  'Date',
  'Message-ID',
  'MIME-Version',
  'Content-Type',
  'List-Unsubscribe',
  'List-Unsubscribe-Post',
  'List-Id',
  'Feedback-ID',
] as const;

const MESSAGE_ID = /^<([^<>@\s]+)@([^<>@\s]+)>$/;

/**
 * Multipart boundaries: random once per process, then counted. nodemailer would draw random
 * bytes for every MIME part of every message, a system call each, which cost a tenth of a
 * millisecond a message; a boundary need only be absent from the parts it separates.
 */
const BOUNDARY_BASE = randomBytes(8).toString('hex');
let boundaryCount = 0;
function nextBaseBoundary(): string {
  boundaryCount = (boundaryCount + 1) % Number.MAX_SAFE_INTEGER;
  return `${BOUNDARY_BASE}${boundaryCount.toString(36)}`;
}

/** The domain of the From address, which Message-IDs and List-Ids are made on. */
export function messageIdDomain(fromEmail: string): string {
  const at = fromEmail.lastIndexOf('@');
  const domain = fromEmail
    .slice(at + 1)
    .trim()
    .toLowerCase();
  if (at < 1 || !/^[a-z0-9.-]+$/.test(domain)) {
    throw new Error(
      `MAIL_FROM is not an email address with a domain: ${JSON.stringify(fromEmail)}`,
    );
  }
  return domain;
}

/**
 * A Message-ID on the From domain from a caller-chosen key such as `delivery-42`, so the same
 * delivery always gets the same id (and, in the outbox, the same file).
 */
export function createMessageId(key: string, fromEmail: string): string {
  const local = key.replace(/[^A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+/g, '-');
  return `<${local}@${messageIdDomain(fromEmail)}>`;
}

/**
 * The nodemailer message for one outgoing email: multipart/alternative (text first), one
 * List-Unsubscribe header (https URL, then the mailto if any), List-Unsubscribe-Post,
 * List-Id and Feedback-ID. Throws a permanent {@link SendFailure} when the Message-ID is not
 * `<local@from-domain>`.
 */
export function buildMessage(
  email: OutgoingEmail,
  from: { email: string; name: string },
): SendMailOptions {
  const domain = messageIdDomain(from.email);
  const id = MESSAGE_ID.exec(email.messageId.trim());
  if (!id || id[2]?.toLowerCase() !== domain) {
    const reason = `Message-ID must be <local@${domain}>, got ${JSON.stringify(email.messageId)}`;
    throw new SendFailure(reason, { kind: 'permanent' });
  }
  // A nested array makes ONE List-Unsubscribe header; a flat array would make two, and
  // a signature then covers only the last of them.
  const unsubscribe = email.unsubscribeMailto
    ? [[email.unsubscribeUrl, email.unsubscribeMailto]]
    : email.unsubscribeUrl;
  return {
    from: { name: oneLine(from.name), address: from.email },
    envelope: { from: envelopeSenderOf(email, from), to: [email.to.email] },
    to: email.to.name ? { name: oneLine(email.to.name), address: email.to.email } : email.to.email,
    subject: oneLine(email.subject),
    text: toCrlf(email.text),
    html: toCrlf(email.html),
    messageId: email.messageId.trim(),
    baseBoundary: nextBaseBoundary(),
    date: email.date ?? new Date(),
    list: { unsubscribe, id: `${listLabel(email.listId)}.${domain}` },
    headers: {
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'Feedback-ID': oneLine(email.feedbackId),
      ...(email.bounceTag ? bounceTagHeaders(oneLine(email.bounceTag)) : {}),
    },
    // Our text is mostly Latin: quoted-printable is what nodemailer would pick, and saying so
    // spares it a scan of every character of every message.
    textEncoding: 'quoted-printable',
    // Rendered HTML never needs to pull local files or URLs into the message.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/**
 * The delivery's bounce tag where each relay hands it back in its events: our own header
 * (echoed by SES and Mailgun), Postmark's metadata (its events do not carry our Message-ID)
 * and SendGrid's unique arguments (its spam reports and unsubscribes carry no smtp-id). A
 * relay strips its own header; elsewhere they are inert. The tag is letters, digits and `-`.
 */
function bounceTagHeaders(
  tag: string,
): Record<string, string | { prepared: boolean; value: string }> {
  return {
    'X-Bulletin-Tag': tag,
    'X-PM-Metadata-bulletin-tag': tag,
    // As it is: SendGrid reads the JSON, which an encoded word (for its quotes) would hide.
    'X-SMTPAPI': { prepared: true, value: JSON.stringify({ unique_args: { bulletin_tag: tag } }) },
  };
}

const ENVELOPE_ADDRESS = /^[^\s<>@]+@[^\s<>@]+$/;

/**
 * The envelope sender of an email: its VERP address when it has one, else the From address.
 * A value that is not a bare address is a bug upstream, refused rather than sent as a header.
 */
export function envelopeSenderOf(email: OutgoingEmail, from: { email: string }): string {
  const sender = email.envelopeFrom ?? from.email;
  if (!ENVELOPE_ADDRESS.test(sender)) {
    throw new SendFailure(`the envelope sender is not an address: ${JSON.stringify(sender)}`, {
      kind: 'permanent',
    });
  }
  return sender;
}

/**
 * nodemailer's `dkim` option for the settings. Checks the key up front so a bad
 * DKIM_PRIVATE_KEY stops start-up instead of silently sending unsigned mail.
 */
export function buildDkimOptions(dkim: DkimSettings): DKIMOptions {
  try {
    createPrivateKey(dkim.privateKey);
  } catch {
    throw new Error('DKIM_PRIVATE_KEY is not a readable PEM private key');
  }
  return {
    domainName: dkim.domain,
    keySelector: dkim.selector,
    privateKey: dkim.privateKey,
    headerFieldNames: DKIM_SIGNED_HEADERS.join(':'),
  };
}

/**
 * Bodies go out with CRLF line ends, as SMTP carries them: otherwise a 7bit part keeps bare
 * LFs, the outbox file differs from the bytes on the wire, and some DKIM verifiers disagree.
 */
function toCrlf(value: string): string {
  return value.replace(/\r\n|\r|\n/g, '\r\n');
}

/** Header text cannot span lines; nodemailer would turn them into spaces too, but quietly. */
function oneLine(value: string): string {
  return value.replace(/[\r\n\t]+/g, ' ').trim();
}

/** A List-Id label is a dot-atom: keep letters, digits and dashes. */
function listLabel(listId: string): string {
  const label = listId
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return label || 'bulletin';
}
