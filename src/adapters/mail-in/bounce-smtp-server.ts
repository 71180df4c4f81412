import type { AddressInfo, Socket } from 'node:net';
import {
  SMTPServer,
  type SMTPServerAddress,
  type SMTPServerDataStream,
  type SMTPServerSession,
} from 'smtp-server';
import type { Logger } from '../logger.js';

/*
 * The receiving SMTP server for the bounce domain (BOUNCE_SMTP_PORT). The mail servers of the
 * world send it bounces and complaints for the VERP addresses on BOUNCE_ADDRESS's domain. It
 * is no relay: a recipient on any other domain is refused (550 5.7.1), and nobody logs in (no
 * AUTH). A message is answered 250 only once `receive` has stored it; when storing fails the
 * answer is 451 4.3.0, so the sender keeps it and tries again later (the recorder knows a
 * message it has seen, so a retry of one that was stored after all changes nothing). Inbound
 * mail is hostile: the size is announced and enforced (552), as are the number of
 * connections, recipients and commands, an idle timeout and a whole connection's lifetime.
 */

/** What the listener knows of a message beside its bytes: the envelope's recipients. */
export interface BounceEnvelope {
  /** RCPT TO, each on the bounce domain: the VERP addresses that name the delivery. */
  to: string[];
}

export interface BounceSmtpOptions {
  port: number;
  /** Where to listen: every address when not given (an MX is reached from outside). */
  host?: string;
  /** BOUNCE_ADDRESS's domain: the only one mail is accepted for. */
  domain: string;
  /**
   * Stores the message (the recorder: read, recorded, committed). Resolves once it is safe to
   * say 250; rejects when it is not, and the sender is told to try again (451).
   */
  receive(raw: Buffer, envelope: BounceEnvelope): Promise<void>;
  log: Logger;
  /** The name in the greeting and EHLO answer; the domain by default. */
  hostname?: string;
  /** Largest message accepted; announced in EHLO (SIZE). */
  maxBytes?: number;
  /** Connections at once; more are answered 421 and closed. */
  maxClients?: number;
  /** A connection that says nothing for this long is closed. */
  idleTimeoutMs?: number;
  /** A connection open this long is closed, however busy (a slow drip never holds a slot). */
  maxConnectionMs?: number;
  /** A certificate to offer STARTTLS with; without one STARTTLS is not offered. */
  tls?: { key: string | Buffer; cert: string | Buffer } | null;
}

export interface BounceSmtpServer {
  port: number;
  /** Stops taking connections, lets messages being stored finish and be answered, then closes. */
  close(): Promise<void>;
}

/** A port the listener cannot take; the message says which and what to do. */
export class BounceListenerPortError extends Error {
  override name = 'BounceListenerPortError';
}

export const BOUNCE_SMTP_DEFAULTS = {
  maxBytes: 10 * 1024 * 1024,
  maxClients: 16,
  idleTimeoutMs: 60_000,
  maxConnectionMs: 10 * 60_000,
  /** A bounce names one address; a handful of recipients at most is real mail. */
  maxRecipients: 20,
} as const;

/** How long the close waits for messages being stored before it cuts connections. */
const CLOSE_GRACE_MS = 30_000;

