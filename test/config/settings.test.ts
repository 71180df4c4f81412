import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/config/duration.js';
import { loadSettings, SettingsError } from '../../src/config/settings.js';

const CWD = '/srv/app';
const PEM = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

function load(env: Record<string, string>) {
  return loadSettings(env, CWD);
}

/** The SettingsError that `env` raises (fails the test when it raises nothing). */
function failure(env: Record<string, string>): SettingsError {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return error as SettingsError;
  }
  throw new Error(`no SettingsError for ${JSON.stringify(env)}`);
}

describe('loadSettings defaults', () => {
  it('runs with nothing configured', () => {
    expect({ ...loadSettings({}, CWD), bounce: undefined, webhooks: undefined }).toEqual({
      varDir: '/srv/app/var',
      database: { kind: 'sqlite', file: '/srv/app/var/bulletin.db' },
      redis: { url: 'redis://127.0.0.1:6379', explicit: false },
      queuePrefix: 'bulletin',
      smtpUrl: null,
      publicBaseUrl: 'http://localhost:3000',
      trialUrl: 'http://localhost:3000/trial',
      unsubscribeMailto: null,
      secretKey: null,
      mailFrom: { email: 'alerts@bulletin.example', name: 'Bulletin' },
      postalAddress: expect.stringContaining('POSTAL_ADDRESS'),
      placeholders: ['MAIL_FROM', 'POSTAL_ADDRESS'],
      secretKeyPrevious: null,
      trialPrefillEmail: false,
      ingestBodyLimit: 10 * 1024 * 1024,
      dkim: null,
      port: 3000,
      apiToken: null,
      adminPassword: null,
      alertWindowMs: 120_000,
      sendRate: 10,
      sendAttempts: 5,
      sendRetryDelayMs: 30_000,
      digestMaxStories: 25,
      campaignCooldownMs: 7 * 86_400_000,
      retentionMs: 400 * 86_400_000,
      logLevel: 'info',
      logFormat: 'json',
      metricsPort: null,
      concurrency: { ingest: 4, digest: 8, send: 5 },
      feedsAllowPrivate: false,
      mailThread: true,
    });
  });

  it('composes mail on a thread of its own unless MAIL_THREAD is false', () => {
    expect(loadSettings({ MAIL_THREAD: 'false' }, '/srv').mailThread).toBe(false);
    expect(loadSettings({ MAIL_THREAD: 'true' }, '/srv').mailThread).toBe(true);
    expect(() => loadSettings({ MAIL_THREAD: 'no' }, '/srv')).toThrow(
      /^Bad setting MAIL_THREAD: must be true or false/,
    );
  });

  it('allows feeds on private addresses only when FEEDS_ALLOW_PRIVATE is true', () => {
    expect(loadSettings({ FEEDS_ALLOW_PRIVATE: 'true' }, '/srv').feedsAllowPrivate).toBe(true);
    expect(loadSettings({ FEEDS_ALLOW_PRIVATE: 'false' }, '/srv').feedsAllowPrivate).toBe(false);
    expect(() => loadSettings({ FEEDS_ALLOW_PRIVATE: 'yes' }, '/srv')).toThrow(
      /^Bad setting FEEDS_ALLOW_PRIVATE: must be true or false/,
    );
  });

  it('takes worker concurrency per queue and refuses what cannot work', () => {
    expect(
      loadSettings({ INGEST_CONCURRENCY: '2', DIGEST_CONCURRENCY: '16', SEND_CONCURRENCY: '10' })
        .concurrency,
    ).toEqual({ ingest: 2, digest: 16, send: 10 });
    expect(() => loadSettings({ SEND_CONCURRENCY: '0' })).toThrow(/SEND_CONCURRENCY/);
    expect(() => loadSettings({ DIGEST_CONCURRENCY: 'many' })).toThrow(/DIGEST_CONCURRENCY/);
  });

  it('treats empty and blank variables as unset when their default is off or harmless', () => {
    const settings = load({
      PORT: '',
      MAIL_FROM: '',
      LOG_LEVEL: '  ',
      API_TOKEN: ' ',
      ADMIN_PASSWORD: '',
      PUBLIC_BASE_URL: ' ',
    });
    expect(settings.port).toBe(3000);
    expect(settings.placeholders).toContain('MAIL_FROM');
    expect(settings.logLevel).toBe('info');
    expect(settings.apiToken).toBeNull();
    expect(settings.adminPassword).toBeNull();
    expect(settings.publicBaseUrl).toBe('http://localhost:3000');
  });

  // Their defaults are local stand-ins: blank would run on other state without a word.
  it.each(['VAR_DIR', 'DATABASE_URL', 'REDIS_URL', 'SMTP_URL', 'SECRET_KEY'])(
    'refuses %s set but blank',
    (variable) => {
      for (const blank of ['', '   ', '\t\n']) {
        const error = failure({ [variable]: blank });
        expect(error.variable).toBe(variable);
        expect(error.message).toBe(
          `Bad setting ${variable}: is set but blank: give it a value, or unset it for the default`,
        );
      }
    },
  );

  it('keeps the SQLite file under a relative or absolute VAR_DIR', () => {
    expect(load({ VAR_DIR: 'data' })).toMatchObject({
      varDir: '/srv/app/data',
      database: { kind: 'sqlite', file: '/srv/app/data/bulletin.db' },
    });
    expect(load({ VAR_DIR: '/var/lib/bulletin' }).database).toEqual({
      kind: 'sqlite',
      file: '/var/lib/bulletin/bulletin.db',
    });
  });

  it('derives the trial link from PUBLIC_BASE_URL, without a doubled slash', () => {
    const settings = load({ PUBLIC_BASE_URL: 'https://alerts.news.example/' });
    expect(settings.publicBaseUrl).toBe('https://alerts.news.example');
    expect(settings.trialUrl).toBe('https://alerts.news.example/trial');
    expect(load({ TRIAL_URL: 'https://news.example/start-trial' }).trialUrl).toBe(
      'https://news.example/start-trial',
    );
  });
});

