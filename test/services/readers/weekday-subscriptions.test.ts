import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toIso } from '../../../db/mappers.js';
import { listDeliveries } from '../../../db/repositories/delivery.repository.js';
import { findDigestById } from '../../../db/repositories/digest.repository.js';
import { DirectWorkQueue } from '../../../jobs/direct-work-queue.js';
import { InputError } from '../../../src/services/input-error.js';
import { saveReader } from '../../../src/services/readers/readers.service.js';
import {
  listSubscriptions,
  subscribe,
} from '../../../src/services/readers/subscriptions.service.js';
import { addTopic } from '../../../src/services/topics/topics.service.js';
import { makeStory, publish, runDue } from '../../support/flow-helpers.js';
import { runCli } from '../../support/run-cli.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { DIALECTS } from '../../support/test-database.js';

/** Daily digests on weekdays only: stored, listed, refused where they make no sense, scheduled. */
describe.each(DIALECTS)('weekday-only daily subscriptions (%s)', (dialect) => {
  let t: TestApp;
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    env = { ...t.env, LOG_LEVEL: 'warn' };
    // Wednesday 25 November 2026, the day before Thanksgiving.
    t.setNow(new Date('2026-11-25T15:00:00Z'));
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
    await addTopic(t.app, { slug: 'tariffs', name: 'Tariffs', query: 'tariff' });
    for (const email of ['wes@corp.example', 'una@corp.example', 'cli@corp.example']) {
      await saveReader(t.app, {
        email,
        name: null,
        plan: 'subscriber',
        trialEndsAt: null,
        tz: 'America/New_York',
        marketingConsent: false,
      });
    }
  });
  afterAll(async () => t.close());

  it('stores the flag and schedules the first digest past the holiday', async () => {
    const sub = await subscribe(t.app, {
      email: 'wes@corp.example',
      topic: 'customs',
      cadence: 'daily',
      sendAt: '07:00',
      weekdays: true,
    });
    expect(sub.weekdays).toBe(true);
    // Thanksgiving (Thursday 26th) is skipped: Friday 07:00 EST.
    expect(sub.nextDueAt).toEqual(new Date('2026-11-27T12:00:00Z'));
    const [listed] = await listSubscriptions(t.app, 'wes@corp.example');
    expect(listed).toMatchObject({ id: sub.id, weekdays: true, cadence: 'daily' });
  });

  it('leaves the flag off unless asked, and for rows older than the column', async () => {
    const sub = await subscribe(t.app, {
      email: 'una@corp.example',
      topic: 'customs',
      cadence: 'daily',
    });
    expect(sub.weekdays).toBe(false);
    expect(sub.nextDueAt).toEqual(new Date('2026-11-26T12:00:00Z'));
    // A row written without the column, as every row was before it existed, reads as off.
    const reader = (await listSubscriptions(t.app, 'una@corp.example'))[0]!.readerId;
    const raw = await t.app.db
      .insertInto('subscriptions')
      .values({
        subscriber_id: reader,
        topic_id: null,
        query: 'tariff',
        cadence: 'daily',
        send_at: '07:00',
        weekday: null,
        paused: 0,
        next_due_at: null,
        created_at: toIso(t.app.now()),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const listed = await listSubscriptions(t.app, 'una@corp.example');
    expect(listed.find((s) => s.id === raw.id)?.weekdays).toBe(false);
    await t.app.db.deleteFrom('subscriptions').where('id', '=', raw.id).execute();
  });

  it.each(['weekly', 'instant'] as const)(
    'refuses the flag on a %s subscription',
    async (cadence) => {
      const attempt = subscribe(t.app, {
        email: 'una@corp.example',
        topic: 'tariffs',
        cadence,
        weekdays: true,
      });
      await expect(attempt).rejects.toBeInstanceOf(InputError);
      await expect(attempt).rejects.toMatchObject({ field: 'weekdays' });
      const topics = (await listSubscriptions(t.app, 'una@corp.example')).map((s) => s.topicSlug);
      expect(topics).not.toContain('tariffs');
    },
  );

  it('sends nothing on the holiday and the weekend, and Monday’s digest holds what they brought', async () => {
    const queue = new DirectWorkQueue();
    await publish(t.app, queue, [
      makeStory('wed-1', {
        headline: 'Customs rules for steel',
        publishedAt: '2026-11-25T15:00:00Z',
      }),
    ]);
    const sentTo = async (email: string) =>
      (await listDeliveries(t.app.db, { recipient: email })).map((d) => d.storyIds);

    // Thanksgiving morning: the every-day reader gets the digest, the weekday reader does not.
    t.setNow(new Date('2026-11-26T12:01:00Z'));
    await runDue(t.app, queue);
    expect(await sentTo('una@corp.example')).toEqual([['wed-1']]);
    expect(await sentTo('wes@corp.example')).toEqual([]);

    t.setNow(new Date('2026-11-27T12:01:00Z'));
    await runDue(t.app, queue);
    expect(await sentTo('wes@corp.example')).toEqual([['wed-1']]);

    t.setNow(new Date('2026-11-28T15:00:00Z'));
    await publish(t.app, queue, [
      makeStory('sat-1', {
        headline: 'Customs seize counterfeit goods',
        publishedAt: '2026-11-28T15:00:00Z',
      }),
    ]);
    for (const day of ['2026-11-28T12:01:00Z', '2026-11-29T12:01:00Z']) {
      t.setNow(new Date(day));
      await runDue(t.app, queue);
    }
    t.setNow(new Date('2026-11-29T23:00:00Z'));
    await runDue(t.app, queue);
    expect(await sentTo('wes@corp.example')).toHaveLength(1);

    t.setNow(new Date('2026-11-30T12:01:00Z'));
    await runDue(t.app, queue);
    const deliveries = await listDeliveries(t.app.db, { recipient: 'wes@corp.example' });
    expect(deliveries.map((d) => d.storyIds)).toContainEqual(['sat-1']);
    const monday = deliveries.find((d) => d.storyIds.includes('sat-1'))!;
    // Monday's period reaches back to Friday's send.
    const digest = await findDigestById(t.app.db, monday.digestId!);
    expect(digest).toMatchObject({
      periodKey: '2026-11-30',
      periodStart: new Date('2026-11-27T12:00:00Z'),
      periodEnd: new Date('2026-11-30T12:00:00Z'),
    });
    const [sub] = await listSubscriptions(t.app, 'wes@corp.example');
    expect(sub!.nextDueAt).toEqual(new Date('2026-12-01T12:00:00Z'));
  });

  it('takes --weekdays on the command line and lists it', async () => {
    const added = await runCli(
      ['subscriptions', 'add', 'cli@corp.example', '--topic', 'customs', '--weekdays'],
      env,
    );
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toContain('(daily, weekdays)');
    const listed = await runCli(['subscriptions', 'list', 'cli@corp.example', '--json'], env);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ topic: 'customs', cadence: 'daily', day: null, weekdays: true }),
    ]);
    const table = await runCli(['subscriptions', 'list', 'cli@corp.example'], env);
    expect(table.stdout).toMatch(/customs\s+daily\s+weekdays 07:00/);
    const refused = await runCli(
      [
        'subscriptions',
        'add',
        'cli@corp.example',
        '--topic',
        'tariffs',
        '--cadence',
        'weekly',
        '--weekdays',
      ],
      env,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /--weekdays: only a daily digest can skip weekends and holidays/,
    );
  });
});
