import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listDeliveries } from '../../db/repositories/delivery.repository.js';
import { addSuppression, findSuppression } from '../../db/repositories/suppression.repository.js';
import { DirectWorkQueue } from '../../jobs/direct-work-queue.js';
import { saveReader } from '../../src/services/readers/readers.service.js';
import {
  changeSubscriptions,
  subscribe,
} from '../../src/services/readers/subscriptions.service.js';
import { addTopic } from '../../src/services/topics/topics.service.js';
import { unsubscribe } from '../../src/services/web/unsubscribe.service.js';
import { makeStory, parseReceived, publish, runDue } from '../support/flow-helpers.js';
import { smtpReply, startSmtpServer, type TestSmtpServer } from '../support/smtp-test-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';

describe.each(DIALECTS)('a story from publish to inbox (%s)', (dialect) => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let rejectRecipients: Set<string>;

  beforeAll(async () => {
    rejectRecipients = new Set();
    smtp = await startSmtpServer({
      onRcptTo(address, _session, callback) {
        if (rejectRecipients.has(address.address))
          return callback(smtpReply(550, '5.1.1 no such user'));
        callback();
      },
    });
  });
  afterAll(async () => smtp.close());

  beforeEach(async () => {
    smtp.received.length = 0;
    rejectRecipients.clear();
    t = await createTestApp(dialect, { smtpUrl: smtp.url });
    t.setNow(new Date('2026-11-27T10:00:00Z'));
    await addTopic(t.app, {
      slug: 'export-controls',
      name: 'Export controls',
      query: 'tag:"export controls" OR "entity list"',
    });
    await addTopic(t.app, { slug: 'russia', name: 'Russia sanctions', query: 'sanctions russia' });
  });
  afterEach(async () => t.close());

  async function addReader(email: string, plan: 'subscriber' | 'free' = 'subscriber', tz = 'UTC') {
    await saveReader(t.app, {
      email,
      name: null,
      plan,
      trialEndsAt: null,
      tz,
      marketingConsent: false,
    });
  }

  it('alerts an instant follower with the matching story only', async () => {
    await addReader('ann@corp.example');
    await subscribe(t.app, {
      email: 'ann@corp.example',
      topic: 'export-controls',
      cadence: 'instant',
    });
    const queue = new DirectWorkQueue();
    await publish(t.app, queue, [
      makeStory('ec-1', {
        headline: 'Commerce adds 27 entities to Entity List',
        tags: ['export controls'],
      }),
      makeStory('other-1', { headline: 'Port congestion eases in Rotterdam' }),
    ]);
    await runDue(t.app, queue);

    expect(smtp.received).toHaveLength(1);
    const mail = await parseReceived(smtp.received[0]!);
    expect(smtp.received[0]!.to).toEqual(['ann@corp.example']);
    expect(mail.subject).toContain('Commerce adds 27 entities to Entity List');
    expect(mail.text).toContain('https://brief.example/stories/ec-1');
    expect(mail.text).not.toContain('Rotterdam');
    const [delivery] = await listDeliveries(t.app.db);
    expect(delivery).toMatchObject({
      kind: 'alert',
      status: 'sent',
      storyIds: ['ec-1'],
      attempts: 1,
    });
    expect(delivery!.messageId).toBe(mail.messageId);
  });

  it('sends a story once to a reader who follows it at two cadences, by the faster one', async () => {
    await addReader('bo@corp.example');
    await subscribe(t.app, {
      email: 'bo@corp.example',
      topic: 'export-controls',
      cadence: 'daily',
      sendAt: '07:00',
    });
    await subscribe(t.app, { email: 'bo@corp.example', query: 'entity list', cadence: 'instant' });
    const queue = new DirectWorkQueue();
    await publish(t.app, queue, [
      makeStory('ec-2', { headline: 'Entity List grows', tags: ['export controls'] }),
    ]);
    await runDue(t.app, queue);
    t.setNow(new Date('2026-11-28T07:01:00Z'));
    await runDue(t.app);

    expect(smtp.received).toHaveLength(1);
    const mail = await parseReceived(smtp.received[0]!);
    // Both rules are named as the reason.
    expect(mail.text).toContain('Export controls');
    expect(mail.text).toContain('Your searches');
  });

  it('gathers a daily digest at the reader’s local hour, once', async () => {
    await addReader('cy@corp.example', 'subscriber', 'America/New_York');
    await subscribe(t.app, {
      email: 'cy@corp.example',
      topic: 'russia',
      cadence: 'daily',
      sendAt: '07:00',
    });
    const queue = new DirectWorkQueue();
    await publish(t.app, queue, [
      makeStory('ru-1', {
        headline: 'New sanctions on Russia banks',
        publishedAt: '2026-11-27T08:00:00Z',
      }),
      makeStory('ru-2', {
        headline: 'Russia sanctions: shipping',
        publishedAt: '2026-11-27T09:00:00Z',
      }),
    ]);
    await runDue(t.app, queue);
    expect(smtp.received).toHaveLength(0);

    t.setNow(new Date('2026-11-27T11:59:00Z')); // 06:59 in New York
    await runDue(t.app);
    expect(smtp.received).toHaveLength(0);

    t.setNow(new Date('2026-11-27T12:01:00Z')); // 07:01 in New York
    await runDue(t.app);
    await runDue(t.app);
    expect(smtp.received).toHaveLength(1);
    const mail = await parseReceived(smtp.received[0]!);
    expect(mail.text).toContain('New sanctions on Russia banks');
    expect(mail.text).toContain('Russia sanctions: shipping');
    const [delivery] = await listDeliveries(t.app.db);
    expect(delivery).toMatchObject({ kind: 'digest', cadence: 'daily', status: 'sent' });
    expect(delivery!.storyIds.sort()).toEqual(['ru-1', 'ru-2']);
  });

  it('does not re-send an updated story unless the update asks for it', async () => {
    await addReader('di@corp.example');
    await subscribe(t.app, { email: 'di@corp.example', topic: 'russia', cadence: 'instant' });
    const story = makeStory('ru-3', { headline: 'Russia sanctions widen' });
    let queue = new DirectWorkQueue();
    await publish(t.app, queue, [story]);
    await runDue(t.app, queue);
    queue = new DirectWorkQueue();
    await publish(t.app, queue, [{ ...story, headline: 'Russia sanctions widen (corrected)' }]);
    t.setNow(new Date('2026-11-27T11:00:00Z'));
    await runDue(t.app, queue);
    expect(smtp.received).toHaveLength(1);

    queue = new DirectWorkQueue();
    await publish(t.app, queue, [
      { ...story, headline: 'Russia sanctions widen again', realert: true },
    ]);
    t.setNow(new Date('2026-11-27T12:00:00Z'));
    await runDue(t.app, queue);
    expect(smtp.received).toHaveLength(2);
    expect((await parseReceived(smtp.received[1]!)).subject).toContain(
      'Russia sanctions widen again',
    );
  });

  it('mails nobody who paused, unsubscribed or is suppressed', async () => {
    for (const email of ['paused@corp.example', 'gone@corp.example', 'blocked@corp.example']) {
      await addReader(email);
      await subscribe(t.app, { email, topic: 'russia', cadence: 'instant' });
    }
    await changeSubscriptions(t.app, 'paused@corp.example', undefined, 'pause');
    await unsubscribe(t.app, 'gone@corp.example');
    await addSuppression(t.app.db, 'blocked@corp.example', 'complaint', t.app.now());
    const queue = new DirectWorkQueue();
    await publish(t.app, queue, [makeStory('ru-4', { headline: 'Russia sanctions update' })]);
    const report = await runDue(t.app, queue);

    expect(smtp.received).toHaveLength(0);
    expect(report.sends.map((s) => s.status)).toEqual(['suppressed']);
    const deliveries = await listDeliveries(t.app.db);
    expect(deliveries.map((d) => [d.recipient, d.status])).toEqual([
      ['blocked@corp.example', 'suppressed'],
    ]);
  });

  it('fails a refused recipient at once and suppresses the address', async () => {
    await addReader('nobody@corp.example');
    await subscribe(t.app, { email: 'nobody@corp.example', topic: 'russia', cadence: 'instant' });
    rejectRecipients.add('nobody@corp.example');
    const queue = new DirectWorkQueue();
    await publish(t.app, queue, [makeStory('ru-5', { headline: 'Russia sanctions news' })]);
    await runDue(t.app, queue);

    const [delivery] = await listDeliveries(t.app.db);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1 });
    expect(delivery!.error).toContain('550');
    expect(await findSuppression(t.app.db, 'nobody@corp.example')).toMatchObject({
      reason: 'hard-bounce',
    });
  });

  it('keeps the good stories of a batch with a bad record and says where the bad one is', async () => {
    const queue = new DirectWorkQueue();
    const good = makeStory('ok-1');
    const { publishStories } = await import('../../src/services/stories/publish-story.service.js');
    const { parseStoriesText } = await import('../../src/domain/story.js');
    const text = `${JSON.stringify(good)}\n{"id": "bad-1", "url": "javascript:alert(1)"}\nnot json\n`;
    const report = await publishStories({ ...t.app, queue }, parseStoriesText(text));
    expect(report.created).toBe(1);
    expect(report.rejected.map((r) => r.position)).toEqual(['line 2', 'line 3']);
    expect(report.rejected[0]!.error).toMatch(/url|headline/);
  });
});
