import { ImapFlow } from 'imapflow';
import type { Logger } from '../logger.js';

/*
 * The bounce mailbox read over IMAP (BOUNCE_IMAP_URL). Each unseen message of the folder (one
 * marked read, or flagged deleted by someone, is left alone) is fetched (one at a time, at most `maxMessageBytes` of it), handed to `handle`, and once
 * `handle` has resolved (its outcome committed) MOVED to `Bulletin/Processed` or
 * `Bulletin/Unmatched`, created when missing. Nothing is ever deleted or expunged beyond the
 * move itself: operators review what was decided. A message whose handling failed stays where
 * it is, unseen, for the next poll; one handled but not moved (a crash between the two) is
 * handled again next time, which the recorder knows as a duplicate.
 */

/** Where a handled message goes: a bounce, complaint or ignored mail, or one that named no delivery. */
export type MailboxVerdict = 'processed' | 'unmatched';

/** The folders messages are moved to, as parts joined with the server's own delimiter. */
export const MAILBOX_FOLDERS: Record<MailboxVerdict, readonly string[]> = {
  processed: ['Bulletin', 'Processed'],
  unmatched: ['Bulletin', 'Unmatched'],
};

export interface ImapMailboxOptions {
  host: string;
  port: number;
  /** TLS from the start (`imaps:`); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user: string;
  password: string;
  /** The folder bounces arrive in. */
  mailbox: string;
  log: Logger;
  /** The most of one message that is read; a larger one is read that far. */
  maxMessageBytes?: number;
  /** Messages handled in one poll at most; the rest wait for the next. */
  maxMessagesPerPoll?: number;
  /** Node TLS options for the connection (a private CA). */
  tls?: Record<string, unknown>;
}

export interface MessageInfo {
  uid: number;
  /** The message's whole size on the server. */
  size: number;
  /** Whether only the first `maxMessageBytes` were read. */
  truncated: boolean;
}

export interface MailboxPollReport {
  /** Unseen messages found in the folder. */
  found: number;
  processed: number;
  unmatched: number;
  /** Whose handling failed: left in place, unseen, for the next poll. */
  failed: number;
  /** Found but left for the next poll (over `maxMessagesPerPoll`). */
  left: number;
}

/** A poll that handled some messages and failed on others; `report` says how many of each. */
export class MailboxPollError extends Error {
  override name = 'MailboxPollError';
  constructor(
    message: string,
    readonly report: MailboxPollReport,
  ) {
    super(message);
  }
}

/** Handlings that fail one after the other before a poll gives up until the next minute. */
const FAILURES_THAT_END_A_POLL = 3;

export const IMAP_MAILBOX_DEFAULTS = {
  maxMessageBytes: 10 * 1024 * 1024,
  maxMessagesPerPoll: 500,
} as const;

/**
 * One poll: connects, handles and moves each unseen message in turn, logs out. Rejects when
 * the server cannot be reached or refuses, and with a {@link MailboxPollError} when `handle`
 * rejected for any message (the database is away): what was handled is moved, the rest waits
 * for the next poll.
 */
