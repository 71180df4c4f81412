import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import type { OutgoingEmail } from '../../../src/adapters/mail/mail-transport.js';

export const FROM = { email: 'news@mail.example.com', name: 'Example Bulletin' };

/** A digest-like email to one reader; fields can be overridden per test. */
export function sampleEmail(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    to: { email: 'reader@example.org', name: 'Rita Reader' },
    subject: 'Export controls: your daily digest',
    html: '<html><body><p>Three new stories.</p><p><a href="https://news.example.com/u/tok">Unsubscribe</a></p></body></html>',
    text: 'Three new stories.\n\nUnsubscribe: https://news.example.com/u/tok\n',
    unsubscribeUrl: 'https://news.example.com/u/tok',
    listId: 'export-controls-daily',
    feedbackId: '42:digest:daily:bulletin',
    messageId: '<delivery-42.abc@mail.example.com>',
    date: new Date('2026-11-28T07:00:00Z'),
    ...overrides,
  };
}

/** A throwaway RSA key pair and the TXT record a receiver would look up. */
export function createDkimKey(): { privateKey: string; txtRecord: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    txtRecord: `v=DKIM1; k=rsa; p=${der}`,
  };
}

/** The raw header lines, unfolded, as `[name, value]` pairs in message order. */
export async function readHeaderLines(raw: Buffer | string): Promise<Array<[string, string]>> {
  const parsed = await simpleParser(raw);
  return parsed.headerLines.map((h): [string, string] => {
    const colon = h.line.indexOf(':');
    return [
      h.line.slice(0, colon).trim(),
      h.line
        .slice(colon + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim(),
    ];
  });
}

export function headerValues(lines: Array<[string, string]>, name: string): string[] {
  return lines.filter(([key]) => key.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
}

export async function parseMail(raw: Buffer | string): Promise<ParsedMail> {
  return simpleParser(raw);
}

export async function makeTempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mail-test-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
