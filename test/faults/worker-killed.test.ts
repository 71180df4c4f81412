import { describe, it } from 'vitest';
import { pollUntil, startDigestDrill, statusCounts } from '../support/digest-drill.js';
import { awaitSettled, expectOnceAndNoneLost, reportDigests } from '../support/digest-tally.js';
import { DIALECTS } from '../support/test-database.js';

/**
 * A morning's daily digests, 40 readers in two zones, with `bulletin worker` SIGKILLed while
 * they go out and started again; a `bulletin scheduler` runs throughout. A killed worker's
 * jobs come back when BullMQ finds them stalled (its lock lapses after 30 s) and run again:
 * the database must keep that from building or sending anything twice, and the restarted
 * worker must send everything the dead one left.
 */
const READERS = 40;
/**
 * After the last kill: stalled jobs come back within about 100 s; a hand-on lost with a job
 * killed twice is swept up 2-3 min after its delivery was built.
 */
const SETTLE_MS = 180_000;
/**
 * Start-up, the kills and the wait to settle, on a machine busy with the rest of the suite
 * (where each worker's start alone has taken 20 s).
 */
const TEST_MS = 540_000;
const KILLS = 3;

describe.concurrent.each(DIALECTS)('daily digests on %s', (dialect) => {
  /**
   * Would fail if the restarted worker left queued digests unsent (lost), or if a send that
   * was under way at the kill went out again when its stalled job was retried (duplicate).
   */
  it(
    '(a) a worker killed after the digests are built: the rest go out once after restart',
    async ({ expect, onTestFinished }) => {
      const drill = await startDigestDrill({ dialect, readers: READERS });
      onTestFinished(() => drill.close());
      const dueAt = Date.now();
      await drill.spawn('scheduler');
      const worker = await drill.spawn('worker');
      const atKill = await pollUntil(
        async () => {
          const state = await drill.state();
          const built = state.deliveries.length === READERS;
          return built && state.deliveries.some((d) => d.status === 'queued') && state;
        },
        90_000,
        'every digest built, some not yet sent',
      );
      await drill.kill(worker);
      const killedAt = `${statusCounts(await drill.state())} at +${secondsSince(dueAt)} s`;
      await drill.spawn('worker');

      const settled = await awaitSettled(drill, dueAt, SETTLE_MS);
      await reportDigests(
        '(a) worker killed after the build',
        drill,
        settled,
        `at the kill: ${killedAt}`,
      );
      expect(atKill.deliveries.some((d) => d.status === 'queued')).toBe(true);
      expectOnceAndNoneLost(settled, expect);
    },
    TEST_MS,
  );

  /**
   * Would fail if a send killed between its claim and its record were sent again by the next
   * worker (duplicate), or if a build or send killed half-way were never finished (lost).
   */
  it(
    '(b) a worker killed and restarted every 1-2 s while the digests go out',
    async ({ expect, onTestFinished }) => {
      const drill = await startDigestDrill({ dialect, readers: READERS });
      onTestFinished(() => drill.close());
      const dueAt = Date.now();
      await drill.spawn('scheduler');
      let worker = await drill.spawn('worker');
      await pollUntil(async () => drill.smtp.accepted().length > 0, 90_000, 'a first digest');
      const atKills: number[] = [];
      const killTimes: string[] = [];
      for (let kill = 1; kill <= KILLS; kill++) {
        if (kill > 1) {
          worker = await drill.spawn('worker');
          // The pace of the fault: each worker lives a moment, mid-render or mid-send.
          await new Promise((resolve) => setTimeout(resolve, 1000 + Math.random() * 1000));
        }
        await drill.kill(worker);
        atKills.push(drill.smtp.accepted().length);
        killTimes.push(secondsSince(dueAt));
      }
      await drill.spawn('worker');

      const settled = await awaitSettled(drill, dueAt, SETTLE_MS);
      await reportDigests(
        '(b) worker killed every 1-2 s',
        drill,
        settled,
        `kills at +${killTimes.join(', +')} s, received by each: ${atKills.join(', ')}`,
      );
      // The kills landed while the run was under way, not after it.
      expect(atKills.at(-1)).toBeLessThan(READERS);
      expectOnceAndNoneLost(settled, expect);
    },
    TEST_MS,
  );
});

function secondsSince(start: number): string {
  return ((Date.now() - start) / 1000).toFixed(1);
}
