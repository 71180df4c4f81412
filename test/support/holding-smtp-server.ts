import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AcceptedMessage } from './fault-smtp-server.js';

/**
 * Runs after the server has taken a message and before its 250 reply is written: whatever it
 * does (kill the sender, cut its database off) happens while the message is the server's and
 * the client has not yet learnt so. The reply waits for the returned promise.
 */
export type BeforeReplyHook = (message: AcceptedMessage) => Promise<void> | void;

export interface HoldingSmtpServer {
  /** `smtp://127.0.0.1:<port>` */
  url: string;
  /** Every message taken so far, including those whose reply never reached the client. */
  accepted(): AcceptedMessage[];
  beforeReply(hook: BeforeReplyHook | null): void;
  close(): Promise<void>;
}

/**
 * An SMTP server that takes every message, and whose reply to the end of DATA a test can hold
 * back. The fault SMTP server's accept hook runs after the 250 is written, which a sender may
 * already have read; the crash drills need the moment before.
 */
export async function startHoldingSmtpServer(): Promise<HoldingSmtpServer> {
  const accepted: AcceptedMessage[] = [];
  let hook: BeforeReplyHook | null = null;

  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    closeTimeout: 100,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        void (async () => {
          const mail = await simpleParser(Buffer.concat(chunks));
          const message: AcceptedMessage = {
            to,
            messageId: mail.messageId ?? '',
            subject: mail.subject ?? '',
            receivedAt: Date.now(),
          };
          // The server has the message from here on, whatever becomes of the reply.
          accepted.push(message);
          // A hook that fails still lets the reply go; the test that armed it reports why.
          const running = hook;
          await (async () => running?.(message))().catch((error: unknown) =>
            console.error('before-reply hook failed:', error),
          );
          callback(null, 'Queued');
        })();
      });
    },
  });
  // A reply written to the socket of a sender killed meanwhile fails there, harmlessly.
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted: () => [...accepted],
    beforeReply: (next) => {
      hook = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
