import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FaultRig, startFaultRig } from '../support/fault-rig.js';
import { awaitRecovery, expectRecovered, report } from '../support/fault-tally.js';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis.js';
import { countTickSchedulers } from '../support/queue-inspect.js';
import { waitFor } from '../support/test-app.js';

/**
 * Redis dies and comes back empty (no persistence) while alerts are being sent: every waiting
 * job is gone. Only the minute tick's sweep can find the work again, and it hands on a
 * delivery only once it has been queued for 2 minutes, so recovery may take 3.
 */
let redis: PrivateRedis;
let rig: FaultRig;

beforeAll(async () => {
  redis = await startPrivateRedis();
  // Sends slower than alerts are made, so a backlog of send jobs is in Redis when it dies.
  rig = await startFaultRig({
    dialect: 'sqlite',
    env: { REDIS_URL: redis.url, SEND_RATE: '2' },
  }).catch(async (error: unknown) => {
    await redis.close();
    throw error;
  });
});
afterAll(async () => {
  await rig?.close();
  await redis?.close();
});

it('sends every alert once after Redis restarts empty mid-send', async () => {
  const prefix = rig.env.QUEUE_PREFIX!;
  const flow = rig.startFlow('empty');
  await waitFor(async () => (await rig.smtp.accepted()).length >= 4, 20_000, 'alerts flowing');
  const schedulersBefore = await countTickSchedulers(redis.port, prefix);

  const faultStartedAt = Date.now();
  await redis.stop();
  await redis.start();
  const faultEndedAt = Date.now();
  const schedulersAfterRestart = await countTickSchedulers(redis.port, prefix);
  // Stories keep coming for a few seconds on the empty Redis.
  await new Promise((resolve) => setTimeout(resolve, 4000));
  const published = await flow.stop();
  await rig.publish('empty-after');

  const recovery = await awaitRecovery(rig, faultEndedAt, 200_000);
  report(
    'redis restarted empty',
    rig,
    recovery,
    [
      `fault ${faultEndedAt - faultStartedAt} ms`,
      `tick schedulers in Redis before ${schedulersBefore}, after the restart ${schedulersAfterRestart}, at the end ${await countTickSchedulers(redis.port, prefix)}`,
      `published ${published.accepted}/${published.attempts}`,
    ].join(', '),
  );

  expect(schedulersBefore).toBe(1);
  expectRecovered(recovery);
}, 300_000);
