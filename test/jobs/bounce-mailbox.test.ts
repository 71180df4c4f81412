import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import {
  openBounceMailboxQueue,
  type RunningBounceMailboxWorker,
  startBounceMailboxWorker,
} from '../../jobs/bounce-mailbox.job.js';
import { BOUNCE_MAILBOX_SCHEDULER_ID, JOB } from '../../jobs/queue-names.js';
import type { MailboxPollReport } from '../../src/adapters/mail-in/imap-mailbox.js';
import { waitFor } from '../support/test-app.js';
import { deleteQueueKeys, TEST_REDIS_URL, uniqueQueuePrefix } from '../support/test-redis.js';

const log = pino({ level: 'silent' });
const connection = { url: TEST_REDIS_URL, maxRetriesPerRequest: null };
const prefix = uniqueQueuePrefix();
const EMPTY: MailboxPollReport = { found: 0, processed: 0, unmatched: 0, failed: 0, left: 0 };

afterAll(async () => {
  await deleteQueueKeys(prefix);
});

describe('the bounce mailbox poll on its queue', () => {
  it('is scheduled once however many schedulers declare it, and removed when the mailbox is unset', async () => {
    const schedulers = [1, 2, 3].map(() => openBounceMailboxQueue(connection, prefix, () => {}));
    try {
      await Promise.all(schedulers.map((s) => s.ensureSchedule(true)));
      const first = schedulers[0]!;
      const scheduled = await first.queue.getJobScheduler(BOUNCE_MAILBOX_SCHEDULER_ID);
      expect(scheduled).toMatchObject({ every: 60_000, name: JOB.pollBounceMailbox });
      expect(await first.queue.getJobSchedulersCount()).toBe(1);
      // Declared again (a reconnection, every 30 s): the next poll is not moved.
      await first.ensureSchedule(true);
      expect((await first.queue.getJobScheduler(BOUNCE_MAILBOX_SCHEDULER_ID))?.next).toBe(
        scheduled?.next,
      );
      await first.ensureSchedule(false);
      expect(await first.queue.getJobScheduler(BOUNCE_MAILBOX_SCHEDULER_ID)).toBeUndefined();
    } finally {
      await Promise.all(schedulers.map((s) => s.close()));
    }
  });

  it('runs one poll at a time across every worker process', async () => {
    const mailbox = openBounceMailboxQueue(connection, prefix, () => {});
    // Declaring the schedule sets the queue's global concurrency; the jobs here are added by hand.
    await mailbox.ensureSchedule(true);
    await mailbox.ensureSchedule(false);
    let running = 0;
    let most = 0;
    let polls = 0;
    const poll = async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 300));
      running--;
      polls++;
      return EMPTY;
    };
    // Three workers, as three `bulletin worker` processes would run.
    const workers: RunningBounceMailboxWorker[] = [1, 2, 3].map(() =>
      startBounceMailboxWorker(connection, prefix, poll, log),
    );
    try {
      await mailbox.queue.addBulk(
        [1, 2, 3, 4].map(() => ({ name: JOB.pollBounceMailbox, data: {} })),
      );
      await waitFor(() => polls === 4, 20_000, 'four polls');
      expect(most).toBe(1);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await mailbox.close();
    }
  });
});
