import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FaultRig, startFaultRig } from '../support/fault-rig.js';
import { awaitRecovery, expectRecovered, report } from '../support/fault-tally.js';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis.js';
import { waitFor } from '../support/test-app.js';

/**
 * Redis is down for 30 s while alerts flow, then comes back with its data (it saved a
 * snapshot on the way down), as after a planned restart. The empty restart is
 * redis-restarted-empty.test.ts.
 */
const OUTAGE_MS = 30_000;
let redis: PrivateRedis;
let rig: FaultRig;

beforeAll(async () => {
  redis = await startPrivateRedis();
  // Sends slower than alerts are made, so send jobs are waiting in Redis when it goes.
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

/** How an HTTP endpoint answers within 5 s: its status and time, or that it did not. */
async function probe(url: string): Promise<{ status: number | string; ms: number }> {
  const started = Date.now();
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    await response.text();
    return { status: response.status, ms: Date.now() - started };
  } catch (error) {
    return { status: error instanceof Error ? error.name : 'error', ms: Date.now() - started };
  }
}

it('keeps serving and sends every alert once after Redis is down for 30 s', async () => {
  const flow = rig.startFlow('down');
  await waitFor(async () => (await rig.smtp.accepted()).length >= 4, 20_000, 'alerts flowing');

  await redis.stop({ keepData: true });
  const faultStartedAt = Date.now();
  // An operator looks at the process while Redis is away: liveness and metrics must answer.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const health = await probe(`${rig.webUrl}/healthz`);
  const metrics = await probe(`${rig.webUrl}/metrics`);
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (Date.now() - faultStartedAt)));
  const aliveDuringOutage = rig.alive();
  await redis.start();
  const faultEndedAt = Date.now();
  const published = await flow.stop();
  await rig.publish('down-after');

  const recovery = await awaitRecovery(rig, faultEndedAt, 150_000);
  report(
    'redis down 30 s',
    rig,
    recovery,
    [
      `fault ${((faultEndedAt - faultStartedAt) / 1000).toFixed(0)} s`,
      `during it /healthz ${health.status} in ${health.ms} ms, /metrics ${metrics.status} in ${metrics.ms} ms`,
      `published ${published.accepted}/${published.attempts}`,
    ].join(', '),
  );

  // Soft, so that the recovery below is judged too.
  expect.soft(aliveDuringOutage).toBe(true);
  expect.soft(health.status).toBe(200);
  // Any answer will do (a 503 is honest); hanging is not one.
  expect.soft(metrics.status).toEqual(expect.any(Number));
  expectRecovered(recovery);
}, 240_000);
