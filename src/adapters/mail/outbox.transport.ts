import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { displayPath } from '../../config/display-path.js';
import { makePrivateDirectoryAsync, PRIVATE_FILE_MODE } from '../private-files.js';
import { envelopeSenderOf } from './build-message.js';
import type { MailSettings, MailTransport, OutgoingEmail, SendResult } from './mail-transport.js';
import { createMessageComposer } from './message-composer.js';
import { classifySmtpError } from './smtp-failure.js';

/**
 * A transport that writes each message as `<outboxDir>/<message-id>.eml`: the raw RFC 5322
 * bytes (CRLF line ends, DKIM signature when configured) that SMTP would carry, after the
 * `Return-Path` a receiving server adds (the envelope sender, which no header says otherwise).
 * Used when no SMTP server is configured, and by the email checker. Each file holds a reader's
 * address and personal links: the outbox is mode 700, its files 600.
 */
export function createOutboxTransport(
  settings: Pick<MailSettings, 'outboxDir' | 'from' | 'dkim'>,
): MailTransport {
  const composer = createMessageComposer(settings);
  let ready: Promise<unknown> | null = null;

  return {
    async send(email: OutgoingEmail): Promise<SendResult> {
      try {
        const message = await composer.compose(email);
        ready ??= makePrivateDirectoryAsync(settings.outboxDir);
        await ready;
        const name = outboxFileName(message.messageId);
        // As the receiving server would write it on delivery: the envelope sender shows.
        const returnPath = Buffer.from(
          `Return-Path: <${envelopeSenderOf(email, settings.from)}>\r\n`,
        );
        await writeFileAtomically(
          join(settings.outboxDir, name),
          Buffer.concat([returnPath, message.raw]),
        );
        return { messageId: message.messageId, response: `250 written to outbox as ${name}` };
      } catch (error) {
        ready = null;
        throw classifySmtpError(error);
      }
    },
    async close(): Promise<void> {
      composer.close();
    },
    describe(): string {
      return `outbox ${displayPath(settings.outboxDir)}`;
    },
  };
}

/**
 * The file name for a Message-ID: safe characters only, and the same for the same id, so a
 * retried send replaces its file instead of adding a second one.
 */
export function outboxFileName(messageId: string): string {
  const safe = messageId
    .replace(/^\s*<|>\s*$/g, '')
    .replace(/[^A-Za-z0-9._@+=-]+/g, '_')
    .replace(/^\.+/, '_');
  return `${safe || 'message'}.eml`;
}

/**
 * Writes to a temporary file in the same directory (so rename stays on one file system),
 * flushes it, then renames over the target: a reader sees the old file or the whole new one.
 * The temporary name starts with a dot and ends in `.tmp`, so `*.eml` never matches it.
 */
async function writeFileAtomically(path: string, data: Buffer): Promise<void> {
  const dir = join(path, '..');
  const temp = join(dir, `.${randomUUID()}.tmp`);
  const file = await open(temp, 'wx', PRIVATE_FILE_MODE);
  try {
    await file.chmod(PRIVATE_FILE_MODE);
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
