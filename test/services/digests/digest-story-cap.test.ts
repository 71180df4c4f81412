import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeliveries } from '../../../db/repositories/delivery.repository.js';
import { DirectWorkQueue } from '../../../jobs/direct-work-queue.js';
import { renderContextOf } from '../../../src/app.js';
import { previewNextDigest } from '../../../src/services/digests/preview-digest.service.js';
import { saveReader } from '../../../src/services/readers/readers.service.js';
import { subscribe } from '../../../src/services/readers/subscriptions.service.js';
import { addTopic } from '../../../src/services/topics/topics.service.js';
import { makeStory, parseReceived, publish, runDue } from '../../support/flow-helpers.js';
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp-test-server.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { DIALECTS } from '../../support/test-database.js';

/** DIGEST_MAX_STORIES caps what a digest email shows, in a preview and in the email sent. */
describe.each(DIALECTS)('a digest over the story cap (%s)', (dialect) => {
  let smtp: TestSmtpServer;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp(dialect, { smtpUrl: smtp.url, env: { DIGEST_MAX_STORIES: '2' } });
    t.setNow(new Date('2026-11-27T10:00:00Z'));
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
    await addTopic(t.app, { slug: 'sanctions', name: 'Sanctions', query: 'sanctions' });
    await saveReader(t.app, {
      email: 'kit@corp.example',
      name: 'Kit',
      plan: 'subscriber',
      trialEndsAt: null,
      tz: 'UTC',
      marketingConsent: false,
    });
    for (const topic of ['customs', 'sanctions']) {
      await subscribe(t.app, {
        email: 'kit@corp.example',
        topic,
        cadence: 'daily',
        sendAt: '07:00',
      });
    }
    await publish(t.app, new DirectWorkQueue(), [
      makeStory('old-customs', {
        headline: 'Customs brokers face new filing rules',
        publishedAt: '2026-11-27T06:00:00Z',
      }),
      makeStory('new-customs', {
        headline: 'Customs union talks resume',
        publishedAt: '2026-11-27T09:00:00Z',
      }),
      makeStory('sanctions-1', {
        headline: 'New sanctions on shipping firms',
        publishedAt: '2026-11-27T08:00:00Z',
      }),
    ]).then(() => runDue(t.app));
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  /** What both parts must say about a digest of three stories capped at two. */
  function expectCapped(email: { subject: string; html: string; text: string }) {
    expect(email.subject).toBe(
      'Trade Compliance Brief daily: Customs union talks resume (+2 more)',
    );
    expect(email.text).toContain('3 new stories match what you follow.');
    expect(email.text).toContain('Customs union talks resume');
    expect(email.text).toContain('New sanctions on shipping firms');
    expect(email.text).not.toContain('Customs brokers face new filing rules');
    // The publisher's site is where the stories live, not Bulletin's own web server.
    expect(email.text).toContain('and 1 more story: https://brief.example/\n');
    expect(email.html).toMatch(/<a href="https:\/\/brief\.example\/"[^>]*>and 1 more story<\/a>/);
  }

  it('previews the newest stories and counts the rest', async () => {
    const preview = await previewNextDigest(renderContextOf(t.app), 'kit@corp.example', 'daily');
    expect(preview).not.toBeNull();
    expectCapped(preview!);
  });

  it('sends the same email', async () => {
    t.setNow(new Date('2026-11-28T07:01:00Z'));
    await runDue(t.app);
    expect(smtp.received).toHaveLength(1);
    const mail = await parseReceived(smtp.received[0]!);
    expectCapped({ subject: mail.subject ?? '', html: String(mail.html), text: mail.text ?? '' });
    const [delivery] = await listDeliveries(t.app.db, { recipient: 'kit@corp.example' });
    expect(delivery?.status).toBe('sent');
  });
});
