import nodemailer from 'nodemailer';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BounceEnvelope,
  type BounceSmtpServer,
  startBounceSmtpServer,
} from '../../src/adapters/mail-in/bounce-smtp-server.js';
import { openSmtpDialog } from '../support/smtp-dialog.js';

const log = pino({ level: 'silent' });
const DOMAIN = 'mail.brief.example';
const BOUNCE = 'From: MAILER-DAEMON@mx.example\r\nSubject: Undelivered\r\n\r\nSorry.\r\n';

let server: BounceSmtpServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function listen(
  receive: (raw: Buffer, envelope: BounceEnvelope) => Promise<void>,
  options: { maxBytes?: number; maxClients?: number; idleTimeoutMs?: number } = {},
) {
  server = await startBounceSmtpServer({
    port: 0,
    host: '127.0.0.1',
    domain: DOMAIN,
    receive,
    log,
    ...options,
  });
  return server;
}

describe('the bounce SMTP listener', () => {
  it('takes a bounce for its domain, null sender, and answers 250 once it is stored', async () => {
    const stored: { raw: string; to: string[] }[] = [];
    let finish: () => void = () => {};
    const { port } = await listen(
      (raw, envelope) =>
        new Promise((resolve) => {
          stored.push({ raw: raw.toString('latin1'), to: envelope.to });
          finish = resolve;
        }),
    );
    const smtp = await openSmtpDialog(port);
    expect(smtp.greeting).toMatch(/^220 mail\.brief\.example ESMTP/);
    const ehlo = await smtp.say('EHLO mx.example');
    expect(ehlo).toMatch(/SIZE 10485760/);
    expect(ehlo).not.toMatch(/AUTH|STARTTLS/);
    expect(await smtp.say('MAIL FROM:<>')).toMatch(/^250/);
    expect(await smtp.say('RCPT TO:<bounces+d42-abcdefghijklmnop@MAIL.brief.example>')).toMatch(
      /^250/,
    );
    expect(await smtp.say('DATA')).toMatch(/^354/);
    let answered = false;
    const answer = smtp.data(BOUNCE).then((reply) => {
      answered = true;
      return reply;
    });
    // Not a word before the recorder says the message is safe.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    expect(stored).toHaveLength(1);
    finish();
    expect(await answer).toMatch(/^250 2\.6\.0/);
    expect(stored[0]?.to).toEqual(['bounces+d42-abcdefghijklmnop@MAIL.brief.example']);
    expect(stored[0]?.raw).toContain('Subject: Undelivered');
    expect(await smtp.say('QUIT')).toMatch(/^221/);
  });

  it('is no relay: a recipient on another domain is refused 550 5.7.1, and AUTH does not exist', async () => {
    const stored: Buffer[] = [];
    const { port } = await listen(async (raw) => {
      stored.push(raw);
    });
    const smtp = await openSmtpDialog(port);
    await smtp.say('EHLO spammer.example');
    expect(await smtp.say('AUTH PLAIN AGJvYgBzZWNyZXQ=')).toMatch(/^5\d\d/);
    expect(await smtp.say('MAIL FROM:<spam@spammer.example>')).toMatch(/^250/);
    expect(await smtp.say('RCPT TO:<victim@gmail.example>')).toMatch(
      /^550 5\.7\.1 Relaying denied/,
    );
    expect(await smtp.say('RCPT TO:<x@sub.mail.brief.example>')).toMatch(/^550 5\.7\.1/);
    expect(await smtp.say('RCPT TO:<x@brief.example>')).toMatch(/^550 5\.7\.1/);
    // Quoted and source-routed forms are refused too, as bad syntax.
    expect(await smtp.say('RCPT TO:<"a@mail.brief.example"@evil.example>')).toMatch(/^5\d\d/);
    expect(await smtp.say('RCPT TO:<@mail.brief.example:victim@evil.example>')).toMatch(/^5\d\d/);
    expect(await smtp.say('DATA')).toMatch(/^503/);
    smtp.close();
    // nodemailer, as a mail server would, is refused the same way.
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port,
      secure: false,
      ignoreTLS: true,
    });
    await expect(
      transport.sendMail({ envelope: { from: 'a@b.example', to: ['c@d.example'] }, raw: BOUNCE }),
    ).rejects.toMatchObject({ responseCode: 550 });
    transport.close();
    expect(stored).toHaveLength(0);
  });

  it('refuses a message over the size limit with 552, announced or not', async () => {
    const stored: Buffer[] = [];
    const { port } = await listen(
      async (raw) => {
        stored.push(raw);
      },
      { maxBytes: 64 * 1024 },
    );
    const smtp = await openSmtpDialog(port);
    expect(await smtp.say('EHLO mx.example')).toMatch(/SIZE 65536/);
    expect(await smtp.say('MAIL FROM:<> SIZE=9999999')).toMatch(/^552/);
    expect(await smtp.say('MAIL FROM:<>')).toMatch(/^250/);
    expect(await smtp.say(`RCPT TO:<bounces@${DOMAIN}>`)).toMatch(/^250/);
    expect(await smtp.say('DATA')).toMatch(/^354/);
    const big = `${BOUNCE}${'x'.repeat(76)}\r\n`.repeat(2000);
    expect(await smtp.data(big)).toMatch(/^552 5\.3\.4/);
    // The connection goes on: the next message, small, is taken.
    expect(await smtp.say('MAIL FROM:<>')).toMatch(/^250/);
    expect(await smtp.say(`RCPT TO:<bounces@${DOMAIN}>`)).toMatch(/^250/);
    expect(await smtp.say('DATA')).toMatch(/^354/);
    expect(await smtp.data(BOUNCE)).toMatch(/^250/);
    smtp.close();
    expect(stored).toHaveLength(1);
  });

  it('answers 451 4.3.0 when the message cannot be stored, so the sender tries again', async () => {
    let fail = true;
    const stored: Buffer[] = [];
    const { port } = await listen(async (raw) => {
      if (fail) throw new Error('the database is away');
      stored.push(raw);
    });
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port,
      secure: false,
      ignoreTLS: true,
    });
    const envelope = { from: '', to: [`bounces+d1-aaaaaaaaaaaaaaaa@${DOMAIN}`] };
    await expect(transport.sendMail({ envelope, raw: BOUNCE })).rejects.toMatchObject({
      responseCode: 451,
      response: expect.stringMatching(/^451 4\.3\.0/),
    });
    fail = false;
    await expect(transport.sendMail({ envelope, raw: BOUNCE })).resolves.toMatchObject({
      accepted: envelope.to,
    });
    transport.close();
    expect(stored).toHaveLength(1);
  });

  it('limits connections and closes an idle one', async () => {
    const { port } = await listen(async () => {}, { maxClients: 2, idleTimeoutMs: 500 });
    const first = await openSmtpDialog(port);
    const second = await openSmtpDialog(port);
    const third = await openSmtpDialog(port);
    expect(first.greeting).toMatch(/^220/);
    expect(second.greeting).toMatch(/^220/);
    expect(third.greeting).toMatch(/^421/);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(first.closed()).toBe(true);
    for (const dialog of [first, second, third]) dialog.close();
  });

  it('on close, answers the message being stored before it cuts the connections', async () => {
    let finish: () => void = () => {};
    const listening = await listen(
      () =>
        new Promise((resolve) => {
          finish = resolve;
        }),
    );
    const idle = await openSmtpDialog(listening.port);
    const busy = await openSmtpDialog(listening.port);
    await busy.say('EHLO mx.example');
    await busy.say('MAIL FROM:<>');
    await busy.say(`RCPT TO:<bounces@${DOMAIN}>`);
    await busy.say('DATA');
    const answer = busy.data(BOUNCE);
    await new Promise((resolve) => setTimeout(resolve, 200));
    let closed = false;
    const closing = listening.close().then(() => {
      closed = true;
    });
    server = null;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(closed).toBe(false);
    finish();
    expect(await answer).toMatch(/^250/);
    await closing;
    expect(idle.closed()).toBe(true);
    idle.close();
    busy.close();
  });
});
