import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadSettings, SettingsError } from '../../src/config/settings.js';

function load(env: Record<string, string>) {
  return loadSettings(env, '/srv/app');
}

/** The one line a bad value stops the program with. */
function refusal(env: Record<string, string>): string {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as Error).message;
  }
  throw new Error(`no SettingsError for ${JSON.stringify(env)}`);
}

const EC_KEY = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .publicKey.export({ type: 'spki', format: 'der' })
  .toString('base64');
const RSA_KEY = generateKeyPairSync('rsa', { modulusLength: 1024 })
  .publicKey.export({ type: 'spki', format: 'der' })
  .toString('base64');

describe('bounce settings', () => {
  it('default to no bounce address, listener or mailbox; 3 soft bounces in 30 days', () => {
    expect(load({}).bounce).toEqual({
      address: null,
      softLimit: 3,
      softWindowMs: 30 * 86_400_000,
      smtpPort: null,
      imap: null,
    });
  });

  it('reads the bounce address, its domain lower-cased', () => {
    expect(load({ BOUNCE_ADDRESS: 'bounces@Mail.Example.com' }).bounce.address).toEqual({
      local: 'bounces',
      domain: 'mail.example.com',
    });
    expect(load({ BOUNCE_ADDRESS: 'Bounces <b@mail.example.com>' }).bounce.address).toEqual({
      local: 'b',
      domain: 'mail.example.com',
    });
  });

  it.each([
    ['not an address', 'bounces', /^Bad setting BOUNCE_ADDRESS: must be an address/],
    ['a + already', 'bounces+x@mail.example.com', /local part must be at most 30/],
    ['a local part too long for the tag', `${'b'.repeat(31)}@mail.example.com`, /at most 30/],
    ['a bare host', 'bounces@localhost', /^Bad setting BOUNCE_ADDRESS: must be an address/],
  ])('refuses a bounce address that is %s', (_, value, message) => {
    const line = refusal({ BOUNCE_ADDRESS: value });
    expect(line).toMatch(message);
    expect(line).not.toContain('\n');
  });

  it('reads the soft-bounce limit and window, and refuses nonsense', () => {
    const { bounce } = load({ BOUNCE_SOFT_LIMIT: '5', BOUNCE_SOFT_WINDOW: '14d' });
    expect(bounce.softLimit).toBe(5);
    expect(bounce.softWindowMs).toBe(14 * 86_400_000);
    expect(refusal({ BOUNCE_SOFT_LIMIT: '0' })).toMatch(
      /^Bad setting BOUNCE_SOFT_LIMIT: must be at least 1/,
    );
    expect(refusal({ BOUNCE_SOFT_LIMIT: '2.5' })).toMatch(
      /BOUNCE_SOFT_LIMIT: must be a whole number/,
    );
    expect(refusal({ BOUNCE_SOFT_WINDOW: 'a month' })).toMatch(
      /^Bad setting BOUNCE_SOFT_WINDOW: not a duration/,
    );
    expect(refusal({ BOUNCE_SOFT_WINDOW: '10m' })).toMatch(
      /BOUNCE_SOFT_WINDOW: must be between 1h and 366d/,
    );
  });

  it('reads the receiving port', () => {
    expect(load({ BOUNCE_SMTP_PORT: '2525' }).bounce.smtpPort).toBe(2525);
    expect(refusal({ BOUNCE_SMTP_PORT: '70000' })).toMatch(
      /^Bad setting BOUNCE_SMTP_PORT: must be a port/,
    );
    expect(refusal({ BOUNCE_SMTP_PORT: 'smtp' })).toMatch(
      /BOUNCE_SMTP_PORT: must be a whole number/,
    );
  });

  it('reads the IMAP mailbox, its password never shown in a refusal', () => {
    expect(
      load({ BOUNCE_IMAP_URL: 'imaps://bounces:s%40cret@imap.example.com/Bounces' }).bounce.imap,
    ).toEqual({
      url: 'imaps://bounces:s%40cret@imap.example.com/Bounces',
      host: 'imap.example.com',
      port: 993,
      secure: true,
      user: 'bounces',
      password: 's@cret',
      mailbox: 'Bounces',
    });
    expect(load({ BOUNCE_IMAP_URL: 'imap://u:p@127.0.0.1:1143' }).bounce.imap).toMatchObject({
      port: 1143,
      secure: false,
      mailbox: 'INBOX',
    });
    const line = refusal({ BOUNCE_IMAP_URL: 'https://u:hunter2@imap.example.com' });
    expect(line).toMatch(/^Bad setting BOUNCE_IMAP_URL: must start with imap:\/\/ or imaps:\/\//);
    expect(line).not.toContain('hunter2');
    const noUser = refusal({ BOUNCE_IMAP_URL: 'imaps://imap.example.com/INBOX' });
    expect(noUser).toMatch(/must name the mailbox's user and password/);
  });
});

describe('webhook secrets', () => {
  it('are off unless set', () => {
    expect(load({}).webhooks).toEqual({
      postmark: null,
      sendgridPublicKey: null,
      mailgunSigningKey: null,
      sesTopicArns: [],
    });
  });

  it('reads the SNS topics SES notifications may come from, and refuses what is not an ARN', () => {
    const arns = load({
      SES_TOPIC_ARNS:
        'arn:aws:sns:eu-west-1:123456789012:bounces, arn:aws:sns:us-east-1:123456789012:complaints',
    }).webhooks.sesTopicArns;
    expect(arns).toEqual([
      'arn:aws:sns:eu-west-1:123456789012:bounces',
      'arn:aws:sns:us-east-1:123456789012:complaints',
    ]);
    expect(refusal({ SES_TOPIC_ARNS: 'bounces' })).toMatch(
      /^Bad setting SES_TOPIC_ARNS: each must be an SNS topic ARN/,
    );
  });

  it('reads each provider, and never shows a value it refuses', () => {
    const webhooks = load({
      POSTMARK_WEBHOOK_USER: 'postmark',
      POSTMARK_WEBHOOK_PASSWORD: 'a-long-enough-password',
      SENDGRID_WEBHOOK_PUBLIC_KEY: EC_KEY,
      MAILGUN_WEBHOOK_SIGNING_KEY: 'key-0123456789abcdef0123',
    }).webhooks;
    expect(webhooks).toEqual({
      postmark: { user: 'postmark', password: 'a-long-enough-password' },
      sendgridPublicKey: EC_KEY,
      mailgunSigningKey: 'key-0123456789abcdef0123',
      sesTopicArns: [],
    });

    const half = refusal({ POSTMARK_WEBHOOK_USER: 'postmark' });
    expect(half).toMatch(/^Bad setting POSTMARK_WEBHOOK_PASSWORD: .*together/);
    const short = refusal({ POSTMARK_WEBHOOK_USER: 'u', POSTMARK_WEBHOOK_PASSWORD: 'tiny-secret' });
    expect(short).toMatch(
      /POSTMARK_WEBHOOK_PASSWORD: must be at least 16 characters \(got 11 characters, not shown\)/,
    );
    expect(short).not.toContain('tiny-secret');
    const rsa = refusal({ SENDGRID_WEBHOOK_PUBLIC_KEY: RSA_KEY });
    expect(rsa).toMatch(/^Bad setting SENDGRID_WEBHOOK_PUBLIC_KEY: is not an ECDSA public key/);
    expect(rsa).not.toContain(RSA_KEY.slice(0, 20));
    const mailgun = refusal({ MAILGUN_WEBHOOK_SIGNING_KEY: 'abc123' });
    expect(mailgun).toMatch(/MAILGUN_WEBHOOK_SIGNING_KEY: .*not shown/);
    expect(mailgun).not.toContain('abc123');
  });
});
