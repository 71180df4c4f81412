import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pruneOldData } from '../../../src/services/retention/index.js';
import {
  addBounceRows,
  addCampaignRecipientRow,
  addDeliveryRow,
  addMatchRow,
  addReaderRow,
  addSentDigest,
  addStoryRow,
  addTrialClickRow,
  countRows,
  daysBefore,
} from '../../support/retention-rows.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { DIALECTS } from '../../support/test-database.js';

const NOW = new Date('2026-12-07T12:00:00Z');

describe.each(DIALECTS)('retention (%s)', { timeout: 60_000 }, (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
    t.setNow(NOW);
  });
  afterEach(async () => t.close());
  afterAll(() => undefined);

  /** Every kind of row, some older than the default RETENTION (400 days), some younger. */
  async function seedMixedAges() {
    const db = t.app.db;
    const old = daysBefore(NOW, 500);
    const lately = daysBefore(NOW, 10);
    const ann = await addReaderRow(db, 'ann@example.com', old);
    const oldStory = await addStoryRow(db, 'old-story', old);
    const oldDigest = await addSentDigest(db, ann, [oldStory], old);
    const oldPending = await addMatchRow(db, ann, await addStoryRow(db, 'old-2', old), old);
    const oldCampaignDelivery = await addDeliveryRow(db, ann, daysBefore(NOW, 450), {
      kind: 'campaign',
    });
    const recipient = await addCampaignRecipientRow(
      db,
      ann,
      oldCampaignDelivery,
      daysBefore(NOW, 450),
    );
    const oldBounce = await addBounceRows(db, oldDigest.deliveryId, daysBefore(NOW, 450), 'f1');
    const oldClick = await addTrialClickRow(db, 'ann@example.com', daysBefore(NOW, 450));
    // A digest older than RETENTION whose delivery is younger: it stays while that does.
    const straddling = await addSentDigest(db, ann, [], daysBefore(NOW, 401));
    await db
      .updateTable('deliveries')
      .set({ created_at: daysBefore(NOW, 399) })
      .where('id', '=', straddling.deliveryId)
      .execute();
    const youngStory = await addStoryRow(db, 'young-story', lately);
    const youngDigest = await addSentDigest(db, ann, [youngStory], lately);
    const youngPending = await addMatchRow(
      db,
      ann,
      await addStoryRow(db, 'young-2', lately),
      lately,
    );
    // A bounce of today about the old delivery outlives it: it goes by its own age.
    const youngBounce = await addBounceRows(db, oldDigest.deliveryId, lately, 'f2');
    const youngClick = await addTrialClickRow(db, 'ann@example.com', lately);
    return {
      oldStory,
      youngStory,
      oldDigest,
      straddling,
      oldPending,
      recipient,
      oldBounce,
      oldClick,
      youngDigest,
      youngPending,
      youngBounce,
      youngClick,
    };
  }

  it('deletes what is older than RETENTION, keeps what is younger, and clears old bodies only', async () => {
    const rows = await seedMixedAges();
    const db = t.app.db;
    const report = await pruneOldData(t.app);
    expect(report.rows).toEqual({
      matches: 2,
      trial_clicks: 1,
      deliveries: 2,
      digests: 1,
      bounces: 1,
      inbound_messages: 1,
      story_bodies: 2,
    });
    expect(report.stopped).toBe(false);
    const ids = async (table: 'matches' | 'deliveries' | 'digests' | 'bounces' | 'trial_clicks') =>
      (await db.selectFrom(table).select('id').orderBy('id').execute()).map((r) => r.id);
    expect(await ids('matches')).toEqual(
      (
        await db
          .selectFrom('matches')
          .select('id')
          .where('digest_id', '=', rows.youngDigest.digestId)
          .execute()
      )
        .map((r) => r.id)
        .concat(rows.youngPending),
    );
    expect(await ids('digests')).toEqual([rows.straddling.digestId, rows.youngDigest.digestId]);
    expect(await ids('deliveries')).toEqual([
      rows.straddling.deliveryId,
      rows.youngDigest.deliveryId,
    ]);
    // The bounce of the old delivery went; today's, about the same delivery, stays.
    expect(await ids('bounces')).toEqual([rows.youngBounce.bounceId]);
    expect(await ids('trial_clicks')).toEqual([rows.youngClick]);
    // The campaign's recipient went with its delivery, which it references.
    expect(await db.selectFrom('campaign_recipients').select('id').execute()).toEqual([]);
    // Every story row stays; the old ones without their body.
    const stories = await db
      .selectFrom('stories')
      .select(['external_id', 'headline', 'url', 'body'])
      .orderBy('id')
      .execute();
    expect(stories.map((s) => [s.external_id, s.body === ''])).toEqual([
      ['old-story', true],
      ['old-2', true],
      ['young-story', false],
      ['young-2', false],
    ]);
    expect(stories[0]?.headline).toBe('Headline old-story');
    // No match lost its digest (one that did would be sent again).
    expect(
      await db.selectFrom('matches').select('id').where('digest_id', 'is', null).execute(),
    ).toEqual([{ id: rows.youngPending }]);
  });

  it('works a batch at a time: each statement takes at most the batch size', async () => {
    const db = t.app.db;
    const ann = await addReaderRow(db, 'ann@example.com', daysBefore(NOW, 600));
    const stories: number[] = [];
    for (let i = 0; i < 40; i++)
      stories.push(await addStoryRow(db, `s-${i}`, daysBefore(NOW, 600)));
    // 35 old matches, then a young one amid the last old ones (stepped over), then 4 young.
    for (let i = 0; i < 35; i++) {
      if (i === 33) await addMatchRow(db, ann, stories[39] as number, daysBefore(NOW, 1));
      await addMatchRow(db, ann, stories[i] as number, daysBefore(NOW, 500 - i));
    }
    for (let i = 35; i < 39; i++)
      await addMatchRow(db, ann, stories[i] as number, daysBefore(NOW, 1));
    const batches: { table: string; rows: number }[] = [];
    const report = await pruneOldData(t.app, {
      batchSize: 10,
      onBatch: ({ table, rows }) => batches.push({ table, rows }),
    });
    const matchBatches = batches.filter((b) => b.table === 'matches').map((b) => b.rows);
    expect(matchBatches.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...matchBatches)).toBeLessThanOrEqual(10);
    expect(report.rows.matches).toBe(35);
    expect((await countRows(db)).matches).toBe(5);
    // 40 bodies, 10 at a time: four full batches.
    expect(batches.filter((b) => b.table === 'story_bodies').map((b) => b.rows)).toEqual([
      10, 10, 10, 10,
    ]);
  });

  it('stopped half-way leaves a consistent database; the next run finishes; a third finds nothing', async () => {
    await seedMixedAges();
    const db = t.app.db;
    const ann = (await db.selectFrom('subscribers').select('id').executeTakeFirstOrThrow()).id;
    for (let i = 0; i < 30; i++) {
      const story = await addStoryRow(db, `many-${i}`, daysBefore(NOW, 700));
      const digest = await addSentDigest(db, ann, [], daysBefore(NOW, 690 - i));
      await addMatchRow(db, ann, story, daysBefore(NOW, 690 - i), digest.digestId);
    }
    let batches = 0;
    const first = await pruneOldData(t.app, { batchSize: 4, shouldStop: () => batches++ >= 5 });
    expect(first.stopped).toBe(true);
    // Part went; every match still names a digest that exists, and none became pending.
    expect(
      await db.selectFrom('matches').select('id').where('digest_id', 'is', null).execute(),
    ).toHaveLength(1);
    const second = await pruneOldData(t.app, { batchSize: 4 });
    expect(second.stopped).toBe(false);
    expect(first.rows.matches + second.rows.matches).toBe(32);
    expect(second.rows.digests).toBe(31);
    const after = await countRows(db);
    expect(after).toMatchObject({ matches: 2, digests: 2, deliveries: 2, bounces: 1 });
    const third = await pruneOldData(t.app, { batchSize: 4 });
    expect(Object.values(third.rows).every((n) => n === 0)).toBe(true);
    expect(await countRows(db)).toEqual(after);
  });

  it('a dry run counts what would go and changes nothing', async () => {
    await seedMixedAges();
    const before = await countRows(t.app.db);
    const dry = await pruneOldData(t.app, { dryRun: true });
    expect(await countRows(t.app.db)).toEqual(before);
    const real = await pruneOldData(t.app);
    expect(dry.rows).toEqual(real.rows);
  });

  it('--older narrows or widens the cutoff', async () => {
    await seedMixedAges();
    const report = await pruneOldData(t.app, { olderThanMs: 5 * 86_400_000, dryRun: true });
    expect(report.rows.matches).toBe(4);
    expect(report.cutoff.toISOString()).toBe('2026-12-02T12:00:00.000Z');
  });
});
