import net from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  claimDeliveryForSending,
  listDeliveries,
} from '../../db/repositories/delivery.repository.js';
import { findOwedDigests } from '../../db/repositories/digest.repository.js';
import { DirectWorkQueue } from '../../jobs/direct-work-queue.js';
import { sendContextOf } from '../../src/app.js';
import { buildDigest } from '../../src/services/digests/build-digest.service.js';
import { runScheduleTick } from '../../src/services/digests/schedule-tick.service.js';
import { saveReader } from '../../src/services/readers/readers.service.js';
import { subscribe } from '../../src/services/readers/subscriptions.service.js';
import { RuleCatalog } from '../../src/services/topics/rule-catalog.js';
import { addTopic } from '../../src/services/topics/topics.service.js';
import { startFaultSmtpServer } from '../support/fault-smtp-server.js';
import { makeStory, parseReceived, publish } from '../support/flow-helpers.js';
import { runCli } from '../support/run-cli.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-test-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';

/** Set up the day before; the readers' daily digest falls due at 07:00 UTC the next morning. */
const SET_UP_AT = new Date('2026-11-27T10:00:00Z');
const DUE_AT = '2026-11-28T07:00:00.000Z';

/**
 * `bulletin digests run`, through the CLI, finishing what was left waiting before it: stories
 * never matched, deliveries left `queued` or `sending` by a run that was stopped.
 */
