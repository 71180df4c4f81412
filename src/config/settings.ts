import path from 'node:path';
import { z } from 'zod';
import {
  type BounceSettings,
  parseBounceSettings,
  parseWebhookSettings,
  type WebhookSettings,
} from './bounce-settings.js';
import { type DkimSetting, parseDkim } from './dkim-key.js';
import { parseRetention } from './retention-setting.js';
import {
  type DatabaseSetting,
  parseBoolean,
  parseByteSize,
  parseConcurrency,
  parseDatabaseUrl,
  parseDurationSetting,
  parseMailbox,
  parseMetricsPort,
  parseSwitch,
  parseUrl,
  parseWith,
} from './setting-parsers.js';
import { SettingsError } from './settings-error.js';

// Callers import everything about settings from this file alone.
export type { BounceSettings, ImapSetting, WebhookSettings } from './bounce-settings.js';
export type { DkimSetting } from './dkim-key.js';
export type { DatabaseSetting } from './setting-parsers.js';
export { SettingsError } from './settings-error.js';

/** Settings parsed once at start from the environment (README, "Settings"). */
export interface Settings {
  varDir: string;
  database: DatabaseSetting;
  redis: { url: string; explicit: boolean };
  queuePrefix: string;
  smtpUrl: string | null;
  publicBaseUrl: string;
  trialUrl: string;
  /** Null means: use (or generate) `$VAR_DIR/secret.key`. */
  secretKey: string | null;
  /** The key in use before a rotation: links it signed still verify; it never signs. */
  secretKeyPrevious: string | null;
  /** Whether trial redirects carry the reader's address (to prefill the sign-up form). */
  trialPrefillEmail: boolean;
  /** Largest webhook body accepted, in bytes; larger ones are refused with 413. */
  ingestBodyLimit: number;
  mailFrom: { email: string; name: string };
  postalAddress: string;
  /** An address that unsubscribes whoever writes to it, offered beside the one-click URL. */
  unsubscribeMailto: string | null;
  /** Placeholders still in use (MAIL_FROM, POSTAL_ADDRESS): warned about at start. */
  placeholders: string[];
  /** `privateKey` is always the PEM text: a path given in DKIM_PRIVATE_KEY is read at start. */
  dkim: DkimSetting | null;
  port: number;
  apiToken: string | null;
  adminPassword: string | null;
  alertWindowMs: number;
  sendRate: number;
  /** How many times a send is tried on temporary failures (4xx, dropped connection). */
  sendAttempts: number;
  /** First retry delay after a temporary send failure; doubles each time. */
  sendRetryDelayMs: number;
  /** Stories one digest email shows; the rest are counted in an "and N more" line. */
  digestMaxStories: number;
  /** No prospect gets two campaigns closer together than this. */
  campaignCooldownMs: number;
  logLevel: string;
  /** `json` (one object a line, for collectors) or `pretty` (coloured lines, for a terminal). */
  logFormat: 'json' | 'pretty';
  /** Where a worker or scheduler without a web server serves `/metrics`; null: nowhere. */
  metricsPort: number | null;
  /**
   * Jobs a process runs at once, per queue. Sends stay at or below the SMTP pool's size, so a
   * send marked `sending` always has a connection in hand.
   */
  concurrency: { ingest: number; digest: number; send: number };
  /** Whether feeds may be fetched from loopback and private addresses (FEEDS_ALLOW_PRIVATE). */
  feedsAllowPrivate: boolean;
  /** Whether messages are composed and handed to the mail server on a thread of their own. */
  mailThread: boolean;
  /** Where bounces come back and when soft bounces suppress (BOUNCE_*). */
  bounce: BounceSettings;
  /** Deliveries, matches, trial clicks, bounces and stories' bodies older than this are deleted. */
  retentionMs: number;
  /** The provider webhooks' secrets; never shown. */
  webhooks: WebhookSettings;
}

/**
 * Variables whose default is a working local stand-in (a generated key, a SQLite file under
 * ./var, a private Redis, the outbox) rather than "off" or a placeholder warned about. Set but
 * blank, they most likely come from a template whose value went missing; running on the
 * stand-in would put this process on other state than the rest of the installation, or
 * "send" mail into files, without a word. The others read blank as unset.
 */
const BLANK_IS_AN_ERROR = new Set([
  'VAR_DIR',
  'DATABASE_URL',
  'REDIS_URL',
  'SMTP_URL',
  'SECRET_KEY',
]);

const PLACEHOLDER_FROM = 'Bulletin <alerts@bulletin.example>';
const PLACEHOLDER_POSTAL = 'Bulletin, 1 Placeholder Street, Nowhere (set POSTAL_ADDRESS)';

type Env = Record<string, string | undefined>;

/**
 * Reads and validates every setting. Throws {@link SettingsError} on the first bad one.
 * `cwd` anchors relative paths: the default `./var`, a relative `VAR_DIR` or `sqlite:FILE`.
 */
