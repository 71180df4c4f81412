import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listDeliveries } from '../../db/repositories/delivery.repository.js';
import { insertMatches } from '../../db/repositories/match.repository.js';
import { DirectWorkQueue } from '../../jobs/direct-work-queue.js';
import { sendContextOf } from '../../src/app.js';
import { buildAlert, buildDigest } from '../../src/services/digests/build-digest.service.js';
import { runScheduleTick } from '../../src/services/digests/schedule-tick.service.js';
import { saveReader } from '../../src/services/readers/readers.service.js';
import { subscribe } from '../../src/services/readers/subscriptions.service.js';
import { sendDelivery } from '../../src/services/sending/send-delivery.service.js';
import { matchStory } from '../../src/services/stories/match-story.service.js';
import { RuleCatalog } from '../../src/services/topics/rule-catalog.js';
import { addTopic } from '../../src/services/topics/topics.service.js';
import { makeStory, publish, runDue } from '../support/flow-helpers.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-test-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';

/** Oz's daily digest of 28 November 2026, sent at 07:00 UTC. */
const DAILY_28_NOVEMBER = {
  readerId: 1,
  cadence: 'daily' as const,
  periodKey: '2026-11-28',
  periodStart: '2026-11-27T07:00:00.000Z',
  periodEnd: '2026-11-28T07:00:00.000Z',
};

