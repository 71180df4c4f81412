import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FaultRig, startFaultRig } from '../support/fault-rig.js';
import { awaitRecovery, expectRecovered, report } from '../support/fault-tally.js';
import { waitFor } from '../support/test-app.js';
import { TEST_POSTGRES_URL } from '../support/test-database.js';

/**
 * PostgreSQL ends the app's connections while alerts flow, as a failover or an admin's
 * pg_terminate_backend does: idle pool connections and queries in flight alike.
 */
const APPLICATION_NAME = 'bulletin-under-fault';
const FAULT_MS = 8000;
let rig: FaultRig;
let admin: pg.Client;

beforeAll(async () => {
  rig = await startFaultRig({
    dialect: 'postgres',
    readers: 10,
    // Names the process's connections, so the fault hits them and nothing else.
    bulletinEnv: (env) => ({
      DATABASE_URL: `${env.DATABASE_URL}?application_name=${APPLICATION_NAME}`,
    }),
  });
  admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await rig?.close();
});

/** Terminates every connection of the `bulletin start` process; one round at a time. */
function terminator() {
  const rounds: number[] = [];
  let running: Promise<void> | null = null;
  const round = () => {
    running ??= admin
      .query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [
        APPLICATION_NAME,
      ])
      .then((result) => {
        rounds.push(result.rowCount ?? 0);
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  return { rounds, round };
}

it('loses no alert and sends none twice when its connections are terminated', async () => {
  const flow = rig.startFlow('pg', 500);
  await waitFor(async () => (await rig.smtp.accepted()).length > 0, 20_000, 'a first alert');

  const faultStartedAt = Date.now();
  const { rounds, round } = terminator();
  // Some rounds right after the server took a message, while the sender records the send;
  // the others at a steady pace, catching whatever runs then.
  rig.smtp.onAccepted(() => void round());
  while (Date.now() - faultStartedAt < FAULT_MS) {
    await round();
    await new Promise((resolve) => setTimeout(resolve, 700));
  }
  rig.smtp.onAccepted(null);
  const faultEndedAt = Date.now();
  const published = await flow.stop();
  if (rig.alive()) await rig.publish('pg-after');

  const recovery = await awaitRecovery(rig, faultEndedAt, 150_000);
  const hits = rounds.filter((n) => n > 0);
  report(
    'postgres connections terminated',
    rig,
    recovery,
    [
      `fault ${((faultEndedAt - faultStartedAt) / 1000).toFixed(0)} s`,
      `${hits.length} of ${rounds.length} rounds ended connections (${hits.reduce((a, b) => a + b, 0)} in all)`,
      `published ${published.accepted}/${published.attempts}`,
    ].join(', '),
  );

  expect(hits.length).toBeGreaterThan(0);
  expectRecovered(recovery);
}, 240_000);
