import { type ConnectionOptions, type Job, Queue, Worker } from 'bullmq';
import { createThrottledWarn, type Logger } from '../src/adapters/logger.js';
import type { MailboxPollReport, MailboxVerdict } from '../src/adapters/mail-in/imap-mailbox.js';
import type { ImapSetting } from '../src/config/settings.js';
import {
  type BounceContext,
  type InboundOutcome,
  processInboundMessage,
} from '../src/services/bounces/index.js';
import {
  BOUNCE_MAILBOX_QUEUE,
  BOUNCE_MAILBOX_SCHEDULER_ID,
  bullPrefix,
  JOB,
} from './queue-names.js';
import { MAX_STALLED_RETURNS } from './worker-options.js';

/*
 * The IMAP bounce mailbox (BOUNCE_IMAP_URL), polled every minute. Schedulers upsert one BullMQ
 * job scheduler (Redis keeps one however many do), its queue runs one job at a time across
 * every process (global concurrency 1), and a worker runs the poll: so the mailbox is never
 * read twice at once. A poll that fails (the server or the database away) is logged; the next
 * minute's poll takes up what it left.
 */

export const BOUNCE_MAILBOX_EVERY_MS = 60_000;

/** One poll, with the handler that records each message; the composition root binds the server. */
export type PollMailbox = (
  handle: (raw: Buffer) => Promise<MailboxVerdict>,
) => Promise<MailboxPollReport>;

export interface BounceMailboxQueue {
  queue: Queue;
  /**
   * With the mailbox set, makes sure the minute's poll is scheduled (left alone when it is:
   * upserting would move its next run); without it, removes a schedule left from before.
   */
  ensureSchedule(enabled: boolean): Promise<void>;
  close(): Promise<void>;
}

export function openBounceMailboxQueue(
  connection: ConnectionOptions,
  queuePrefix: string,
  onRedisError: (error: Error) => void,
): BounceMailboxQueue {
  const queue = new Queue(BOUNCE_MAILBOX_QUEUE, { connection, prefix: bullPrefix(queuePrefix) });
  queue.on('error', onRedisError);
  return {
    queue,
    async ensureSchedule(enabled) {
      const scheduled = await queue.getJobScheduler(BOUNCE_MAILBOX_SCHEDULER_ID);
      if (!enabled) {
        if (scheduled) await queue.removeJobScheduler(BOUNCE_MAILBOX_SCHEDULER_ID);
        return;
      }
      // One poll at a time in the whole installation, however many workers take jobs.
      await queue.setGlobalConcurrency(1);
      if (scheduled) return;
      await queue.upsertJobScheduler(
        BOUNCE_MAILBOX_SCHEDULER_ID,
        { every: BOUNCE_MAILBOX_EVERY_MS },
        {
          name: JOB.pollBounceMailbox,
          // The next minute's poll is the retry.
          opts: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } },
        },
      );
    },
    close: () => queue.close(),
  };
}

/** Where a recorded message goes: a bounce, complaint, opt-out or ignored mail, or unmatched. */
export function mailboxVerdictOf(outcome: InboundOutcome): MailboxVerdict {
  if (!outcome.readable) return 'unmatched';
  const matched = outcome.bounces.some((bounce) => bounce.kind !== 'unmatched');
  return matched ? 'processed' : 'unmatched';
}

/** A poll that records each message with source `imap` before it is moved. */
export function createBounceMailboxPoll(ctx: BounceContext, pollMailbox: PollMailbox) {
  return () =>
    pollMailbox(async (raw) => mailboxVerdictOf(await processInboundMessage(ctx, raw, 'imap')));
}

export interface RunningBounceMailboxWorker {
  worker: Worker;
  close(): Promise<void>;
}

export function startBounceMailboxWorker(
  connection: ConnectionOptions,
  queuePrefix: string,
  poll: () => Promise<MailboxPollReport>,
  log: Logger,
): RunningBounceMailboxWorker {
  const worker = new Worker(
    BOUNCE_MAILBOX_QUEUE,
    async (_job: Job) => {
      const report = await poll();
      const level = report.found > 0 ? 'info' : 'debug';
      log[level]({ event: 'bounce_imap.polled', ...report });
      return report;
    },
    {
      connection,
      prefix: bullPrefix(queuePrefix),
      concurrency: 1,
      maxStalledCount: MAX_STALLED_RETURNS,
    },
  );
  // A poll that recorded some messages and not others says how many of each.
  worker.on('failed', (_job, error) =>
    log.warn({
      event: 'bounce_imap.poll_failed',
      error: error.message,
      ...('report' in error && typeof error.report === 'object' ? error.report : {}),
    }),
  );
  // A lost Redis connection reports every reconnection attempt: one line per outage.
  const warnOnce = createThrottledWarn(log);
  worker.on('error', (error) =>
    warnOnce(`worker.${BOUNCE_MAILBOX_QUEUE}`, {
      event: 'worker.error',
      queue: BOUNCE_MAILBOX_QUEUE,
      error: error.message,
    }),
  );
  return { worker, close: () => worker.close() };
}

export interface BounceMailbox {
  /** In a scheduler: the minute's poll scheduled, or removed when BOUNCE_IMAP_URL is unset. */
  ensureSchedule(): Promise<void>;
  /** In a worker, with the mailbox set: polls when the schedule says. */
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

/** The mailbox's queue, its schedule and its worker, bound to BOUNCE_IMAP_URL's server. */
export function openBounceMailbox(
  connection: ConnectionOptions,
  settings: { queuePrefix: string; bounce: { imap: ImapSetting | null } },
  ctx: BounceContext,
  log: Logger,
): BounceMailbox {
  const { imap } = settings.bounce;
  const queue = openBounceMailboxQueue(connection, settings.queuePrefix, (error) =>
    log.debug({ event: 'queue.redis_error', queue: BOUNCE_MAILBOX_QUEUE, error: error.message }),
  );
  let worker: RunningBounceMailboxWorker | null = null;
  return {
    ensureSchedule: () => queue.ensureSchedule(imap !== null),
    async startWorker() {
      if (!imap || worker) return;
      // Loaded only where the mailbox is polled.
      const { pollImapMailbox } = await import('../src/adapters/mail-in/imap-mailbox.js');
      const poll = createBounceMailboxPoll(ctx, (handle) =>
        pollImapMailbox({ ...imap, log }, handle),
      );
      worker = startBounceMailboxWorker(connection, settings.queuePrefix, poll, log);
    },
    async close() {
      await worker?.close();
      await queue.close();
    },
  };
}
