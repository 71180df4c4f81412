import type { ConnectionOptions } from 'bullmq';
import type { Logger } from '../src/adapters/logger.js';
import type { ImapSetting } from '../src/config/settings.js';
import type { BounceContext } from '../src/services/bounces/index.js';
import { type BounceMailbox, openBounceMailbox } from './bounce-mailbox.job.js';
import { openRetention, type RetentionJob } from './retention.job.js';

/**
 * The scheduled work beside the minute tick: the bounce mailbox's poll (BOUNCE_IMAP_URL) and
 * the daily retention prune (RETENTION). A scheduler schedules both (or removes the poll when
 * the mailbox is unset); a worker runs them.
 */
export interface Housekeeping {
  ensureSchedule(): Promise<void>;
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

/** What this process runs of it: null when it is neither a scheduler nor a worker. */
export function openHousekeeping(
  connection: ConnectionOptions,
  settings: { queuePrefix: string; bounce: { imap: ImapSetting | null } },
  ctx: BounceContext,
  log: Logger,
  parts: { scheduler: boolean; workers: boolean },
): Housekeeping | null {
  if (!parts.scheduler && !parts.workers) return null;
  // A worker without the mailbox has nothing to poll; a scheduler may have a schedule to remove.
  const mailbox: BounceMailbox | null =
    parts.scheduler || settings.bounce.imap
      ? openBounceMailbox(connection, settings, ctx, log)
      : null;
  const retention: RetentionJob = openRetention(connection, settings.queuePrefix, ctx, log);
  return {
    async ensureSchedule() {
      await mailbox?.ensureSchedule();
      await retention.ensureSchedule();
    },
    async startWorker() {
      await mailbox?.startWorker();
      retention.startWorker();
    },
    async close() {
      await retention.close();
      await mailbox?.close();
    },
  };
}
