import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FaultRig, startFaultRig } from '../support/fault-rig.js';
import { awaitRecovery, expectRecovered, report } from '../support/fault-tally.js';
import { waitFor } from '../support/test-app.js';

/**
 * The mail server goes away (connections refused), comes back answering 451 to every RCPT and
 * then to every DATA, then accepts again. Sends are retried (SEND_ATTEMPTS 8, first retry
 * after 500 ms, doubling: about a minute in all), so the 18 s outage is ridden out.
 */
let rig: FaultRig;

beforeAll(async () => {
  rig = await startFaultRig({ dialect: 'sqlite' });
});
afterAll(async () => rig?.close());

const phase = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('delivers every alert once after refused connections and 4xx answers', async () => {
  const flow = rig.startFlow('smtp');
  await waitFor(async () => (await rig.smtp.accepted()).length > 0, 20_000, 'a first alert');

  const faultStartedAt = Date.now();
  await rig.smtp.setMode('closed');
  await phase(8000);
  await rig.smtp.setMode('4xx-rcpt');
  await phase(5000);
  const rcptRefusals = rig.smtp.stats().refusals;
  await rig.smtp.setMode('4xx-data');
  await phase(5000);
  const dataRefusals = rig.smtp.stats().refusals - rcptRefusals;
  await rig.smtp.setMode('accept');
  const faultEndedAt = Date.now();
  const published = await flow.stop();
  await rig.publish('smtp-after');

  const recovery = await awaitRecovery(rig, faultEndedAt, 150_000);
  report(
    'smtp refused, then 4xx, then back',
    rig,
    recovery,
    [
      `fault ${((faultEndedAt - faultStartedAt) / 1000).toFixed(0)} s`,
      `451 at RCPT ${rcptRefusals}, at DATA ${dataRefusals}`,
      `published ${published.accepted}/${published.attempts}`,
    ].join(', '),
  );

  // The faults were really met: otherwise this test proves nothing.
  expect(rcptRefusals).toBeGreaterThan(0);
  expect(dataRefusals).toBeGreaterThan(0);
  expectRecovered(recovery);
}, 240_000);
