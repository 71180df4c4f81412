import nodemailer from 'nodemailer';
import { buildDkimOptions, buildMessage } from './build-message.js';
import type { MailSettings, OutgoingEmail } from './mail-transport.js';

/** One email as the bytes that go on the wire, and the Message-ID written into them. */
export interface ComposedMessage {
  messageId: string;
  raw: Buffer;
}

export interface MessageComposer {
  compose(email: OutgoingEmail): Promise<ComposedMessage>;
  close(): void;
}

/**
 * Builds each message whole, in memory: MIME parts, list headers and the DKIM signature when
 * configured, by nodemailer's own stream transport. The outbox writes these bytes; SMTP hands
 * them over in one piece, where a message streamed as it is built would reach the socket in
 * hundreds of small writes.
 */
export function createMessageComposer(
  settings: Pick<MailSettings, 'from' | 'dkim'>,
): MessageComposer {
  const composer = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    ...(settings.dkim ? { dkim: buildDkimOptions(settings.dkim) } : {}),
  });
  return {
    async compose(email) {
      const info = await composer.sendMail(buildMessage(email, settings.from));
      if (!Buffer.isBuffer(info.message)) throw new Error('the composer returned no buffer');
      return { messageId: info.messageId, raw: info.message };
    },
    close() {
      composer.close();
    },
  };
}
