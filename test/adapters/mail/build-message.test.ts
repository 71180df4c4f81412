import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import {
  buildDkimOptions,
  buildMessage,
  createMessageId,
  messageIdDomain,
} from '../../../src/adapters/mail/build-message.js';
import type { OutgoingEmail } from '../../../src/adapters/mail/mail-transport.js';
import { SendFailure } from '../../../src/adapters/mail/smtp-failure.js';
import { FROM, headerValues, parseMail, readHeaderLines, sampleEmail } from './mail-fixtures.js';

/** The bytes nodemailer produces for the built message. */
async function compose(email: OutgoingEmail): Promise<Buffer> {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const info = await composer.sendMail(buildMessage(email, FROM));
  return info.message as Buffer;
}

describe('messageIdDomain and createMessageId', () => {
  it('take the domain of the From address', () => {
    expect(messageIdDomain('News@Mail.Example.com')).toBe('mail.example.com');
    expect(createMessageId('delivery-42', FROM.email)).toBe('<delivery-42@mail.example.com>');
  });

  it('make a safe local part from any key', () => {
    expect(createMessageId('digest:7 <x>@y', FROM.email)).toBe('<digest-7-x-y@mail.example.com>');
  });

  it('refuse an address without a domain', () => {
    expect(() => messageIdDomain('news')).toThrow(/not an email address/);
  });
});

describe('buildMessage', () => {
  it('makes multipart/alternative with the text part first', async () => {
    const raw = (await compose(sampleEmail())).toString();
    expect(raw).toMatch(/^Content-Type: multipart\/alternative;/m);
    const textAt = raw.indexOf('Content-Type: text/plain');
    const htmlAt = raw.indexOf('Content-Type: text/html');
    expect(textAt).toBeGreaterThan(0);
    expect(htmlAt).toBeGreaterThan(textAt);
  });

  it('puts both unsubscribe targets in ONE List-Unsubscribe header, https first', async () => {
    const lines = await readHeaderLines(
      await compose(
        sampleEmail({ unsubscribeMailto: 'mailto:unsubscribe@mail.example.com?subject=42' }),
      ),
    );
    expect(headerValues(lines, 'List-Unsubscribe')).toEqual([
      '<https://news.example.com/u/tok>, <mailto:unsubscribe@mail.example.com?subject=42>',
    ]);
    expect(headerValues(lines, 'List-Unsubscribe-Post')).toEqual(['List-Unsubscribe=One-Click']);
  });

  it('sets exactly one of each identifying header', async () => {
    const lines = await readHeaderLines(
      await compose(sampleEmail({ listId: 'Export Controls/Daily' })),
    );
    expect(headerValues(lines, 'Message-ID')).toEqual(['<delivery-42.abc@mail.example.com>']);
    expect(headerValues(lines, 'From')).toEqual(['Example Bulletin <news@mail.example.com>']);
    expect(headerValues(lines, 'Date')).toEqual(['Sat, 28 Nov 2026 07:00:00 +0000']);
    expect(headerValues(lines, 'List-Id')).toEqual(['<export-controls-daily.mail.example.com>']);
    expect(headerValues(lines, 'Feedback-ID')).toEqual(['42:digest:daily:bulletin']);
  });

  it('keeps CR/LF in the subject and names from creating headers', async () => {
    const raw = await compose(
      sampleEmail({
        subject: 'Hello\r\nBcc: victim@example.net\r\nX-Injected: yes',
        to: { email: 'reader@example.org', name: 'Rita\r\nBcc: other@example.net' },
      }),
    );
    const names = (await readHeaderLines(raw)).map(([name]) => name.toLowerCase());
    expect(names).not.toContain('bcc');
    expect(names).not.toContain('x-injected');
    expect(names.filter((n) => n === 'subject')).toHaveLength(1);
    const parsed = await parseMail(raw);
    expect(parsed.subject).toBe('Hello Bcc: victim@example.net X-Injected: yes');
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : []).toEqual([
      { address: 'reader@example.org', name: 'Rita Bcc: other@example.net' },
    ]);
  });

  it('encodes a non-ASCII subject and name', async () => {
    const raw = await compose(
      sampleEmail({
        subject: 'Sanktionen: Überblick',
        to: { email: 'r@example.org', name: 'Zoë' },
      }),
    );
    expect([...raw].every((byte) => byte < 0x80)).toBe(true);
    const parsed = await parseMail(raw);
    expect(parsed.subject).toBe('Sanktionen: Überblick');
  });

  it('addresses a reader without a name by address alone', async () => {
    const lines = await readHeaderLines(
      await compose(sampleEmail({ to: { email: 'anon@example.org', name: null } })),
    );
    expect(headerValues(lines, 'To')).toEqual(['anon@example.org']);
  });

  it.each([
    ['another domain', '<delivery-42@elsewhere.example>'],
    ['no angle brackets', 'delivery-42@mail.example.com'],
    ['a line break', '<delivery-42@mail.example.com>\r\nBcc: x@y.z'],
  ])('refuses a Message-ID with %s as a permanent failure', (_why, messageId) => {
    try {
      buildMessage(sampleEmail({ messageId }), FROM);
      expect.unreachable('buildMessage accepted the Message-ID');
    } catch (error) {
      expect(error).toBeInstanceOf(SendFailure);
      expect((error as SendFailure).kind).toBe('permanent');
    }
  });
});

describe('buildDkimOptions', () => {
  it('refuses a key that is not a PEM private key', () => {
    expect(() =>
      buildDkimOptions({ domain: 'mail.example.com', selector: 's1', privateKey: 'not a key' }),
    ).toThrow(/DKIM_PRIVATE_KEY/);
  });
});