describe.each(DIALECTS)('digests run does everything due, in order (%s)', (dialect) => {
  let smtp: TestSmtpServer;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(async () => smtp.close());
  beforeEach(async () => {
    smtp.received.length = 0;
    t = await createTestApp(dialect, { smtpUrl: smtp.url });
    t.setNow(SET_UP_AT);
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
  });
  afterEach(async () => t.close());

  async function dailyReaders(count: number): Promise<string[]> {
    const emails = Array.from({ length: count }, (_, i) => `reader${i}@corp.example`);
    for (const email of emails) {
      await saveReader(t.app, {
        email,
        name: null,
        plan: 'subscriber',
        trialEndsAt: null,
        tz: 'UTC',
        marketingConsent: false,
      });
      await subscribe(t.app, { email, topic: 'customs', cadence: 'daily', sendAt: '07:00' });
    }
    return emails;
  }

  /**
   * Would fail if the run built the due digest before matching the story: the digest would be
   * empty (nothing sent) and the story would wait for the next morning's.
   */
  it('matches the stories published while no worker ran before it builds any digest', async () => {
    await dailyReaders(1);
    // Stored, its match handed to a queue nobody works: what `stories publish` leaves with
    // no worker running.
    await publish(t.app, new DirectWorkQueue(), [
      makeStory('c-1', { headline: 'Customs union talks resume' }),
    ]);

    const run = await runCli(['digests', 'run', '--now', '2026-11-28T07:05:00Z'], t.env);
    expect(run.code, run.stderr).toBe(0);
    expect(smtp.received).toHaveLength(1);
    expect((await parseReceived(smtp.received[0]!)).subject).toContain(
      'Customs union talks resume',
    );
    expect(run.stdout).toMatch(/^waiting: 1 story to match$/m);
    expect(run.stdout).toMatch(/due digests 1, new matches 1, emails built 1, sent 1,/);
    expect(await listDeliveries(t.app.db)).toMatchObject([
      { kind: 'digest', status: 'sent', storyIds: ['c-1'] },
    ]);
  });

  /**
   * A run killed half-way through its builds, with one send claimed: the rerun, at once, sends
   * the queued one (the workers' sweep would wait two minutes; the old `digests run` never
   * sent it), builds and sends the one owed, and lists the one left `sending` instead of
   * sending it again.
   */
  it('sends at once what an earlier run left queued, and lists what it left sending', async () => {
    const readers = await dailyReaders(3);
    const catalog = new RuleCatalog(t.app.db, t.app.log);
    const matching = new DirectWorkQueue();
    await publish(t.app, matching, [makeStory('c-2', { headline: 'Customs checks tighten' })]);
    await matching.drain({ ...sendContextOf(t.app), queue: matching }, catalog);

    // The earlier run at 07:00: its tick records the digests owed, it builds two of the three
    // (their deliveries queued) and dies after claiming one send (the server may have it).
    t.setNow(new Date(DUE_AT));
    const killed = new DirectWorkQueue();
    await runScheduleTick(
      { ...sendContextOf(t.app), queue: killed },
      { pendingAlertsBefore: t.app.now() },
    );
    const owed = await findOwedDigests(t.app.db, t.app.now(), 10);
    expect(owed).toHaveLength(3);
    for (const digest of owed.sort((a, b) => a.readerId - b.readerId).slice(0, 2))
      await buildDigest(
        { ...sendContextOf(t.app), queue: killed },
        {
          ...digest,
          cadence: 'daily',
          periodStart: digest.periodStart.toISOString(),
          periodEnd: digest.periodEnd.toISOString(),
        },
      );
    const built = await listDeliveries(t.app.db);
    expect(built.map((d) => [d.recipient, d.status]).sort()).toEqual([
      [readers[0], 'queued'],
      [readers[1], 'queued'],
    ]);
    const claimed = built.find((d) => d.recipient === readers[0]);
    expect(
      await claimDeliveryForSending(t.app.db, claimed!.id, '<left@brief.example>', t.app.now()),
    ).toBe(true);

    // Rerun half a minute later, well inside the workers' two-minute sweep.
    const run = await runCli(['digests', 'run', '--now', '2026-11-28T07:00:30Z'], t.env);
    expect(run.code, run.stderr).toBe(0);
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual([readers[1], readers[2]]);
    expect(run.stdout).toMatch(
      /^waiting: 1 delivery queued, 1 digest owed, 1 in flight \(sending\)$/m,
    );
    expect(run.stdout).toMatch(/sent 2,/);
    expect(run.stdout).toMatch(/^outcome unknown: 1 delivery left sending/m);
    expect(run.stdout).toContain(`  ${claimed!.id}  ${readers[0]}  digest  since`);
    const after = await listDeliveries(t.app.db);
    expect(after.map((d) => [d.recipient, d.status]).sort()).toEqual([
      [readers[0], 'sending'],
      [readers[1], 'sent'],
      [readers[2], 'sent'],
    ]);

    // Nothing more to do: a third run sends nothing and still lists the unknown outcome.
    const again = await runCli(['digests', 'run', '--now', '2026-11-28T07:01:00Z'], t.env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^waiting: 1 in flight \(sending\)$/m);
    expect(again.stdout).toMatch(/^outcome unknown: 1 delivery left sending/m);
    expect(smtp.received).toHaveLength(2);
  });
});

