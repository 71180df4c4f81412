import { messageIdDomain } from './build-message.js';
import type { MailSettings, MailTransport } from './mail-transport.js';
import { createOutboxTransport } from './outbox.transport.js';
import { createSmtpTransport } from './smtp.transport.js';

/**
 * Picks the transport the settings describe: pooled SMTP when `smtpUrl` is set, otherwise
 * the outbox directory. Both produce the same bytes (DKIM included), so what the outbox shows
 * is what SMTP would carry. Throws at once on a From address without a domain, a bad DKIM
 * key or a malformed SMTP_URL, so a bad setting stops start-up rather than every send.
 */
export function createMailTransport(settings: MailSettings): MailTransport {
  messageIdDomain(settings.from.email);
  return settings.smtpUrl
    ? createSmtpTransport({ ...settings, smtpUrl: settings.smtpUrl })
    : createOutboxTransport(settings);
}