export function loadSettings(env: Env = process.env, cwd: string = process.cwd()): Settings {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    if (value !== '') return value;
    if (BLANK_IS_AN_ERROR.has(name)) {
      throw new SettingsError(
        name,
        'is set but blank: give it a value, or unset it for the default',
      );
    }
    return undefined;
  };
  const varDir = path.resolve(cwd, read('VAR_DIR') ?? 'var');
  const port = parseWith(
    'PORT',
    read('PORT') ?? '3000',
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().max(65535, 'must be a port number (0-65535)')),
  );
  // Links in emails must reach the server as it listens, when nothing else is said.
  const publicBaseUrl = parseUrl(
    'PUBLIC_BASE_URL',
    read('PUBLIC_BASE_URL') ?? `http://localhost:${port}`,
    ['http:', 'https:'],
  ).replace(/\/+$/, '');
  const placeholders = (['MAIL_FROM', 'POSTAL_ADDRESS'] as const).filter((name) => !read(name));
  const fromText = read('MAIL_FROM') ?? PLACEHOLDER_FROM;
  const postalAddress = read('POSTAL_ADDRESS') ?? PLACEHOLDER_POSTAL;
  const redisUrl = read('REDIS_URL');
  const bounce = parseBounceSettings(read);
  return {
    varDir,
    database: parseDatabaseUrl(read('DATABASE_URL'), varDir, cwd),
    redis: {
      url: redisUrl
        ? parseUrl('REDIS_URL', redisUrl, ['redis:', 'rediss:'])
        : 'redis://127.0.0.1:6379',
      explicit: redisUrl !== undefined,
    },
    queuePrefix: parseWith(
      'QUEUE_PREFIX',
      read('QUEUE_PREFIX') ?? 'bulletin',
      z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only'),
    ),
    smtpUrl: read('SMTP_URL')
      ? parseUrl('SMTP_URL', read('SMTP_URL') as string, ['smtp:', 'smtps:'], { needsHost: true })
      : null,
    publicBaseUrl,
    trialUrl: parseUrl('TRIAL_URL', read('TRIAL_URL') ?? `${publicBaseUrl}/trial`, [
      'http:',
      'https:',
    ]),
    secretKey: read('SECRET_KEY')
      ? parseWith(
          'SECRET_KEY',
          read('SECRET_KEY'),
          z.string().min(32, 'must be at least 32 characters'),
        )
      : null,
    secretKeyPrevious: read('SECRET_KEY_PREVIOUS')
      ? parseWith(
          'SECRET_KEY_PREVIOUS',
          read('SECRET_KEY_PREVIOUS'),
          z.string().min(32, 'must be at least 32 characters'),
        )
      : null,
    trialPrefillEmail: parseBoolean('TRIAL_PREFILL_EMAIL', read('TRIAL_PREFILL_EMAIL') ?? 'false'),
    ingestBodyLimit: parseByteSize('INGEST_BODY_LIMIT', read('INGEST_BODY_LIMIT') ?? '10MB'),
    mailFrom: parseMailbox('MAIL_FROM', fromText),
    postalAddress: parseWith(
      'POSTAL_ADDRESS',
      postalAddress,
      z.string().max(300, 'is longer than 300 characters'),
    ),
    placeholders,
    unsubscribeMailto: read('UNSUBSCRIBE_MAILTO')
      ? parseMailbox('UNSUBSCRIBE_MAILTO', read('UNSUBSCRIBE_MAILTO') as string).email
      : null,
    dkim: parseDkim(read, cwd),
    port,
    apiToken: read('API_TOKEN')
      ? parseWith(
          'API_TOKEN',
          read('API_TOKEN'),
          z.string().min(16, 'must be at least 16 characters'),
        )
      : null,
    adminPassword: read('ADMIN_PASSWORD') ?? null,
    alertWindowMs: parseDurationSetting('ALERT_WINDOW', read('ALERT_WINDOW') ?? '2m'),
    sendRate: parseWith(
      'SEND_RATE',
      read('SEND_RATE') ?? '10',
      z.coerce.number().positive('must be a positive number of messages per second').max(10_000),
    ),
    sendAttempts: parseWith(
      'SEND_ATTEMPTS',
      read('SEND_ATTEMPTS') ?? '5',
      z.coerce.number().int().min(1, 'must be at least 1').max(50),
    ),
    sendRetryDelayMs: parseDurationSetting('SEND_RETRY_DELAY', read('SEND_RETRY_DELAY') ?? '30s'),
    digestMaxStories: parseWith(
      'DIGEST_MAX_STORIES',
      read('DIGEST_MAX_STORIES') ?? '25',
      // Digits only: "2.5", "1e3" or "+5" are typing mistakes, not a number of stories.
      z
        .string()
        .regex(/^\d+$/, 'must be a whole number of stories')
        .transform(Number)
        .pipe(z.number().min(1, 'must be at least 1').max(Number.MAX_SAFE_INTEGER, 'is too large')),
    ),
    campaignCooldownMs: parseDurationSetting(
      'CAMPAIGN_COOLDOWN',
      read('CAMPAIGN_COOLDOWN') ?? '7d',
    ),
    logLevel: parseWith(
      'LOG_LEVEL',
      read('LOG_LEVEL') ?? 'info',
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    ),
    logFormat: parseWith(
      'LOG_FORMAT',
      read('LOG_FORMAT') ?? 'json',
      z.enum(['json', 'pretty'], 'must be json or pretty'),
    ),
    metricsPort: parseMetricsPort(read('METRICS_PORT')),
    concurrency: {
      ingest: parseConcurrency('INGEST_CONCURRENCY', read('INGEST_CONCURRENCY') ?? '4'),
      digest: parseConcurrency('DIGEST_CONCURRENCY', read('DIGEST_CONCURRENCY') ?? '8'),
      send: parseConcurrency('SEND_CONCURRENCY', read('SEND_CONCURRENCY') ?? '5'),
    },
    feedsAllowPrivate: parseSwitch('FEEDS_ALLOW_PRIVATE', read('FEEDS_ALLOW_PRIVATE') ?? 'false'),
    mailThread: parseSwitch('MAIL_THREAD', read('MAIL_THREAD') ?? 'true'),
    bounce,
    webhooks: parseWebhookSettings(read),
    retentionMs: parseRetention(read('RETENTION') ?? '400d', bounce.softWindowMs),
  };
}
