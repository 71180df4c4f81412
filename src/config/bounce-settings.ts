import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { parseDurationSetting, parseMailbox, parseUrl, parseWith } from './setting-parsers.js';
import { SettingsError, shownValue } from './settings-error.js';

/*
 * Where bounces and complaints come back, how many soft bounces suppress an address, and the
 * secrets that authenticate each provider's webhook (README, "Settings"). Read here, checked
 * here; the listeners and the webhooks are built elsewhere on what this returns.
 */

export interface BounceSettings {
  /** BOUNCE_ADDRESS: the VERP envelope sender's base (`bounces@mail.example.com`); null: MAIL_FROM. */
  address: { local: string; domain: string } | null;
  /** Soft bounces of distinct deliveries, with no successful delivery between, that suppress. */
  softLimit: number;
  /** How far back those soft bounces are counted. */
  softWindowMs: number;
  /** The receiving SMTP server's port for the bounce domain; null: none. */
  smtpPort: number | null;
  /** The mailbox polled for bounces; null: none. */
  imap: ImapSetting | null;
}

/** BOUNCE_IMAP_URL, read: `imaps://user:pass@host:993/INBOX`. */
export interface ImapSetting {
  /** The URL as given (show it with maskUrlPassword). */
  url: string;
  host: string;
  port: number;
  /** TLS from the start (`imaps:`); `imap:` upgrades with STARTTLS when the server offers it. */
  secure: boolean;
  user: string;
  password: string;
  /** The folder bounces arrive in (the URL's path, decoded); INBOX when the URL names none. */
  mailbox: string;
}

/** The secrets of the provider webhooks; each null while that provider's webhook is off. */
export interface WebhookSettings {
  /** Postmark: the basic-auth user and password put in the webhook's URL. */
  postmark: { user: string; password: string } | null;
  /** SendGrid's signed event webhook: its ECDSA public key (base64 DER, as SendGrid shows it, or PEM). */
  sendgridPublicKey: string | null;
  /** Mailgun's HTTP webhook signing key (HMAC-SHA256). */
  mailgunSigningKey: string | null;
  /**
   * SES_TOPIC_ARNS: the SNS topics whose notifications are taken. Amazon signs every topic's
   * messages, anyone's included, so the topic is what makes a notification ours; empty: the
   * SES door is closed.
   */
  sesTopicArns: string[];
}

const SNS_TOPIC_ARN = /^arn:aws(-cn|-us-gov)?:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/**
 * A VERP address is `<local>+d<delivery id>-<16-character signature>@<domain>`: up to 34
 * characters after the local part, and RFC 5321 allows 64 in all.
 */
const LOCAL_PART_MAX = 64 - 34;

type Read = (name: string) => string | undefined;

export function parseBounceSettings(read: Read): BounceSettings {
  const text = read('BOUNCE_ADDRESS');
  return {
    address: text === undefined ? null : parseBounceAddress(text),
    softLimit: parseWith(
      'BOUNCE_SOFT_LIMIT',
      read('BOUNCE_SOFT_LIMIT') ?? '3',
      z
        .string()
        .regex(/^\d+$/, 'must be a whole number of soft bounces')
        .transform(Number)
        .pipe(z.number().min(1, 'must be at least 1').max(1000, 'must be at most 1000')),
    ),
    softWindowMs: parseWindow(read('BOUNCE_SOFT_WINDOW') ?? '30d'),
    smtpPort: parseBouncePort(read('BOUNCE_SMTP_PORT')),
    imap: parseImapUrl(read('BOUNCE_IMAP_URL')),
  };
}

export function parseWebhookSettings(read: Read): WebhookSettings {
  const user = read('POSTMARK_WEBHOOK_USER');
  const password = read('POSTMARK_WEBHOOK_PASSWORD');
  if ((user === undefined) !== (password === undefined)) {
    const missing = user === undefined ? 'POSTMARK_WEBHOOK_USER' : 'POSTMARK_WEBHOOK_PASSWORD';
    throw new SettingsError(
      missing,
      "Postmark's webhook needs POSTMARK_WEBHOOK_USER and POSTMARK_WEBHOOK_PASSWORD together; this one is missing",
    );
  }
  if (password !== undefined && password.length < 16) {
    throw new SettingsError(
      'POSTMARK_WEBHOOK_PASSWORD',
      `must be at least 16 characters${shownValue('POSTMARK_WEBHOOK_PASSWORD', password)}`,
    );
  }
  const mailgun = read('MAILGUN_WEBHOOK_SIGNING_KEY');
  if (mailgun !== undefined && mailgun.length < 16) {
    throw new SettingsError(
      'MAILGUN_WEBHOOK_SIGNING_KEY',
      `is shorter than a Mailgun signing key${shownValue('MAILGUN_WEBHOOK_SIGNING_KEY', mailgun)}`,
    );
  }
  return {
    postmark: user !== undefined && password !== undefined ? { user, password } : null,
    sendgridPublicKey: parseSendgridKey(read('SENDGRID_WEBHOOK_PUBLIC_KEY')),
    mailgunSigningKey: mailgun ?? null,
    sesTopicArns: parseTopicArns(read('SES_TOPIC_ARNS')),
  };
}

