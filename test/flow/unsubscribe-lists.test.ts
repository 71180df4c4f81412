import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listDeliveries } from '../../db/repositories/delivery.repository.js';
import { DirectWorkQueue } from '../../jobs/direct-work-queue.js';
import { sendContextOf } from '../../src/app.js';
import { buildDigest } from '../../src/services/digests/build-digest.service.js';
import { saveReader } from '../../src/services/readers/readers.service.js';
import { subscribe } from '../../src/services/readers/subscriptions.service.js';
import { sendDelivery } from '../../src/services/sending/send-delivery.service.js';
import { addTopic } from '../../src/services/topics/topics.service.js';
import { savePreferences } from '../../src/services/web/preferences.service.js';
import { unsubscribeFromList } from '../../src/services/web/unsubscribe.service.js';
import { makeStory, parseReceived, publish, runDue } from '../support/flow-helpers.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-test-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';

const EMAIL = 'vi@corp.example';

/**
 * One click takes effect before the next send: stories already waiting for the list the reader
 * left go by another list of theirs that matched them, or not at all; a pause holds everything.
 */
describe.each(DIALECTS)('leaving one list (%s)', (dialect) => {
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
    await addTopic(t.app, { slug: 'trade', name: 'Trade', query: 'trade' });
    await saveReader(t.app, {
      email: EMAIL,
      name: null,
      plan: 'subscriber',
      trialEndsAt: null,
      tz: 'UTC',
      marketingConsent: false,
    });
    await subscribe(t.app, { email: EMAIL, topic: 'customs', cadence: 'instant' });
    await subscribe(t.app, { email: EMAIL, topic: 'trade', cadence: 'daily', sendAt: '07:00' });
    // A first alert goes out, so the next waits for the alert window.
    await publish(t.app, new DirectWorkQueue(), [makeStory('s0', { headline: 'Customs one' })]);
    await runDue(t.app);
  });
  afterEach(async () => t.close());

  const sentStories = async () =>
    (await listDeliveries(t.app.db, {}))
      .filter((d) => d.status === 'sent')
      .map((d) => ({ kind: d.kind, stories: d.storyIds }))
      .sort((a, b) => a.kind.localeCompare(b.kind));

  it('sends a waiting alert story in the daily digest instead, after leaving instant alerts', async () => {
    const queue = new DirectWorkQueue();
    await publish(t.app, queue, [
      makeStory('both', { headline: 'Customs and trade news' }),
      makeStory('only', { headline: 'Customs only news' }),
    ]);
    const drained = await runDue(t.app, queue);
    expect(drained.alertsNotDue).toBeGreaterThan(0);

    await unsubscribeFromList(t.app, EMAIL, 'instant');
    t.setNow(new Date('2026-11-28T07:00:30Z'));
    await runDue(t.app);

    expect(await sentStories()).toEqual([
      { kind: 'alert', stories: ['s0'] },
      { kind: 'digest', stories: ['both'] },
    ]);
    const digest = await parseReceived(smtp.received.at(-1)!);
    expect(digest.subject).toContain('Customs and trade news');
    // Its unsubscribe link now names the daily digest.
    const header = digest.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '';
    const token = /\/u\/([^>\s]+)/.exec(header)?.[1] ?? '';
    const payload = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'));
    expect(payload).toMatchObject({ k: 'u', l: 'daily' });
  });

  it('does not send a digest already built when its list is left before the send', async () => {
    await publish(t.app, new DirectWorkQueue(), [makeStory('t1', { headline: 'Trade talks' })]);
    await runDue(t.app);
    // 07:00: the daily digest is built; its send waits (in a queue nobody drains yet).
    t.setNow(new Date('2026-11-28T07:00:30Z'));
    const ctx = { ...sendContextOf(t.app), queue: new DirectWorkQueue() };
    const built = await buildDigest(ctx, {
      readerId: 1,
      cadence: 'daily',
      periodKey: '2026-11-28',
      periodStart: '2026-11-27T07:00:00.000Z',
      periodEnd: '2026-11-28T07:00:00.000Z',
    });
    expect(built).toMatchObject({ status: 'queued' });
    if (built.status !== 'queued') return;

    await unsubscribeFromList(t.app, EMAIL, 'daily');
    expect(await sendDelivery(ctx, built.deliveryId)).toEqual({ status: 'suppressed' });
    const digest = (await listDeliveries(t.app.db, {})).find((d) => d.kind === 'digest');
    expect(digest).toMatchObject({ status: 'suppressed' });
    expect(digest?.error).toMatch(/no longer takes daily/);
    expect(await sentStories()).toEqual([{ kind: 'alert', stories: ['s0'] }]);
  });

  it('holds everything while the reader paused for some days', async () => {
    await savePreferences(t.app, EMAIL, {
      subscriptions: [],
      pauseDays: '3',
      marketingConsent: false,
    });
    const queue = new DirectWorkQueue();
    await publish(t.app, queue, [makeStory('held', { headline: 'Customs and trade while away' })]);
    t.setNow(new Date('2026-11-28T07:00:30Z'));
    await runDue(t.app, queue);
    expect(await sentStories()).toEqual([{ kind: 'alert', stories: ['s0'] }]);
  });
});
