import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * - `accept`: takes every message and records it.
 * - `4xx-rcpt` / `4xx-data`: answers 451 to every RCPT TO, or to the end of DATA.
 * - `closed`: not listening; connections are refused.
 */
export type SmtpMode = 'accept' | '4xx-rcpt' | '4xx-data' | 'closed';

export interface AcceptedMessage {
  /** Envelope recipients. */
  to: string[];
  messageId: string;
  subject: string;
  receivedAt: number;
}

export interface FaultSmtpServer {
  /** `smtp://127.0.0.1:<port>`; the port stays the same across `closed` and back. */
  url: string;
  port: number;
  mode(): SmtpMode;
  setMode(mode: SmtpMode): Promise<void>;
  /** Every message accepted so far, parsed. */
  accepted(): Promise<AcceptedMessage[]>;
  /**
   * Called right after a message is accepted, when the sender is about to record the send:
   * the moment a fault does the most harm.
   */
  onAccepted(hook: (() => void) | null): void;
  /** Replies 451 given so far. */
  stats(): { refusals: number };
  close(): Promise<void>;
}

function reply451(text: string): Error {
  return Object.assign(new Error(text), { responseCode: 451 });
}

/** An SMTP server a test switches between accepting, 4xx answers and not listening at all. */
export async function startFaultSmtpServer(): Promise<FaultSmtpServer> {
  let mode: SmtpMode = 'accept';
  let port = 0;
  let refusals = 0;
  const parsing: Promise<AcceptedMessage>[] = [];
  let server: SMTPServer | null = null;
  let acceptedHook: (() => void) | null = null;

  const listen = async (): Promise<void> => {
    const created = new SMTPServer({
      logger: false,
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      // Going `closed` must not wait for the client's idle pooled connections.
      closeTimeout: 100,
      onRcptTo(_address, _session, callback) {
        if (mode !== '4xx-rcpt') return callback();
        refusals++;
        callback(reply451('4.3.0 Try again later (RCPT)'));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (mode !== 'accept') {
            refusals++;
            return callback(reply451('4.3.0 Try again later (DATA)'));
          }
          // Recorded in the same tick as the 250 reply, so "recorded" means "accepted".
          const to = session.envelope.rcptTo.map((r) => r.address);
          parsing.push(parseAccepted(Buffer.concat(chunks), to));
          callback(null, 'Queued');
          acceptedHook?.();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      created.server.once('error', reject);
      created.listen(port, '127.0.0.1', () => resolve());
    });
    port = (created.server.address() as AddressInfo).port;
    server = created;
  };

  const stop = async (): Promise<void> => {
    const running = server;
    server = null;
    if (running) await new Promise<void>((resolve) => running.close(() => resolve()));
  };

  await listen();
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mode: () => mode,
    async setMode(next) {
      if (next === 'closed') {
        // Set first: a message whose DATA ends during the close is refused, not half-taken.
        mode = next;
        await stop();
        return;
      }
      if (!server) await listen();
      mode = next;
    },
    accepted: () => Promise.all(parsing),
    onAccepted: (hook) => {
      acceptedHook = hook;
    },
    stats: () => ({ refusals }),
    close: stop,
  };
}

async function parseAccepted(raw: Buffer, to: string[]): Promise<AcceptedMessage> {
  const receivedAt = Date.now();
  const mail = await simpleParser(raw);
  return { to, messageId: mail.messageId ?? '', subject: mail.subject ?? '', receivedAt };
}