describe.each(DIALECTS)('digests run with a mail server that does not answer (%s)', (dialect) => {
  let t: TestApp;
  let smtp: TestSmtpServer | null = null;
  let deadUrl: string;

  beforeEach(async () => {
    deadUrl = `smtp://127.0.0.1:${await closedPort()}`;
    t = await createTestApp(dialect, { smtpUrl: deadUrl });
    t.setNow(SET_UP_AT);
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
  });
  afterEach(async () => {
    await t.close();
    await smtp?.close();
    smtp = null;
  });

  /**
   * Would fail if the run exited 0 ("to retry 15", "mail went to …") with nothing handed over,
   * or went on trying every delivery (each try uses up one of its SEND_ATTEMPTS).
   */
  it('exits 1 with the mail server’s error, and leaves the digests queued for the next run', async () => {
    const readers = Array.from({ length: 15 }, (_, i) => `reader${i}@corp.example`);
    for (const email of readers) {
      await saveReader(t.app, {
        email,
        name: null,
        plan: 'free',
        trialEndsAt: null,
        tz: 'UTC',
        marketingConsent: false,
      });
      await subscribe(t.app, { email, topic: 'customs', cadence: 'daily', sendAt: '07:00' });
    }
    await publish(t.app, new DirectWorkQueue(), [makeStory('c-3', { headline: 'Customs' })]);

    const run = await runCli(['digests', 'run', '--now', '2026-11-28T07:05:00Z'], t.env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `^bulletin: no email could be handed to the mail server ${deadUrl} \\(SMTP_URL\\): .*ECONNREFUSED.*; 15 stay queued for the next run$`,
        'm',
      ),
    );
    expect(run.stdout).not.toContain('mail went to');
    // Ten tries failed in a row (twice the sends at once), and the few already under way then:
    // the rest were not tried, and still have every one of their attempts.
    const summary = /emails built 15, sent 0, failed 0, to retry (\d+), .*, not tried (\d+)$/m.exec(
      run.stdout,
    );
    const [retried, held] = [Number(summary?.[1]), Number(summary?.[2])];
    expect(retried).toBeGreaterThanOrEqual(10);
    expect(retried + held).toBe(15);
    expect(held).toBeGreaterThan(0);
    const deliveries = await listDeliveries(t.app.db);
    expect(deliveries.map((d) => d.status)).toEqual(Array(15).fill('queued'));
    expect(deliveries.filter((d) => d.attempts === 0)).toHaveLength(held);

    // The server answers again: the next run sends every one of them, once.
    smtp = await startSmtpServer();
    const next = await runCli(['digests', 'run', '--now', '2026-11-28T07:06:00Z'], {
      ...t.env,
      SMTP_URL: smtp.url,
    });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toMatch(/^waiting: 15 deliveries queued$/m);
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual([...readers].sort());
  });
});

describe.each(DIALECTS)('digests run with a mail server that goes away (%s)', (dialect) => {
  /**
   * Would fail if the run went on trying every email against the closed port (using up their
   * attempts), or exited 0 with the rest silently left queued.
   */
  it('stops handing mail over, exits 1 naming the server, and the next run sends the rest', async ({
    onTestFinished,
  }) => {
    const smtp = await startFaultSmtpServer();
    onTestFinished(() => smtp.close());
    const t = await createTestApp(dialect, { smtpUrl: smtp.url });
    onTestFinished(() => t.close());
    t.setNow(SET_UP_AT);
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
    const readers = Array.from({ length: 30 }, (_, i) => `reader${i}@corp.example`);
    for (const email of readers) {
      await saveReader(t.app, {
        email,
        name: null,
        plan: 'subscriber',
        trialEndsAt: null,
        tz: 'UTC',
        marketingConsent: false,
      });
      await subscribe(t.app, { email, topic: 'customs', cadence: 'daily', sendAt: '07:00' });
    }
    await publish(t.app, new DirectWorkQueue(), [makeStory('c-4', { headline: 'Customs' })]);
    // The server takes five, then stops listening.
    let taken = 0;
    smtp.onAccepted(() => {
      if (++taken === 5) void smtp.setMode('closed');
    });

    const run = await runCli(['digests', 'run', '--now', '2026-11-28T07:05:00Z'], t.env);
    expect(run.code).toBe(1);
    const said =
      /^bulletin: the mail server (\S+) \(SMTP_URL\) stopped answering after (\d+) emails: .+; (\d+) stay queued for the next run$/m.exec(
        run.stderr,
      );
    expect(said?.[1], run.stderr).toBe(smtp.url);
    const deliveries = await listDeliveries(t.app.db);
    const sent = deliveries.filter((d) => d.status === 'sent').length;
    expect(sent).toBe(Number(said?.[2]));
    expect(sent).toBeGreaterThanOrEqual(5);
    expect(deliveries.filter((d) => d.status === 'queued')).toHaveLength(Number(said?.[3]));
    expect(sent + Number(said?.[3])).toBe(30);

    await smtp.setMode('accept');
    const next = await runCli(['digests', 'run', '--now', '2026-11-28T07:06:00Z'], t.env);
    expect(next.code, next.stderr).toBe(0);
    const received = (await smtp.accepted()).flatMap((m) => m.to);
    expect(received.sort()).toEqual([...readers].sort());
  });
});

/** A local port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
