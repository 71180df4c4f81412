import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertMatches } from '../../../db/repositories/match.repository.js';
import { setSubscriptionPaused } from '../../../db/repositories/subscription.repository.js';
import { insertSubscriptions } from '../../../db/repositories/subscription-batch.repository.js';
import { DirectWorkQueue } from '../../../jobs/direct-work-queue.js';
import type { Cadence } from '../../../src/domain/subscription.js';
import { saveReader } from '../../../src/services/readers/readers.service.js';
import { subscribe } from '../../../src/services/readers/subscriptions.service.js';
import { matchStory } from '../../../src/services/stories/match-story.service.js';
import { RuleCatalog } from '../../../src/services/topics/rule-catalog.js';
import { addTopic } from '../../../src/services/topics/topics.service.js';
import type { BuildAlertWork, WorkQueue } from '../../../src/services/work-queue.js';
import { makeStory, publish } from '../../support/flow-helpers.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { DIALECTS } from '../../support/test-database.js';

/** A work queue that keeps what it is handed: the alerts a match job handed on. */
function keepingQueue(): WorkQueue & { alerts: BuildAlertWork[] } {
  const alerts: BuildAlertWork[] = [];
  return {
    alerts,
    matchStory: async () => {},
    buildDigest: async () => {},
    buildAlert: async (work) => {
      alerts.push(work);
    },
    buildAlerts: async (works) => {
      alerts.push(...works.map((w) => w.work));
    },
    sendDelivery: async () => {},
  };
}