describe('loadSettings refuses a bad setting, naming the variable', () => {
  it.each([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '80.5' }],
    ['SEND_RATE', { SEND_RATE: '0' }],
    ['SEND_RATE', { SEND_RATE: '-3' }],
    ['SEND_ATTEMPTS', { SEND_ATTEMPTS: '0' }],
    ['DIGEST_MAX_STORIES', { DIGEST_MAX_STORIES: '0' }],
    ['DIGEST_MAX_STORIES', { DIGEST_MAX_STORIES: '-5' }],
    ['DIGEST_MAX_STORIES', { DIGEST_MAX_STORIES: '2.5' }],
    ['DIGEST_MAX_STORIES', { DIGEST_MAX_STORIES: '1e3' }],
    ['DIGEST_MAX_STORIES', { DIGEST_MAX_STORIES: 'many' }],
    ['ALERT_WINDOW', { ALERT_WINDOW: 'soon' }],
    ['ALERT_WINDOW', { ALERT_WINDOW: '90' }],
    ['SEND_RETRY_DELAY', { SEND_RETRY_DELAY: '2 minutes' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
    ['REDIS_URL', { REDIS_URL: 'http://x' }],
    ['REDIS_URL', { REDIS_URL: 'not a url' }],
    ['SMTP_URL', { SMTP_URL: 'ftp://x' }],
    ['SMTP_URL', { SMTP_URL: 'smtp://' }],
    ['SMTP_URL', { SMTP_URL: 'smtps:///outbox' }],
    ['SMTP_URL', { SMTP_URL: 'smtp://user:pass@' }],
    ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'alerts.news.example' }],
    ['TRIAL_URL', { TRIAL_URL: 'mailto:sales@news.example' }],
    ['MAIL_FROM', { MAIL_FROM: 'nobody' }],
    ['MAIL_FROM', { MAIL_FROM: 'Alerts <nobody>' }],
    ['UNSUBSCRIBE_MAILTO', { UNSUBSCRIBE_MAILTO: 'unsubscribe' }],
    ['QUEUE_PREFIX', { QUEUE_PREFIX: 'bulletin:prod' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['LOG_FORMAT', { LOG_FORMAT: 'text' }],
    ['METRICS_PORT', { METRICS_PORT: 'abc' }],
    ['METRICS_PORT', { METRICS_PORT: '0' }],
    ['METRICS_PORT', { METRICS_PORT: '70000' }],
    ['API_TOKEN', { API_TOKEN: 'short-token' }],
    ['SECRET_KEY', { SECRET_KEY: 'only-twenty-characters' }],
    ['POSTAL_ADDRESS', { POSTAL_ADDRESS: 'x'.repeat(301) }],
  ])('%s in %j', (variable, env) => {
    const error = failure(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(new RegExp(`^Bad setting ${variable}: `));
    // One clear line.
    expect(error.message).not.toContain('\n');
  });

  it('shows the value it refused', () => {
    expect(failure({ PORT: 'abc' }).message).toContain('"abc"');
    expect(failure({ ALERT_WINDOW: 'soon' }).message).toContain('"soon"');
    expect(failure({ DATABASE_URL: 'mysql://x' }).message).toContain('mysql://x');
    expect(failure({ SMTP_URL: 'ftp://x' }).message).toMatch(/smtp:\/\/ or smtps:\/\//);
    expect(failure({ SMTP_URL: 'smtp://' }).message).toBe(
      'Bad setting SMTP_URL: names no host (got "smtp://")',
    );
  });

  it('shows a refused value on one line, escaped', () => {
    const error = failure({ MAIL_FROM: 'nobody\n\u001b[31mred' });
    expect(error.message).toContain('(got "nobody\\n\\u001b[31mred")');
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain('\u001b');
  });
});

describe('loadSettings never shows a secret', () => {
  const KEY = 'Zq8-secret-key-material';
  const TOKEN = 'tok-4f9a2b';

  it.each([
    ['SECRET_KEY', { SECRET_KEY: KEY }, KEY],
    ['SECRET_KEY', { SECRET_KEY: `  ${KEY}  ` }, KEY],
    ['API_TOKEN', { API_TOKEN: TOKEN }, TOKEN],
    [
      'DKIM_PRIVATE_KEY',
      { DKIM_DOMAIN: 'news.example', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: KEY },
      KEY,
    ],
  ])(
    '%s: the error names it and says what is wrong, without the value',
    (variable, env, secret) => {
      const error = failure(env);
      expect(error.variable).toBe(variable);
      expect(error.message).toMatch(new RegExp(`^Bad setting ${variable}: \\w`));
      // Not the value, nor any recognisable piece of it.
      for (const piece of [secret, secret.slice(0, 6), secret.slice(-6)]) {
        expect(error.message).not.toContain(piece);
      }
    },
  );

  it('says how long a short SECRET_KEY is, and that it is not shown', () => {
    expect(failure({ SECRET_KEY: KEY }).message).toBe(
      `Bad setting SECRET_KEY: must be at least 32 characters (got ${KEY.length} characters, not shown)`,
    );
  });

  it.each([
    ['SMTP_URL', 'smtp://mailer:hunter2@', 'smtp://mailer:***@'],
    ['SMTP_URL', 'smtp://mailer:hun/ter2@mail.example:587', 'smtp://mailer:***@mail.example:587'],
    ['REDIS_URL', 'redis://:hunter2@cache.internal:port', 'redis://:***@cache.internal:port'],
    ['DATABASE_URL', 'mysql://root:hunter2@db.internal/app', 'mysql://root:***@db.internal/app'],
    [
      'DATABASE_URL',
      'postgres://app:hunter2@db.internal:x/app',
      'postgres://app:***@db.internal:x/app',
    ],
    ['PUBLIC_BASE_URL', 'https://ops:hunter2@alerts example', 'https://ops:***@alerts example'],
  ])('%s %s: the error shows the URL with its password masked', (variable, value, masked) => {
    const error = failure({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(`"${masked}"`);
    expect(error.message).not.toContain('hunter2');
  });

  it('shows only the scheme of a URL with the wrong one', () => {
    const error = failure({ REDIS_URL: 'http://ops:hunter2@cache.internal:6379' });
    expect(error.message).toBe(
      'Bad setting REDIS_URL: must start with redis:// or rediss:// (got "http://…")',
    );
  });

  it.each([
    [{ DKIM_DOMAIN: 'news.example' }, 'DKIM_SELECTOR'],
    [{ DKIM_DOMAIN: 'news.example', DKIM_SELECTOR: 's1' }, 'DKIM_PRIVATE_KEY'],
    [{ DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: PEM }, 'DKIM_DOMAIN'],
    [{ DKIM_PRIVATE_KEY: PEM }, 'DKIM_DOMAIN'],
  ])('partial DKIM settings %j name the missing %s', (env, missing) => {
    const error = failure(env);
    expect(error.variable).toBe(missing);
    expect(error.message).toContain(`Bad setting ${missing}:`);
  });

  it('refuses a DKIM key that is neither a PEM nor a .pem path', () => {
    const error = failure({
      DKIM_DOMAIN: 'news.example',
      DKIM_SELECTOR: 's1',
      DKIM_PRIVATE_KEY: 'x',
    });
    expect(error.variable).toBe('DKIM_PRIVATE_KEY');
  });
});

describe('loadSettings reads good values', () => {
  it('takes an unsubscribe address, with or without a name', () => {
    expect(load({ UNSUBSCRIBE_MAILTO: 'unsubscribe@news.example' }).unsubscribeMailto).toBe(
      'unsubscribe@news.example',
    );
    expect(load({ UNSUBSCRIBE_MAILTO: 'Unsub <u@news.example>' }).unsubscribeMailto).toBe(
      'u@news.example',
    );
  });

  it('takes a PostgreSQL URL as given', () => {
    const url = 'postgres://bulletin:s3cret@db.internal:5432/bulletin';
    expect(load({ DATABASE_URL: url }).database).toEqual({ kind: 'postgres', url });
    expect(load({ DATABASE_URL: 'postgresql://db/bulletin' }).database).toEqual({
      kind: 'postgres',
      url: 'postgresql://db/bulletin',
    });
  });

  it('takes sqlite:FILE, relative to the working directory or absolute, and :memory:', () => {
    expect(load({ DATABASE_URL: 'sqlite:/data/bulletin.db' }).database).toEqual({
      kind: 'sqlite',
      file: '/data/bulletin.db',
    });
    expect(load({ DATABASE_URL: 'sqlite:data/bulletin.db' }).database).toEqual({
      kind: 'sqlite',
      file: '/srv/app/data/bulletin.db',
    });
    expect(load({ DATABASE_URL: 'sqlite://data/bulletin.db' }).database).toEqual({
      kind: 'sqlite',
      file: '/srv/app/data/bulletin.db',
    });
    expect(load({ DATABASE_URL: 'sqlite::memory:' }).database).toEqual({
      kind: 'sqlite',
      file: ':memory:',
    });
  });

  it('takes MAIL_FROM with a name, a quoted name, or a bare address', () => {
    expect(load({ MAIL_FROM: 'Trade Brief <alerts@news.example>' }).mailFrom).toEqual({
      email: 'alerts@news.example',
      name: 'Trade Brief',
    });
    expect(load({ MAIL_FROM: '"Trade Brief, Alerts" <alerts@news.example>' }).mailFrom).toEqual({
      email: 'alerts@news.example',
      name: 'Trade Brief, Alerts',
    });
    expect(load({ MAIL_FROM: 'alerts@news.example' }).mailFrom).toEqual({
      email: 'alerts@news.example',
      name: 'Bulletin',
    });
  });

  it('drops the placeholder warnings once MAIL_FROM and POSTAL_ADDRESS are set', () => {
    const settings = load({
      MAIL_FROM: 'alerts@news.example',
      POSTAL_ADDRESS: 'Trade Brief Ltd, 1 Fleet Street, London',
    });
    expect(settings.placeholders).toEqual([]);
    expect(settings.postalAddress).toBe('Trade Brief Ltd, 1 Fleet Street, London');
    expect(load({ MAIL_FROM: 'alerts@news.example' }).placeholders).toEqual(['POSTAL_ADDRESS']);
  });

  it('takes smtp and smtps URLs, and redis and rediss URLs', () => {
    expect(load({ SMTP_URL: 'smtps://user:pass@mail.example:465' }).smtpUrl).toBe(
      'smtps://user:pass@mail.example:465',
    );
    expect(load({ SMTP_URL: 'smtp://mail.example:587' }).smtpUrl).toBe('smtp://mail.example:587');
    expect(load({ REDIS_URL: 'rediss://cache.internal:6380' }).redis).toEqual({
      url: 'rediss://cache.internal:6380',
      explicit: true,
    });
  });

  it('takes durations in seconds, minutes and hours', () => {
    expect(load({ ALERT_WINDOW: '90s' }).alertWindowMs).toBe(90_000);
    expect(load({ ALERT_WINDOW: '2m' }).alertWindowMs).toBe(120_000);
    expect(load({ ALERT_WINDOW: '1h' }).alertWindowMs).toBe(3_600_000);
    expect(load({ SEND_RETRY_DELAY: '500ms' }).sendRetryDelayMs).toBe(500);
  });

  it('takes the numbers, the DKIM triple, the secrets and the log level', () => {
    const settings = load({
      PORT: '8080',
      SEND_RATE: '2.5',
      SEND_ATTEMPTS: '3',
      DIGEST_MAX_STORIES: '40',
      QUEUE_PREFIX: 'bulletin-eu.prod_2',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'pretty',
      METRICS_PORT: '9464',
      API_TOKEN: 'a'.repeat(16),
      SECRET_KEY: 'k'.repeat(32),
      ADMIN_PASSWORD: 'pw',
      DKIM_DOMAIN: 'news.example',
      DKIM_SELECTOR: 's1',
      DKIM_PRIVATE_KEY: PEM,
    });
    expect(settings).toMatchObject({
      port: 8080,
      sendRate: 2.5,
      sendAttempts: 3,
      digestMaxStories: 40,
      queuePrefix: 'bulletin-eu.prod_2',
      logLevel: 'debug',
      logFormat: 'pretty',
      metricsPort: 9464,
      apiToken: 'a'.repeat(16),
      secretKey: 'k'.repeat(32),
      adminPassword: 'pw',
      dkim: { domain: 'news.example', selector: 's1', privateKey: PEM.trim() },
    });
  });

  it('reads a DKIM key from the .pem file it names, relative to the working directory', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-dkim-'));
    try {
      fs.writeFileSync(path.join(dir, 's1.pem'), PEM);
      const env = { DKIM_DOMAIN: 'news.example', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: 's1.pem' };
      expect(loadSettings(env, dir).dkim).toEqual({
        domain: 'news.example',
        selector: 's1',
        privateKey: PEM,
      });
      expect(() => loadSettings({ ...env, DKIM_PRIVATE_KEY: 'missing.pem' }, dir)).toThrow(
        /DKIM_PRIVATE_KEY: cannot read the key file .*missing\.pem.*ENOENT/,
      );
      fs.writeFileSync(path.join(dir, 'junk.pem'), 'not a key');
      expect(() => loadSettings({ ...env, DKIM_PRIVATE_KEY: 'junk.pem' }, dir)).toThrow(
        /DKIM_PRIVATE_KEY: the file "junk.pem" holds no readable PEM private key/,
      );
      const broken = { ...env, DKIM_PRIVATE_KEY: PEM.replace(/[A-Za-z]{20}/, 'x') };
      expect(() => loadSettings(broken, dir)).toThrow(/DKIM_PRIVATE_KEY: is not a readable PEM/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('points links at the port the server listens on, unless PUBLIC_BASE_URL says otherwise', () => {
    expect(load({ PORT: '8080' })).toMatchObject({
      publicBaseUrl: 'http://localhost:8080',
      trialUrl: 'http://localhost:8080/trial',
    });
    expect(load({ CAMPAIGN_COOLDOWN: '36h' }).campaignCooldownMs).toBe(36 * 3_600_000);
    expect(() => load({ CAMPAIGN_COOLDOWN: 'a week' })).toThrow(/CAMPAIGN_COOLDOWN/);
    expect(
      load({ PORT: '8080', PUBLIC_BASE_URL: 'https://alerts.news.example' }).publicBaseUrl,
    ).toBe('https://alerts.news.example');
  });

  it('takes the previous key, trial prefill and the webhook body limit', () => {
    expect(
      load({
        SECRET_KEY_PREVIOUS: 'p'.repeat(32),
        TRIAL_PREFILL_EMAIL: 'true',
        INGEST_BODY_LIMIT: '512kb',
      }),
    ).toMatchObject({
      secretKeyPrevious: 'p'.repeat(32),
      trialPrefillEmail: true,
      ingestBodyLimit: 512 * 1024,
    });
    expect(load({ INGEST_BODY_LIMIT: '2MB' }).ingestBodyLimit).toBe(2 * 1024 * 1024);
    for (const [variable, value] of [
      ['INGEST_BODY_LIMIT', 'lots'],
      ['INGEST_BODY_LIMIT', '10'],
      ['TRIAL_PREFILL_EMAIL', 'maybe'],
      ['SECRET_KEY_PREVIOUS', 'short'],
    ] as const) {
      expect(failure({ [variable]: value }).variable).toBe(variable);
    }
  });
});

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['90s', 90_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['30d', 2_592_000_000],
    ['2w', 1_209_600_000],
    ['1.5m', 90_000],
    [' 5 m ', 300_000],
    ['0s', 0],
  ])('%j is %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['soon', '90', 'm', '2M', '-5m', '1h30m', '', '1e3s'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});