export async function pollImapMailbox(
  options: ImapMailboxOptions,
  handle: (raw: Buffer, info: MessageInfo) => Promise<MailboxVerdict>,
): Promise<MailboxPollReport> {
  const maxBytes = options.maxMessageBytes ?? IMAP_MAILBOX_DEFAULTS.maxMessageBytes;
  const client = new ImapFlow({
    host: options.host,
    port: options.port,
    secure: options.secure,
    auth: { user: options.user, pass: options.password },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: 30_000,
    greetingTimeout: 16_000,
    socketTimeout: 120_000,
    // A hostile or broken server cannot make this process hold more than one message's cap.
    maxLiteralSize: maxBytes + 64 * 1024,
    maxResponseSize: maxBytes + 1024 * 1024,
    ...(options.tls ? { tls: options.tls } : {}),
  });
  // Errors also reject the command in hand; unheard, one would end the process.
  client.on('error', (error: Error) =>
    options.log.debug({ event: 'bounce_imap.connection_error', error: error.message }),
  );
  const report: MailboxPollReport = { found: 0, processed: 0, unmatched: 0, failed: 0, left: 0 };
  let firstError: unknown = null;
  await client.connect();
  try {
    const lock = await client.getMailboxLock(options.mailbox);
    try {
      // Unseen, and not flagged for deletion by someone else (theirs to expunge).
      const found = await client.search({ seen: false, deleted: false }, { uid: true });
      const uids = (found || []).sort((a, b) => a - b);
      report.found = uids.length;
      const batch = uids.slice(
        0,
        options.maxMessagesPerPoll ?? IMAP_MAILBOX_DEFAULTS.maxMessagesPerPoll,
      );
      report.left = uids.length - batch.length;
      const folders = new Map<MailboxVerdict, string>();
      let failedInARow = 0;
      for (const uid of batch) {
        const message = await client.fetchOne(
          String(uid),
          { uid: true, size: true, source: { start: 0, maxLength: maxBytes } },
          { uid: true },
        );
        // Gone meanwhile (another reader moved it): nothing to do.
        if (!message) continue;
        const raw = message.source ?? Buffer.alloc(0);
        const size = message.size ?? raw.length;
        let verdict: MailboxVerdict;
        try {
          verdict = await handle(raw, { uid, size, truncated: size > raw.length });
          failedInARow = 0;
        } catch (error) {
          // Left where it is for the next poll. One message that always fails holds up none
          // of the others; several in a row (the database is away) end this poll.
          report.failed++;
          firstError ??= error;
          if (++failedInARow >= FAILURES_THAT_END_A_POLL) break;
          continue;
        }
        let folder = folders.get(verdict);
        if (folder === undefined) {
          folder = await ensureFolder(client, MAILBOX_FOLDERS[verdict]);
          folders.set(verdict, folder);
        }
        await moveMessage(client, uid, folder);
        report[verdict]++;
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  if (firstError !== null) {
    const why = firstError instanceof Error ? firstError.message : String(firstError);
    throw new MailboxPollError(`${report.failed} message(s) could not be recorded: ${why}`, report);
  }
  return report;
}

/** The folder's full path on this server (its delimiter, its namespace), created when missing. */
async function ensureFolder(client: ImapFlow, parts: readonly string[]): Promise<string> {
  try {
    return (await client.mailboxCreate([...parts])).path;
  } catch (error) {
    // A server that says "exists" without the ALREADYEXISTS code (RFC 5530): find it.
    const wanted = parts.join('\u0000').toLowerCase();
    for (const mailbox of await client.list()) {
      const names = mailbox.path.split(mailbox.delimiter || '/');
      if (names.slice(-parts.length).join('\u0000').toLowerCase() === wanted) return mailbox.path;
    }
    throw error;
  }
}

/**
 * MOVE where the server has it (RFC 6851); else imapflow's COPY, flag and UID EXPUNGE of
 * that one message, where UIDPLUS keeps the expunge to it. A server with neither gets a COPY
 * and the original marked seen, left in place: a plain EXPUNGE would remove every message
 * anyone flagged deleted.
 */
async function moveMessage(client: ImapFlow, uid: number, folder: string): Promise<void> {
  const range = String(uid);
  if (client.capabilities.has('MOVE') || client.capabilities.has('UIDPLUS')) {
    if (!(await client.messageMove(range, folder, { uid: true })))
      throw new Error(`the IMAP server did not move message ${uid} to ${folder}`);
    return;
  }
  if (!(await client.messageCopy(range, folder, { uid: true })))
    throw new Error(`the IMAP server did not copy message ${uid} to ${folder}`);
  await client.messageFlagsAdd(range, ['\\Seen'], { uid: true });
}
