import { it } from 'vitest';
import { startDigestDrill } from '../support/digest-drill.js';
import { awaitSettled, expectOnceAndNoneLost, reportDigests } from '../support/digest-tally.js';

/**
 * Scaled out as the README says: two `bulletin scheduler` and three `bulletin worker`
 * processes, started together on one PostgreSQL and one Redis, with 100 readers' daily
 * digests due. Both schedulers create the minute tick, ticks may overlap, and the workers
 * race for the same builds and sends.
 *
 * Would fail if two ticks or two workers built a reader's digest twice, queued two deliveries
 * for one digest, or both sent one (a reader gets two), or if a race dropped one.
 */
const READERS = 100;

it('(e) two schedulers and three workers: every digest built once and sent once', async ({
  expect,
  onTestFinished,
}) => {
  const drill = await startDigestDrill({
    dialect: 'postgres',
    readers: READERS,
    // Quick enough for 100 digests, slow enough that all three workers get a share.
    env: { SEND_RATE: '10' },
  });
  onTestFinished(() => drill.close());
  const dueAt = Date.now();
  await Promise.all([
    drill.spawn('scheduler'),
    drill.spawn('scheduler'),
    drill.spawn('worker'),
    drill.spawn('worker'),
    drill.spawn('worker'),
  ]);

  const settled = await awaitSettled(drill, dueAt, 120_000);
  const share = (event: string) =>
    drill.processes
      .filter((p) => p.role === 'worker')
      .map(
        (p) => drill.logEvents().filter((e) => e.process === p.name && e.event === event).length,
      );
  const sends = share('send.sent');
  await reportDigests(
    '(e) 2 schedulers, 3 workers',
    drill,
    settled,
    `built per worker ${share('digest.built').join('/')}, sent per worker ${sends.join('/')}`,
  );
  expectOnceAndNoneLost(settled, expect);
  // Nobody was killed: every digest is sent, none left to a person.
  expect(settled.tally.sent).toBe(READERS);
  // The workers really raced: more than one of them sent.
  expect(sends.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
});
