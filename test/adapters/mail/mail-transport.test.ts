import { describe, expect, it } from 'vitest';
import { createMailTransport } from '../../../src/adapters/mail/create-mail-transport.js';
import type { MailSettings } from '../../../src/adapters/mail/mail-transport.js';
import { FROM } from './mail-fixtures.js';

const base: MailSettings = { smtpUrl: null, outboxDir: 'var/outbox', from: FROM, dkim: null };

describe('createMailTransport', () => {
  it('writes to the outbox when no SMTP URL is set, and to SMTP when one is', async () => {
    const outbox = createMailTransport(base);
    const smtp = createMailTransport({ ...base, smtpUrl: 'smtps://u:p@smtp.example.net' });
    expect(outbox.describe()).toBe('outbox var/outbox');
    expect(smtp.describe()).toBe('smtps://smtp.example.net:465');
    await Promise.all([outbox.close(), smtp.close()]);
  });

  it.each([
    ['a From address without a domain', { from: { email: 'news', name: 'News' } }, /MAIL_FROM/],
    ['an SMTP URL of another scheme', { smtpUrl: 'http://smtp.example.net' }, /SMTP_URL/],
    ['an SMTP URL that is no URL', { smtpUrl: 'smtp.example.net:587' }, /SMTP_URL/],
    [
      'a DKIM key that is no key',
      { dkim: { domain: 'mail.example.com', selector: 's1', privateKey: '-----BEGIN' } },
      /DKIM_PRIVATE_KEY/,
    ],
  ])('refuses %s at creation, naming the setting', (_what, override, message) => {
    expect(() => createMailTransport({ ...base, ...override })).toThrow(message);
  });
});
