import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { it } from 'vitest';
import {
  type DeliveryRow,
  type DigestDrill,
  faultOnNextAccept,
  pollUntil,
  startDigestDrill,
} from '../support/digest-drill.js';
import { awaitSettled, expectOnceAndNoneLost, reportDigests } from '../support/digest-tally.js';
import type { AcceptedMessage } from '../support/fault-smtp-server.js';
import { TEST_POSTGRES_URL } from '../support/test-database.js';

/**
 * The SMTP server has taken a digest, and the worker's write of `sent` fails: the database
 * went away at that very moment. The write is retried (after 0.1, 0.4, 1.6 and 4 s) and lands
 * once the database is back; the delivery ends `sent`, and the reader has it once.
 *
 * Would fail if a write failing after the accept put the delivery back to `queued` or failed
 * it (sent again, or reported undelivered), or if the retries gave up too soon.
 */
const READERS = 40;
/** After the fault; nothing is killed, so nothing waits for BullMQ's stalled-job recovery. */
const SETTLE_MS = 120_000;

/**
 * PostgreSQL refuses the worker for this long after the accept. Terminating its connections
 * alone would not fail the write: the pool opens a fresh connection for it. So the database
 * also refuses new connections (ALLOW_CONNECTIONS false holds for superusers too) until the
 * write's third retry, 2.1 s after the first try.
 */
const PG_OUTAGE_MS = 1500;

it.concurrent('(d) postgres: the worker loses its connections as the server takes a digest', async ({
  expect,
  onTestFinished,
}) => {
  const drill = await startDigestDrill({ dialect: 'postgres', readers: READERS });
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  const database = new URL(drill.env.DATABASE_URL ?? '').pathname.slice(1);
  const allowConnections = (allow: boolean) =>
    admin.query(`alter database ${database} allow_connections ${allow}`);
  onTestFinished(async () => {
    await allowConnections(true);
    await admin.end();
    await drill.close();
  });
  const dueAt = Date.now();
  await drill.spawn('scheduler');
  const worker = await drill.spawn('worker');
  await pollUntil(async () => drill.smtp.accepted().length >= 3, 90_000, 'digests going out');

  let terminated = 0;
  const victim = await faultOnNextAccept(drill, async () => {
    await allowConnections(false);
    const result = await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = $2',
      [database, worker.applicationName],
    );
    terminated = result.rowCount ?? 0;
    // Gone before the reply is written, so no write of the worker can still land.
    await pollUntil(
      async () =>
        (
          await admin.query(
            'select 1 from pg_stat_activity where datname = $1 and application_name = $2',
            [database, worker.applicationName],
          )
        ).rowCount === 0,
      10_000,
      "the worker's backends gone",
    );
  });
  await new Promise((resolve) =>
    setTimeout(resolve, victim.receivedAt + PG_OUTAGE_MS - Date.now()),
  );
  await allowConnections(true);

  const settled = await awaitSettled(drill, dueAt, SETTLE_MS);
  const row = await rowOf(drill, victim);
  await reportDigests(
    '(d) connections lost after the accept',
    drill,
    settled,
    `${terminated} connections ended; ${describeVictim(row, victim)}`,
  );
  expect(terminated).toBeGreaterThan(0);
  expect(row?.status).toBe('sent');
  // Recorded by a retry: the first try, right after the reply, failed.
  expect(recordedAfterMs(row, victim)).toBeGreaterThanOrEqual(PG_OUTAGE_MS - 500);
  expect(drill.smtp.accepted().filter((m) => m.messageId === victim.messageId)).toHaveLength(1);
  expectOnceAndNoneLost(settled, expect);
});

/**
 * The test holds SQLite's write lock from the accept for this long. The worker's write of
 * `sent` waits out its busy_timeout (10 s) and fails with SQLITE_BUSY; the retry 0.1 s later
 * waits again and lands when the lock goes at 12 s (the last retry would start at 46 s).
 */
const SQLITE_HOLD_MS = 12_000;
const SQLITE_BUSY_TIMEOUT_MS = 10_000;

it.concurrent('(d) sqlite: the write lock is held from the moment the server takes a digest', async ({
  expect,
  onTestFinished,
}) => {
  // One send at a time: the write after the accept is the first the lock meets, not another
  // send's claim.
  const drill = await startDigestDrill({
    dialect: 'sqlite',
    readers: READERS,
    env: { SEND_CONCURRENCY: '1' },
  });
  onTestFinished(() => drill.close());
  const file = drill.t.database.config.kind === 'sqlite' ? drill.t.database.config.file : '';
  const lock = new SqliteDatabase(file);
  onTestFinished(() => {
    if (lock.inTransaction) lock.exec('rollback');
    lock.close();
  });
  lock.pragma('busy_timeout = 10000');
  const dueAt = Date.now();
  await drill.spawn('scheduler');
  await drill.spawn('worker');
  await pollUntil(async () => drill.smtp.accepted().length >= 3, 90_000, 'digests going out');

  const victim = await faultOnNextAccept(drill, () => {
    lock.exec('begin immediate');
  });
  await new Promise((resolve) =>
    setTimeout(resolve, victim.receivedAt + SQLITE_HOLD_MS - Date.now()),
  );
  lock.exec('commit');

  const settled = await awaitSettled(drill, dueAt, SETTLE_MS);
  const row = await rowOf(drill, victim);
  await reportDigests(
    '(d) write lock held across the accept',
    drill,
    settled,
    `lock held ${SQLITE_HOLD_MS / 1000} s; ${describeVictim(row, victim)}`,
  );
  expect(row?.status).toBe('sent');
  // Recorded by a retry begun after the first try had waited out the busy timeout and failed.
  expect(recordedAfterMs(row, victim)).toBeGreaterThanOrEqual(SQLITE_BUSY_TIMEOUT_MS - 1000);
  expect(drill.smtp.accepted().filter((m) => m.messageId === victim.messageId)).toHaveLength(1);
  expectOnceAndNoneLost(settled, expect);
});

async function rowOf(
  drill: DigestDrill,
  message: AcceptedMessage,
): Promise<DeliveryRow | undefined> {
  return (await drill.state()).deliveries.find((d) => d.messageId === message.messageId);
}

/** From the server taking the message to the start of the write that recorded it. */
function recordedAfterMs(row: DeliveryRow | undefined, message: AcceptedMessage): number {
  return row?.sentAt ? row.sentAt.getTime() - message.receivedAt : Number.NaN;
}

function describeVictim(row: DeliveryRow | undefined, message: AcceptedMessage): string {
  return `delivery ${row?.id} ${row?.status}, recorded ${(recordedAfterMs(row, message) / 1000).toFixed(1)} s after the accept`;
}