function parseTopicArns(text: string | undefined): string[] {
  const arns = (text ?? '').split(/[\s,]+/).filter((arn) => arn !== '');
  for (const arn of arns) {
    if (!SNS_TOPIC_ARN.test(arn)) {
      throw new SettingsError(
        'SES_TOPIC_ARNS',
        `each must be an SNS topic ARN like arn:aws:sns:eu-west-1:123456789012:bounces (got ${JSON.stringify(arn)})`,
      );
    }
  }
  return arns;
}

function parseBounceAddress(text: string): { local: string; domain: string } {
  const { email } = parseMailbox('BOUNCE_ADDRESS', text);
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1).toLowerCase();
  // The tag goes after a `+`; an address that has one already would be read two ways.
  if (!/^[A-Za-z0-9._-]+$/.test(local) || local.length > LOCAL_PART_MAX) {
    throw new SettingsError(
      'BOUNCE_ADDRESS',
      `its local part must be at most ${LOCAL_PART_MAX} letters, digits, dots, dashes or underscores (the delivery's tag is added after a +)${shownValue('BOUNCE_ADDRESS', text)}`,
    );
  }
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) {
    throw new SettingsError(
      'BOUNCE_ADDRESS',
      `must be on a domain name like mail.example.com${shownValue('BOUNCE_ADDRESS', text)}`,
    );
  }
  return { local, domain };
}

function parseWindow(text: string): number {
  const ms = parseDurationSetting('BOUNCE_SOFT_WINDOW', text);
  if (ms < 3_600_000 || ms > 366 * 86_400_000) {
    throw new SettingsError(
      'BOUNCE_SOFT_WINDOW',
      `must be between 1h and 366d${shownValue('BOUNCE_SOFT_WINDOW', text)}`,
    );
  }
  return ms;
}

/** Like PORT; 0 asks the system for a free port (tests). */
function parseBouncePort(value: string | undefined): number | null {
  if (value === undefined) return null;
  return parseWith(
    'BOUNCE_SMTP_PORT',
    value,
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().max(65535, 'must be a port number (0-65535)')),
  );
}

function parseImapUrl(value: string | undefined): ImapSetting | null {
  if (value === undefined) return null;
  const text = parseUrl('BOUNCE_IMAP_URL', value, ['imap:', 'imaps:'], { needsHost: true });
  const url = new URL(text);
  const user = decode('BOUNCE_IMAP_URL', url.username);
  const password = decode('BOUNCE_IMAP_URL', url.password);
  if (!user || !password) {
    throw new SettingsError(
      'BOUNCE_IMAP_URL',
      `must name the mailbox's user and password (imaps://user:password@host/INBOX)${shownValue('BOUNCE_IMAP_URL', value)}`,
    );
  }
  const secure = url.protocol === 'imaps:';
  const mailbox = decode('BOUNCE_IMAP_URL', url.pathname.replace(/^\/+|\/+$/g, '')) || 'INBOX';
  return {
    url: text,
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 993 : 143,
    secure,
    user,
    password,
    mailbox,
  };
}

function decode(variable: string, part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new SettingsError(variable, 'has a malformed %-escape in it');
  }
}

/**
 * SendGrid shows the key as base64 of its DER form; a PEM is taken too. It is parsed here so a
 * pasted fragment stops the start instead of refusing every event.
 */
function parseSendgridKey(value: string | undefined): string | null {
  if (value === undefined) return null;
  try {
    const key = value.includes('-----BEGIN')
      ? createPublicKey(value.replace(/\\n/g, '\n'))
      : createPublicKey({ key: Buffer.from(value, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ec') throw new Error('not an EC key');
  } catch {
    throw new SettingsError(
      'SENDGRID_WEBHOOK_PUBLIC_KEY',
      `is not an ECDSA public key (the base64 text SendGrid shows, or PEM)${shownValue('SENDGRID_WEBHOOK_PUBLIC_KEY', value)}`,
    );
  }
  return value;
}
