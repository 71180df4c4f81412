import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMailTransport } from '../../../src/adapters/mail/create-mail-transport.js';
import { createThreadedMailTransport } from '../../../src/adapters/mail/mail-thread.js';
import type { MailTransport } from '../../../src/adapters/mail/mail-transport.js';
import { SendFailure } from '../../../src/adapters/mail/smtp-failure.js';
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp-test-server.js';
import { FROM, headerValues, makeTempDir, readHeaderLines, sampleEmail } from './mail-fixtures.js';

const VERP = 'bounces+d42-abcdefghijklmnop@bounce.example.com';

let server: TestSmtpServer | null = null;
let transport: MailTransport | null = null;

afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = null;
  server = null;
});

describe.each([
  ['in the calling thread', createMailTransport],
  ['on a mail thread', createThreadedMailTransport],
] as const)('the envelope sender, %s', (_where, create) => {
  it('is the VERP address over SMTP, with From and the tag header as they were', async () => {
    server = await startSmtpServer();
    transport = create({ smtpUrl: server.url, outboxDir: 'unused', from: FROM, dkim: null });
    await transport.send(sampleEmail({ envelopeFrom: VERP, bounceTag: 'd42-abcdefghijklmnop' }));

    const mail = server.received[0]!;
    expect(mail.from).toBe(VERP);
    expect(mail.to).toEqual(['reader@example.org']);
    const lines = await readHeaderLines(mail.raw);
    expect(headerValues(lines, 'From')).toEqual(['Example Bulletin <news@mail.example.com>']);
    expect(headerValues(lines, 'X-Bulletin-Tag')).toEqual(['d42-abcdefghijklmnop']);
    // Where Postmark and SendGrid hand the tag back in their events.
    expect(headerValues(lines, 'X-PM-Metadata-bulletin-tag')).toEqual(['d42-abcdefghijklmnop']);
    expect(headerValues(lines, 'X-SMTPAPI').map((v) => JSON.parse(v))).toEqual([
      { unique_args: { bulletin_tag: 'd42-abcdefghijklmnop' } },
    ]);
    // The receiving server writes Return-Path; a sender that wrote one would be overruled.
    expect(headerValues(lines, 'Return-Path')).toEqual([]);
  });

  it('is the From address without one', async () => {
    server = await startSmtpServer();
    transport = create({ smtpUrl: server.url, outboxDir: 'unused', from: FROM, dkim: null });
    await transport.send(sampleEmail());
    expect(server.received[0]!.from).toBe('news@mail.example.com');
  });

  it('is written as the Return-Path of an outbox file', async () => {
    const temp = await makeTempDir();
    try {
      transport = create({ smtpUrl: null, outboxDir: temp.dir, from: FROM, dkim: null });
      await transport.send(sampleEmail({ envelopeFrom: VERP, bounceTag: 'd42-abcdefghijklmnop' }));
      await transport.send(sampleEmail({ messageId: '<delivery-43.abc@mail.example.com>' }));
      const files = (await readdir(temp.dir)).sort();
      const [tagged, plain] = await Promise.all(
        files.map((file) => readFile(join(temp.dir, file), 'latin1')),
      );
      expect(tagged!.split('\r\n')[0]).toBe(`Return-Path: <${VERP}>`);
      expect(headerValues(await readHeaderLines(tagged!), 'Return-Path')).toEqual([`<${VERP}>`]);
      expect(plain!.split('\r\n')[0]).toBe('Return-Path: <news@mail.example.com>');
    } finally {
      await temp.remove();
    }
  });

  it('refuses an envelope sender that is not a bare address', async () => {
    server = await startSmtpServer();
    transport = create({ smtpUrl: server.url, outboxDir: 'unused', from: FROM, dkim: null });
    const error = await transport
      .send(sampleEmail({ envelopeFrom: 'x@y.example>\r\nBcc: z@z.example' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SendFailure);
    expect((error as SendFailure).kind).toBe('permanent');
    expect(server.received).toEqual([]);
  });
});
