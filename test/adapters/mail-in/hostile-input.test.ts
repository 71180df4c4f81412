import { describe, expect, it } from 'vitest';
import {
  INBOUND_MAX_BYTES,
  MAX_PARTS,
  readInboundMessage,
} from '../../../src/adapters/mail-in/read-inbound-message.js';
import { wasUnreadable } from '../../../src/domain/bounces/index.js';

/*
 * Inbound mail is written by anyone. Whatever the bytes, the reader answers with a report,
 * bounded in time and memory, and says when it could not read something.
 */

const DSN_HEAD = [
  'From: MAILER-DAEMON@mx.example.com',
  'To: bounces+d4201-5lzt6enofk6wy6w2@bounce.brief.example',
  'Subject: Undelivered Mail Returned to Sender',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
  '',
].join('\r\n');

const DSN_PART = [
  '--b',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx.example.com',
  '',
  'Final-Recipient: rfc822; ann@example.com',
  'Action: failed',
  'Status: 5.1.1',
  '',
].join('\r\n');

describe('readInboundMessage on hostile or broken input', () => {
  it.each([
    ['empty', Buffer.alloc(0)],
    ['binary noise', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0a, 0x0d, 0x00])],
    ['text that is not mail', Buffer.from('just some words\nand more\n')],
    ['a JSON document', Buffer.from('{"notificationType":"Bounce"}')],
  ])('reports %s as unreadable, ignored', async (_, raw) => {
    const report = await readInboundMessage(raw);
    expect(report.format).toBe('unknown');
    expect(wasUnreadable(report)).toBe(true);
    expect(report.recipients).toEqual([
      { kind: 'ignored', recipient: null, status: null, diagnostic: null, action: null },
    ]);
  });

  it('reads only the first INBOUND_MAX_BYTES of a huge message, and says so', async () => {
    const filler = Buffer.alloc(INBOUND_MAX_BYTES + 1024 * 1024, 'a\r\n');
    const raw = Buffer.concat([
      Buffer.from(`${DSN_HEAD}\r\n${DSN_PART}--b\r\nContent-Type: text/plain\r\n\r\n`),
      filler,
    ]);
    const report = await readInboundMessage(raw);
    expect(report.format).toBe('dsn');
    expect(report.recipients[0]?.kind).toBe('hard');
    expect(report.reason).toContain(`only the first 10 MB of ${raw.length} bytes read`);
  });

  it('does not follow a message of absurdly many (or nested) parts past its header', async () => {
    const depth = MAX_PARTS + 10;
    const opening: string[] = [];
    const closing: string[] = [];
    for (let i = 0; i < depth; i++) {
      opening.push(`--n${i}`, `Content-Type: multipart/mixed; boundary="n${i + 1}"`, '');
      closing.unshift(`--n${i}--`);
    }
    const raw = Buffer.from(
      [
        'From: someone@example.net',
        'To: alerts@brief.example',
        'Subject: Automatic reply: nested',
        'Auto-Submitted: auto-replied',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="n0"',
        '',
        ...opening,
        'Content-Type: text/plain',
        '',
        'deep',
        ...closing,
        '',
      ].join('\r\n'),
    );
    const started = performance.now();
    const report = await readInboundMessage(raw);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(report.format).toBe('auto-reply');
    expect(report.reason).toContain('body not read');
  });

  it('survives a broken encoding, a missing closing boundary and a header with no body', async () => {
    const broken = Buffer.from(
      `${DSN_HEAD}\r\n${DSN_PART}--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64@@@\r\n`,
    );
    expect((await readInboundMessage(broken)).recipients[0]?.kind).toBe('hard');
    const headerOnly = Buffer.from('From: a@example.com\r\nSubject: hi\r\n');
    expect((await readInboundMessage(headerOnly)).format).toBe('unknown');
  });

  it('reads a multipart whose boundary never comes from its raw body', async () => {
    const raw = Buffer.from(
      `${DSN_HEAD.replace('boundary="b"', 'boundary="missing"')}\r\n${DSN_PART}--b--\r\n`,
    );
    const report = await readInboundMessage(raw);
    expect(report.format).toBe('dsn');
    expect(report.recipients.map((r) => [r.kind, r.recipient])).toEqual([
      ['hard', 'ann@example.com'],
    ]);
  });

  it('reads old Mac line endings (CR alone) and a leading mbox From line', async () => {
    const text = `${DSN_HEAD}\r\n${DSN_PART}--b--\r\n`;
    const mac = Buffer.from(text.replace(/\r\n/g, '\r'));
    expect((await readInboundMessage(mac)).recipients[0]?.recipient).toBe('ann@example.com');
    const mbox = Buffer.from(`From MAILER-DAEMON Tue Dec  1 07:02:11 2026\n${text}`);
    expect((await readInboundMessage(mbox)).recipients[0]?.recipient).toBe('ann@example.com');
  });

  it('caps a diagnostic at one line of 500 characters', async () => {
    const long = `550 5.1.1 ${'x'.repeat(2000)}\r\n  and a second line`;
    const raw = Buffer.from(
      `${DSN_HEAD}\r\n${DSN_PART.replace('Status: 5.1.1', `Status: 5.1.1\r\nDiagnostic-Code: smtp; ${long}`)}--b--\r\n`,
    );
    const diagnostic = (await readInboundMessage(raw)).recipients[0]?.diagnostic ?? '';
    expect(diagnostic.length).toBeLessThanOrEqual(500);
    expect(diagnostic).not.toMatch(/[\r\n]/);
  });
});