describe.each(DIALECTS)('recording a story’s matches (%s)', (dialect) => {
  let t: TestApp;

  beforeEach(async () => {
    t = await createTestApp(dialect);
    t.setNow(new Date('2026-11-27T10:00:00Z'));
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
  });
  afterEach(async () => t.close());

  async function reader(
    email: string,
    follows: { topic?: string; query?: string; cadence: Cadence }[],
  ) {
    await saveReader(t.app, {
      email,
      name: null,
      plan: 'subscriber',
      trialEndsAt: null,
      tz: 'UTC',
      marketingConsent: false,
    });
    const ids: number[] = [];
    for (const follow of follows) ids.push((await subscribe(t.app, { email, ...follow })).id);
    return ids;
  }

  /** Publishes one story (nothing matched yet) and returns its id and revision. */
  async function published(id: string, headline: string) {
    await publish(t.app, new DirectWorkQueue(), [makeStory(id, { headline })]);
    const story = await t.app.db
      .selectFrom('stories')
      .select(['id', 'revision'])
      .where('external_id', '=', id)
      .executeTakeFirstOrThrow();
    return { storyId: story.id, revision: story.revision };
  }

  async function matchRows() {
    const rows = await t.app.db
      .selectFrom('matches')
      .innerJoin('subscribers', 'subscribers.id', 'matches.subscriber_id')
      .select(['subscribers.email', 'matches.cadence', 'matches.subscription_ids'])
      .orderBy('subscribers.email')
      .execute();
    return rows.map((r) => ({
      email: r.email,
      cadence: r.cadence,
      subscriptionIds:
        typeof r.subscription_ids === 'string'
          ? JSON.parse(r.subscription_ids)
          : r.subscription_ids,
    }));
  }

  it('records one match a reader, by the fastest cadence, with every subscription that matched', async () => {
    const ann = await reader('ann@corp.example', [
      { topic: 'customs', cadence: 'daily' },
      { query: 'customs AND seizure', cadence: 'instant' },
    ]);
    await reader('bob@corp.example', [{ topic: 'customs', cadence: 'weekly' }]);
    await reader('cy@corp.example', [{ query: 'tariffs', cadence: 'instant' }]);
    const [paused] = await reader('dee@corp.example', [{ topic: 'customs', cadence: 'daily' }]);
    await setSubscriptionPaused(t.app.db, paused!, true);
    await reader('eve@corp.example', [{ topic: 'customs', cadence: 'daily' }]);
    await reader('fay@corp.example', [{ topic: 'customs', cadence: 'daily' }]);
    await reader('gus@corp.example', [{ topic: 'customs', cadence: 'instant' }]);
    // Eve pauses everything until next week, Fay paused until yesterday, Gus left.
    await sql`update subscribers set paused_until = ${'2026-12-04T00:00:00.000Z'} where email = 'eve@corp.example'`.execute(
      t.app.db,
    );
    await sql`update subscribers set paused_until = ${'2026-11-26T00:00:00.000Z'} where email = 'fay@corp.example'`.execute(
      t.app.db,
    );
    await sql`update subscribers set status = 'unsubscribed' where email = 'gus@corp.example'`.execute(
      t.app.db,
    );

    const story = await published('s-1', 'Customs seizure at the border');
    const queue = keepingQueue();
    const report = await matchStory(
      { ...t.app, queue },
      new RuleCatalog(t.app.db, t.app.log),
      story,
    );

    expect(report).toEqual({ matched: 3, created: 3 });
    expect(await matchRows()).toEqual([
      {
        email: 'ann@corp.example',
        cadence: 'instant',
        subscriptionIds: [...ann].sort((a, b) => a - b),
      },
      { email: 'bob@corp.example', cadence: 'weekly', subscriptionIds: expect.any(Array) },
      { email: 'fay@corp.example', cadence: 'daily', subscriptionIds: expect.any(Array) },
    ]);
    // Only Ann's match is instant: one alert, due at once.
    expect(queue.alerts).toEqual([{ readerId: 1, dueAt: '2026-11-27T10:00:00.000Z' }]);
  });

  it('records nothing twice when the job runs twice, at once or again later', async () => {
    for (let i = 0; i < 30; i++)
      await reader(`r${i}@corp.example`, [
        { topic: 'customs', cadence: i % 3 === 0 ? 'instant' : 'daily' },
      ]);
    const story = await published('s-2', 'Customs checks');
    const catalog = new RuleCatalog(t.app.db, t.app.log);
    const queue = keepingQueue();
    const runs = await Promise.all([
      matchStory({ ...t.app, queue }, catalog, story),
      matchStory({ ...t.app, queue }, catalog, story),
    ]);
    expect(runs.map((r) => r.created).reduce((a, b) => a + b)).toBe(30);
    // Run again as if it had never been marked matched (a lost mark, a sweep's second hand-on).
    await t.app.db
      .updateTable('stories')
      .set({ matched_revision: story.revision - 1 })
      .execute();
    expect(await matchStory({ ...t.app, queue }, catalog, story)).toEqual({
      matched: 30,
      created: 0,
    });

    const count = await t.app.db
      .selectFrom('matches')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(30);
    // Every instant reader was handed an alert, however the runs split the work.
    expect(new Set(queue.alerts.map((a) => a.readerId)).size).toBe(10);
  });

  it('finishes a run stopped after recording part of its matches, alerts included', async () => {
    const [first] = await reader('ann@corp.example', [{ topic: 'customs', cadence: 'instant' }]);
    await reader('bob@corp.example', [{ topic: 'customs', cadence: 'instant' }]);
    await reader('cy@corp.example', [{ topic: 'customs', cadence: 'daily' }]);
    const story = await published('s-3', 'Customs rules');
    // The first run recorded Ann's match, then stopped.
    await insertMatches(
      t.app.db,
      [{ readerId: 1, ...story, cadence: 'instant', subscriptionIds: [first!] }],
      t.app.now(),
    );

    const queue = keepingQueue();
    const rerun = await matchStory(
      { ...t.app, queue },
      new RuleCatalog(t.app.db, t.app.log),
      story,
    );
    expect(rerun).toEqual({ matched: 3, created: 2 });
    expect(queue.alerts.map((a) => a.readerId).sort()).toEqual([1, 2]);
  });

  it('records a story matched by more readers and rules than one statement’s lists hold', async () => {
    const readers = 1200;
    const at = t.app.now().toISOString();
    await t.app.db
      .insertInto('subscribers')
      .values(
        Array.from({ length: readers }, (_, i) => ({
          email: `bulk${i}@corp.example`,
          name: null,
          plan: 'subscriber' as const,
          trial_ends_at: null,
          tz: 'UTC',
          status: 'active' as const,
          marketing_consent: 0,
          created_at: at,
          updated_at: at,
        })),
      )
      .execute();
    // Each reader has a query of their own, and every one of them matches.
    const ids = await t.app.db.selectFrom('subscribers').select('id').orderBy('id').execute();
    await insertSubscriptions(
      t.app.db,
      ids.map((r) => ({
        readerId: r.id,
        topicId: null,
        query: 'customs',
        cadence: 'daily' as const,
        sendAt: '07:00',
        weekday: null,
        weekdays: false,
        nextDueAt: null,
      })),
      t.app.now(),
    );
    const story = await published('s-4', 'Customs everywhere');
    const queue = keepingQueue();
    const report = await matchStory(
      { ...t.app, queue },
      new RuleCatalog(t.app.db, t.app.log),
      story,
    );
    expect(report).toEqual({ matched: readers, created: readers });
    const distinct = await t.app.db
      .selectFrom('matches')
      .select((eb) => eb.fn.count<number>('subscriber_id').distinct().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(distinct.n)).toBe(readers);
  });
});