/** Every step may run twice, at once or one after the other: still one email. */
describe.each(DIALECTS)('running a step twice (%s)', (dialect) => {
  let smtp: TestSmtpServer;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(async () => smtp.close());
  beforeEach(async () => {
    smtp.received.length = 0;
    t = await createTestApp(dialect, { smtpUrl: smtp.url });
    t.setNow(new Date('2026-11-27T10:00:00Z'));
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
    await saveReader(t.app, {
      email: 'oz@corp.example',
      name: null,
      plan: 'subscriber',
      trialEndsAt: null,
      tz: 'UTC',
      marketingConsent: false,
    });
  });
  afterEach(async () => t.close());

  /** Oz follows customs daily at 07:00, and a story of hers is matched: her digest can be built. */
  async function matchedForDaily(storyId: string, headline: string) {
    await subscribe(t.app, {
      email: 'oz@corp.example',
      topic: 'customs',
      cadence: 'daily',
      sendAt: '07:00',
    });
    const queue = new DirectWorkQueue();
    const ctx = { ...sendContextOf(t.app), queue };
    await publish(t.app, queue, [makeStory(storyId, { headline })]);
    await queue.drain(ctx, new RuleCatalog(t.app.db, t.app.log));
    return ctx;
  }

  it('matches, builds and sends once when every job runs twice concurrently', async () => {
    await subscribe(t.app, { email: 'oz@corp.example', topic: 'customs', cadence: 'instant' });
    const queue = new DirectWorkQueue();
    const ctx = { ...sendContextOf(t.app), queue };
    await publish(t.app, queue, [makeStory('c-1', { headline: 'Customs data hub' })]);
    const story = await t.app.db
      .selectFrom('stories')
      .select(['id', 'revision'])
      .executeTakeFirstOrThrow();
    const catalog = new RuleCatalog(t.app.db, t.app.log);

    const matched = await Promise.all([
      matchStory(ctx, catalog, { storyId: story.id, revision: story.revision }),
      matchStory(ctx, catalog, { storyId: story.id, revision: story.revision }),
    ]);
    expect(matched.map((m) => m.created).reduce((a, b) => a + b)).toBeLessThanOrEqual(1);

    const work = { readerId: 1, dueAt: t.app.now().toISOString() };
    const built = await Promise.all([buildAlert(ctx, work), buildAlert(ctx, work)]);
    const deliveryIds = new Set(
      built.flatMap((b) => (b.status === 'queued' ? [b.deliveryId] : [])),
    );
    expect(deliveryIds.size).toBe(1);

    const [id] = [...deliveryIds] as [number];
    const sent = await Promise.all([
      sendDelivery(ctx, id),
      sendDelivery(ctx, id),
      sendDelivery(ctx, id),
    ]);
    expect(sent.filter((s) => s.status === 'sent')).toHaveLength(1);
    expect(smtp.received).toHaveLength(1);
    expect(await sendDelivery(ctx, id)).toMatchObject({ status: 'skipped' });
    expect(smtp.received).toHaveLength(1);
  });

  it('builds one digest per reader and period, however often the period is built', async () => {
    const ctx = await matchedForDaily('c-2', 'Customs reform');
    const work = DAILY_28_NOVEMBER;
    await Promise.all([buildDigest(ctx, work), buildDigest(ctx, work)]);
    await buildDigest(ctx, work);
    const deliveries = await listDeliveries(t.app.db);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ kind: 'digest', storyIds: ['c-2'] });
  });

  it('hands on the send again when a build stopped after recording its delivery runs again', async () => {
    const ctx = await matchedForDaily('c-8', 'Customs levy');
    const work = DAILY_28_NOVEMBER;
    // The first build records its delivery, and its send hand-on is lost (never drained).
    await buildDigest({ ...ctx, queue: new DirectWorkQueue() }, work);
    expect(await listDeliveries(t.app.db)).toMatchObject([{ status: 'queued' }]);

    // Its job runs again: the same delivery, handed on this time, sent once.
    const retry = new DirectWorkQueue();
    await buildDigest({ ...ctx, queue: retry }, work);
    await retry.drain({ ...ctx, queue: retry }, new RuleCatalog(t.app.db, t.app.log));
    expect(smtp.received).toHaveLength(1);
    expect(await listDeliveries(t.app.db)).toMatchObject([{ status: 'sent', storyIds: ['c-8'] }]);
  });

  it('builds a digest whose build job was lost once the scheduler finds it still owed', async () => {
    const ctx = await matchedForDaily('c-6', 'Customs audit');

    // 07:00 next day: the tick hands the build on, and the job is lost (given up on by its
    // queue, a worker killed twice): nothing drains this queue. The send time has moved on.
    t.setNow(new Date('2026-11-28T07:00:30Z'));
    const lost = new DirectWorkQueue();
    const first = await runScheduleTick({ ...ctx, queue: lost }, {});
    expect(first).toMatchObject({ digestsQueued: 1, digestsRequeued: 0 });
    expect(await listDeliveries(t.app.db)).toHaveLength(0);

    // Five minutes on the digest may still be waiting behind others: not handed on yet.
    t.setNow(new Date('2026-11-28T07:05:30Z'));
    expect(await runScheduleTick({ ...ctx, queue: new DirectWorkQueue() })).toMatchObject({
      digestsQueued: 0,
      digestsRequeued: 0,
    });

    // Past ten minutes it is owed still: handed on again, built and sent, once.
    t.setNow(new Date('2026-11-28T07:11:00Z'));
    const retry = new DirectWorkQueue();
    const later = await runScheduleTick({ ...ctx, queue: retry });
    expect(later).toMatchObject({ digestsQueued: 0, digestsRequeued: 1 });
    await retry.drain({ ...ctx, queue: retry }, new RuleCatalog(t.app.db, t.app.log));
    expect(smtp.received).toHaveLength(1);
    const deliveries = await listDeliveries(t.app.db);
    expect(deliveries).toMatchObject([{ kind: 'digest', status: 'sent', storyIds: ['c-6'] }]);

    // Built now, it is owed no longer: later ticks leave it alone.
    t.setNow(new Date('2026-11-28T07:30:00Z'));
    expect(await runScheduleTick({ ...ctx, queue: new DirectWorkQueue() })).toMatchObject({
      digestsRequeued: 0,
    });
    expect(smtp.received).toHaveLength(1);
  });

  it('sends on the next `digests run` a digest a killed run recorded but never built', async () => {
    await matchedForDaily('c-7', 'Customs rules');

    // A run at 07:00 is killed right after its tick: the digest is recorded, never built.
    t.setNow(new Date('2026-11-28T07:00:00Z'));
    await runScheduleTick(
      { ...sendContextOf(t.app), queue: new DirectWorkQueue() },
      {
        pendingAlertsBefore: t.app.now(),
      },
    );
    // Run again at once, with the same --now: the owed digest goes out.
    await runDue(t.app);
    expect(smtp.received).toHaveLength(1);
    expect(await listDeliveries(t.app.db)).toMatchObject([{ status: 'sent', storyIds: ['c-7'] }]);
    await runDue(t.app);
    expect(smtp.received).toHaveLength(1);
  });

  it('hands an alert on when a match job stopped after recording its matches runs again', async () => {
    await subscribe(t.app, { email: 'oz@corp.example', topic: 'customs', cadence: 'instant' });
    const queue = new DirectWorkQueue();
    await publish(t.app, queue, [makeStory('c-9', { headline: 'Customs seizure' })]);
    const story = await t.app.db
      .selectFrom('stories')
      .select(['id', 'revision'])
      .executeTakeFirstOrThrow();
    // The first run recorded the match and stopped before handing the alert on (its database
    // connection dropped): the story is not yet marked matched.
    const subscription = await t.app.db
      .selectFrom('subscriptions')
      .select('id')
      .executeTakeFirstOrThrow();
    const recorded = await insertMatches(
      t.app.db,
      [
        {
          readerId: 1,
          storyId: story.id,
          revision: story.revision,
          cadence: 'instant',
          subscriptionIds: [subscription.id],
        },
      ],
      t.app.now(),
    );
    expect(recorded).toHaveLength(1);

    const ctx = { ...sendContextOf(t.app), queue };
    const rerun = await matchStory(ctx, new RuleCatalog(t.app.db, t.app.log), {
      storyId: story.id,
      revision: story.revision,
    });
    expect(rerun).toEqual({ matched: 1, created: 0 });
    await queue.drain(ctx, new RuleCatalog(t.app.db, t.app.log));
    expect(smtp.received).toHaveLength(1);
    expect(await listDeliveries(t.app.db)).toMatchObject([{ kind: 'alert', storyIds: ['c-9'] }]);
  });

  it('never folds a later story into an alert already built for the same instant', async () => {
    await subscribe(t.app, { email: 'oz@corp.example', topic: 'customs', cadence: 'instant' });
    const queue = new DirectWorkQueue();
    const ctx = { ...sendContextOf(t.app), queue };
    const catalog = new RuleCatalog(t.app.db, t.app.log);
    await publish(t.app, queue, [makeStory('c-4', { headline: 'Customs first' })]);
    await queue.drain(ctx, catalog);
    expect(smtp.received).toHaveLength(1);

    // A second story matched in the same second, whose alert job carries the same id as the
    // first (it was computed before the first alert was recorded) and runs after it.
    const later = new DirectWorkQueue();
    const laterCtx = { ...ctx, queue: later };
    await publish(t.app, later, [makeStory('c-5', { headline: 'Customs second' })]);
    const story = await t.app.db
      .selectFrom('stories')
      .select(['id', 'revision'])
      .where('external_id', '=', 'c-5')
      .executeTakeFirstOrThrow();
    await matchStory({ ...laterCtx, queue: new DirectWorkQueue() }, catalog, {
      storyId: story.id,
      revision: story.revision,
    });
    const [first] = await listDeliveries(t.app.db);
    const sameInstant = await t.app.db
      .selectFrom('digests')
      .select('period_key')
      .where('id', '=', first!.digestId!)
      .executeTakeFirstOrThrow();
    const outcome = await buildAlert(laterCtx, { readerId: 1, dueAt: sameInstant.period_key });
    expect(outcome).toMatchObject({ status: 'queued', deliveryId: first!.id });

    // The story is still waiting, and the next alert (after the window) carries it.
    t.setNow(new Date('2026-11-27T10:02:01Z'));
    await runDue(t.app);
    expect(smtp.received).toHaveLength(2);
    const deliveries = await listDeliveries(t.app.db);
    expect(deliveries.map((d) => d.storyIds)).toEqual([['c-5'], ['c-4']]);
  });

  it('leaves a delivery found mid-send alone instead of sending it again', async () => {
    await subscribe(t.app, { email: 'oz@corp.example', topic: 'customs', cadence: 'instant' });
    const queue = new DirectWorkQueue();
    const ctx = { ...sendContextOf(t.app), queue };
    await publish(t.app, queue, [makeStory('c-3', { headline: 'Customs checks' })]);
    await queue.drain(ctx, new RuleCatalog(t.app.db, t.app.log));
    // The first run sent it; a worker killed before recording that would leave it `sending`.
    const [delivery] = await listDeliveries(t.app.db);
    await t.app.db
      .updateTable('deliveries')
      .set({ status: 'sending' })
      .where('id', '=', delivery!.id)
      .execute();
    expect(await sendDelivery(ctx, delivery!.id)).toMatchObject({ status: 'skipped' });
    expect(smtp.received).toHaveLength(1);

    // Ten minutes on, the tick notes its outcome as unknown for a person to settle; it stays
    // `sending` (listed by `deliveries list --status sending`), still without a send.
    t.setNow(new Date('2026-11-27T10:11:00Z'));
    await runScheduleTick(ctx);
    const [after] = await listDeliveries(t.app.db);
    expect(after).toMatchObject({ status: 'sending' });
    expect(after!.error).toMatch(/outcome unknown/);
    expect(smtp.received).toHaveLength(1);
  });
});
