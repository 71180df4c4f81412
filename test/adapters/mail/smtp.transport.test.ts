import { createServer, type Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMailTransport } from '../../../src/adapters/mail/create-mail-transport.js';
import { createThreadedMailTransport } from '../../../src/adapters/mail/mail-thread.js';
import type { MailTransport } from '../../../src/adapters/mail/mail-transport.js';
import { SendFailure } from '../../../src/adapters/mail/smtp-failure.js';
import { smtpReply, startSmtpServer, type TestSmtpServer } from '../../support/smtp-test-server.js';
import { FROM, headerValues, parseMail, readHeaderLines, sampleEmail } from './mail-fixtures.js';

const SHORT = 'connectionTimeout=2000&greetingTimeout=2000&socketTimeout=3000';

let server: TestSmtpServer | null = null;
let transport: MailTransport | null = null;

afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = null;
  server = null;
});

// Every case runs on both: composed and sent in the calling thread, and on a mail thread.
const creators = [
  ['in the calling thread', createMailTransport],
  ['on a mail thread', createThreadedMailTransport],
] as const;
let create: (typeof creators)[number][1] = createMailTransport;

function connect(url: string): MailTransport {
  transport = create({ smtpUrl: url, outboxDir: 'unused', from: FROM, dkim: null });
  return transport;
}

async function sendExpectingFailure(t: MailTransport): Promise<SendFailure> {
  const error = await t.send(sampleEmail()).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SendFailure);
  return error as SendFailure;
}

describe.each(creators)('SMTP transport, %s', (_where, creator) => {
  beforeEach(() => {
    create = creator;
  });

  it('delivers a message the server accepts, with the envelope, parts and headers intact', async () => {
    server = await startSmtpServer();
    const result = await connect(`${server.url}?${SHORT}`).send(sampleEmail());

    expect(result.messageId).toBe('<delivery-42.abc@mail.example.com>');
    expect(result.response).toMatch(/^250 .*Queued as T1/);
    expect(server.received).toHaveLength(1);
    const mail = server.received[0]!;
    expect(mail.secure).toBe(false);
    expect(mail.from).toBe('news@mail.example.com');
    expect(mail.to).toEqual(['reader@example.org']);

    const parsed = await parseMail(mail.raw);
    expect(parsed.subject).toBe('Export controls: your daily digest');
    expect(parsed.text).toContain('Three new stories.');
    expect(parsed.html).toContain('<p>Three new stories.</p>');
    const lines = await readHeaderLines(mail.raw);
    expect(headerValues(lines, 'List-Unsubscribe')).toEqual(['<https://news.example.com/u/tok>']);
    expect(headerValues(lines, 'List-Unsubscribe-Post')).toEqual(['List-Unsubscribe=One-Click']);
    expect(headerValues(lines, 'List-Id')).toEqual(['<export-controls-daily.mail.example.com>']);
    expect(headerValues(lines, 'Feedback-ID')).toEqual(['42:digest:daily:bulletin']);
    expect(headerValues(lines, 'To')).toEqual(['Rita Reader <reader@example.org>']);
  });

  it('reuses one pooled connection for several messages', async () => {
    server = await startSmtpServer();
    const t = connect(`${server.url}?maxConnections=1&${SHORT}`);
    for (const n of [1, 2, 3]) {
      await t.send(sampleEmail({ messageId: `<delivery-${n}@mail.example.com>` }));
    }
    expect(server.received.map((m) => m.raw.includes('delivery-3@'))).toEqual([false, false, true]);
    expect(server.connectionCount()).toBe(1);
  });

  it('talks STARTTLS to a self-signed test server when the URL allows it', async () => {
    server = await startSmtpServer({ disabledCommands: [] });
    const result = await connect(
      `${server.url}?tls.rejectUnauthorized=false&requireTLS=true&${SHORT}`,
    ).send(sampleEmail());
    expect(result.response).toMatch(/^250/);
    expect(server.received.map((m) => m.secure)).toEqual([true]);
  });

  it('treats a 4xx at the end of DATA as retryable and keeps the reply', async () => {
    server = await startSmtpServer({
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => callback(smtpReply(451, 'Greylisted, try again later')));
      },
    });
    const failure = await sendExpectingFailure(connect(`${server.url}?${SHORT}`));
    expect(failure.kind).toBe('retryable');
    expect(failure.hardBounce).toBe(false);
    expect(failure.smtpCode).toBe(451);
    expect(failure.response).toContain('Greylisted, try again later');
  });

  it('treats a 5xx to RCPT TO as a permanent hard bounce', async () => {
    server = await startSmtpServer({
      onRcptTo(_address, _session, callback) {
        callback(smtpReply(550, '5.1.1 No such user here'));
      },
    });
    const failure = await sendExpectingFailure(connect(`${server.url}?${SHORT}`));
    expect(failure.kind).toBe('permanent');
    expect(failure.hardBounce).toBe(true);
    expect(failure.smtpCode).toBe(550);
    expect(failure.response).toContain('No such user here');
    expect(server.received).toHaveLength(0);
  });

  it('treats a 5xx at the end of DATA as permanent but not a hard bounce', async () => {
    server = await startSmtpServer({
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => callback(smtpReply(554, '5.7.1 Message rejected as spam')));
      },
    });
    const failure = await sendExpectingFailure(connect(`${server.url}?${SHORT}`));
    expect(failure.kind).toBe('permanent');
    expect(failure.hardBounce).toBe(false);
    expect(failure.smtpCode).toBe(554);
    expect(failure.response).toContain('Message rejected as spam');
  });

  it('treats a connection dropped in the middle of the message as retryable, without re-sending', async () => {
    let dataCommands = 0;
    const srv = await startSmtpServer({
      onData(stream) {
        dataCommands++;
        stream.once('data', () => {
          for (const socket of srv.sockets) socket.destroy();
        });
      },
    });
    server = srv;
    const failure = await sendExpectingFailure(connect(`${srv.url}?${SHORT}`));
    expect(failure.kind).toBe('retryable');
    expect(failure.smtpCode).toBeNull();
    expect(dataCommands).toBe(1);
  });

  it('treats a refused connection as retryable', async () => {
    const port = await findClosedPort();
    const failure = await sendExpectingFailure(connect(`smtp://127.0.0.1:${port}?${SHORT}`));
    expect(failure.kind).toBe('retryable');
    expect(failure.message).toMatch(/ECONNREFUSED|connect/i);
  });

  it('treats a server that never greets as retryable after the greeting timeout', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as { port: number };
      const started = Date.now();
      const failure = await sendExpectingFailure(
        connect(`smtp://127.0.0.1:${port}?greetingTimeout=300&connectionTimeout=1000`),
      );
      expect(failure.kind).toBe('retryable');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await closeServer(silent);
    }
  });

  it('describes where mail goes without the credentials', () => {
    const t = connect('smtp://user:secret@mail.example.net:2525');
    expect(t.describe()).toBe('smtp://mail.example.net:2525');
  });
});

async function findClosedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await closeServer(probe);
  return port;
}

function closeServer(s: Server): Promise<void> {
  return new Promise((resolve) => s.close(() => resolve()));
}
