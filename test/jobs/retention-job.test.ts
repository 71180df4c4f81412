import { Queue } from 'bullmq';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bullPrefix,
  JOB,
  RETENTION_QUEUE,
  RETENTION_SCHEDULER_ID,
} from '../../jobs/queue-names.js';
import { openRetention, RETENTION_PATTERN } from '../../jobs/retention.job.js';
import {
  addMatchRow,
  addReaderRow,
  addStoryRow,
  countRows,
  daysBefore,
} from '../support/retention-rows.js';
import { createTestApp, type TestApp, waitFor } from '../support/test-app.js';
import { TEST_REDIS_URL } from '../support/test-redis.js';

const log = pino({ level: 'silent' });
const connection = { url: TEST_REDIS_URL, maxRetriesPerRequest: null };

describe('the daily retention prune on its queue', { timeout: 60_000 }, () => {
  let t: TestApp;
  let queue: Queue;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
    queue = new Queue(RETENTION_QUEUE, { connection, prefix: bullPrefix(t.settings.queuePrefix) });
  });
  afterAll(async () => {
    await queue.close();
    await t.close();
  });

  it('is scheduled once a day however many schedulers declare it, and not moved when declared again', async () => {
    const schedulers = [1, 2, 3].map(() =>
      openRetention(connection, t.settings.queuePrefix, t.app, log),
    );
    try {
      await Promise.all(schedulers.map((s) => s.ensureSchedule()));
      const scheduled = await queue.getJobScheduler(RETENTION_SCHEDULER_ID);
      expect(scheduled).toMatchObject({
        pattern: RETENTION_PATTERN,
        tz: 'UTC',
        name: JOB.pruneOldData,
      });
      expect(await queue.getJobSchedulersCount()).toBe(1);
      await schedulers[0]?.ensureSchedule();
      expect((await queue.getJobScheduler(RETENTION_SCHEDULER_ID))?.next).toBe(scheduled?.next);
      expect(await queue.getGlobalConcurrency()).toBe(1);
    } finally {
      await Promise.all(schedulers.map((s) => s.close()));
    }
  });

  it('a worker runs the prune when its job comes', async () => {
    const db = t.app.db;
    const now = new Date();
    const ann = await addReaderRow(db, 'ann@example.com', daysBefore(now, 900));
    const old = await addStoryRow(db, 'old', daysBefore(now, 900));
    const young = await addStoryRow(db, 'young', daysBefore(now, 1));
    await addMatchRow(db, ann, old, daysBefore(now, 800));
    await addMatchRow(db, ann, young, daysBefore(now, 1));
    const worker = openRetention(connection, t.settings.queuePrefix, t.app, log);
    worker.startWorker();
    try {
      const job = await queue.add(JOB.pruneOldData, {});
      await waitFor(async () => (await job.isCompleted()) || undefined, 20_000, 'the prune');
      expect(await countRows(db)).toMatchObject({ matches: 1, story_bodies: 1, stories: 2 });
    } finally {
      await worker.close();
    }
  });
});