/** An SMTP reply for smtp-server's callbacks; the text leads with its enhanced status code. */
function reply(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

/** `user@Mail.Example.com` → `mail.example.com`; null when there is no domain. */
function domainOf(address: string): string | null {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return null;
  return address
    .slice(at + 1)
    .replace(/\.$/, '')
    .toLowerCase();
}

export async function startBounceSmtpServer(options: BounceSmtpOptions): Promise<BounceSmtpServer> {
  const { log } = options;
  const domain = options.domain.toLowerCase();
  const maxBytes = options.maxBytes ?? BOUNCE_SMTP_DEFAULTS.maxBytes;
  const maxConnectionMs = options.maxConnectionMs ?? BOUNCE_SMTP_DEFAULTS.maxConnectionMs;
  const storing = new Set<Promise<unknown>>();
  const sockets = new Set<Socket>();
  let closing = false;

  const server = new SMTPServer({
    name: options.hostname ?? domain,
    banner: 'Bulletin bounce receiver',
    logger: false,
    // Nobody logs in, and nothing is relayed: AUTH is not offered at all.
    authOptional: true,
    disabledCommands: options.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    size: maxBytes,
    maxClients: options.maxClients ?? BOUNCE_SMTP_DEFAULTS.maxClients,
    socketTimeout: options.idleTimeoutMs ?? BOUNCE_SMTP_DEFAULTS.idleTimeoutMs,
    closeTimeout: CLOSE_GRACE_MS,
    // No DNS look-up per connection: nothing here depends on the client's name.
    disableReverseLookup: true,
    onMailFrom(_address: SMTPServerAddress, _session: SMTPServerSession, callback) {
      if (closing) return callback(reply(421, '4.3.2 Shutting down, try again later'));
      callback();
    },
    onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback) {
      if (domainOf(address.address) !== domain) {
        log.debug({ event: 'bounce_smtp.relay_refused' });
        return callback(
          reply(550, '5.7.1 Relaying denied: this server takes mail for its domain only'),
        );
      }
      if (session.envelope.rcptTo.length >= BOUNCE_SMTP_DEFAULTS.maxRecipients)
        return callback(reply(452, '4.5.3 Too many recipients'));
      callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      let kept = 0;
      stream.on('data', (chunk: Buffer) => {
        // Past the limit the rest is read and dropped: the answer is 552 either way.
        if (kept + chunk.length > maxBytes) return;
        chunks.push(chunk);
        kept += chunk.length;
      });
      stream.on('error', (error) => callback(reply(451, `4.3.0 ${error.message}`)));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          log.info({ event: 'bounce_smtp.too_large', bytes: stream.byteLength, limit: maxBytes });
          return callback(
            reply(552, `5.3.4 Message larger than the ${maxBytes} bytes this server takes`),
          );
        }
        const raw = Buffer.concat(chunks, kept);
        const envelope = { to: session.envelope.rcptTo.map((rcpt) => rcpt.address) };
        const stored = options.receive(raw, envelope).then(
          () => {
            log.info({
              event: 'bounce_smtp.received',
              bytes: raw.length,
              recipients: envelope.to.length,
            });
            callback(null, '2.6.0 Stored');
          },
          (error: unknown) => {
            log.warn({
              event: 'bounce_smtp.store_failed',
              bytes: raw.length,
              error: error instanceof Error ? error.message : String(error),
            });
            callback(reply(451, '4.3.0 Could not store the message now; try again later'));
          },
        );
        storing.add(stored);
        void stored.finally(() => storing.delete(stored));
      });
    },
  });
  // An error on one connection (a reset, a TLS failure) is that connection's end, not ours.
  server.on('error', (error) =>
    log.debug({ event: 'bounce_smtp.connection_error', error: error.message }),
  );
  server.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    const lifetime = setTimeout(() => socket.destroy(), maxConnectionMs);
    lifetime.unref();
    socket.once('close', () => {
      clearTimeout(lifetime);
      sockets.delete(socket);
    });
  });

  await listen(server, options.port, options.host);
  const { port } = server.server.address() as AddressInfo;
  log.info({ event: 'bounce_smtp.listening', port, domain });

  return {
    port,
    async close() {
      closing = true;
      // Stop taking connections; the callback comes once the last one has gone.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Every message being stored is answered (250 or 451) before the connections are cut.
      await Promise.allSettled([...storing]);
      for (const connection of server.connections) connection.send(421, '4.3.2 Shutting down');
      const cut = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, 2000);
      await closed;
      clearTimeout(cut);
    },
  };
}

/** On `host`, or every IPv6 and IPv4 address (every IPv4 one on a host without IPv6). */
async function listen(server: SMTPServer, port: number, host: string | undefined): Promise<void> {
  const attempt = (address: string) =>
    new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => {
        server.server.off('listening', onListening);
        reject(error);
      };
      const onListening = () => {
        server.server.off('error', onError);
        resolve();
      };
      server.server.once('error', onError);
      server.server.once('listening', onListening);
      server.listen(port, address);
    });
  try {
    if (host) await attempt(host);
    else
      await attempt('::').catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EAFNOSUPPORT') throw error;
        return attempt('0.0.0.0');
      });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new BounceListenerPortError(
        `port ${port} is in use (BOUNCE_SMTP_PORT): stop what listens there or set BOUNCE_SMTP_PORT to a free port`,
      );
    if (code === 'EACCES')
      throw new BounceListenerPortError(
        `port ${port} may not be listened on by this user (BOUNCE_SMTP_PORT): listen on a port above 1023 and let the MX forward to it, or grant the capability`,
      );
    throw error;
  }
}
