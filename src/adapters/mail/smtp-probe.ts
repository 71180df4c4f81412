import nodemailer from 'nodemailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';

/** A probe waits this long for each step (connect, greeting, each reply), not a send's minute. */
const PROBE_TIMEOUT_MS = 5000;

/**
 * Whether the SMTP server of `smtpUrl` answers: connects, reads its greeting, says EHLO, takes
 * STARTTLS when offered and logs in when the URL has credentials (nodemailer's `verify`), then
 * quits. Sends nothing. Throws what went wrong (refused, a timeout, TLS, 535 bad login); the
 * URL's own options (`?tls.rejectUnauthorized=false`) apply, as they do to the sends.
 */
export async function probeSmtpServer(smtpUrl: string): Promise<void> {
  const transporter = nodemailer.createTransport({
    ...parseConnectionUrl(smtpUrl),
    pool: false,
    connectionTimeout: PROBE_TIMEOUT_MS,
    greetingTimeout: PROBE_TIMEOUT_MS,
    socketTimeout: PROBE_TIMEOUT_MS,
  });
  try {
    await transporter.verify();
  } finally {
    transporter.close();
  }
}
