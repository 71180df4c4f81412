import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listDeliveries } from '../../db/repositories/delivery.repository.js';
import { type RunningWorkers, startWorkers } from '../../jobs/workers.js';
import { sendContextOf } from '../../src/app.js';
import { parseStoriesText } from '../../src/domain/story.js';
import type { FlowContext } from '../../src/services/context.js';
import { saveReader } from '../../src/services/readers/readers.service.js';
import { subscribe } from '../../src/services/readers/subscriptions.service.js';
import { publishStories } from '../../src/services/stories/publish-story.service.js';
import { RuleCatalog } from '../../src/services/topics/rule-catalog.js';
import { addTopic } from '../../src/services/topics/topics.service.js';
import { makeStory, parseReceived } from '../support/flow-helpers.js';
import { smtpReply, startSmtpServer, type TestSmtpServer } from '../support/smtp-test-server.js';
import { createTestApp, type TestApp, waitFor } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';

describe.each(DIALECTS)('BullMQ workers (%s)', (dialect) => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let workers: RunningWorkers;
  let ctx: FlowContext;
  let temporaryFailures = 0;

  beforeAll(async () => {
    smtp = await startSmtpServer({
      onRcptTo(_address, _session, callback) {
        if (temporaryFailures > 0) {
          temporaryFailures--;
          return callback(smtpReply(451, '4.3.0 try again later'));
        }
        callback();
      },
    });
  });
  afterAll(async () => smtp.close());

  beforeEach(async () => {
    smtp.received.length = 0;
    t = await createTestApp(dialect, { smtpUrl: smtp.url, redis: true });
    ctx = { ...t.app, queue: t.app.bull!.workQueue };
    const catalog = new RuleCatalog(t.app.db, t.app.log);
    workers = startWorkers(
      t.app.redis!.bullConnection,
      { ...sendContextOf(t.app), queue: ctx.queue },
      catalog,
      t.app.log,
    );
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs OR tariff*' });
    await saveReader(t.app, {
      email: 'eve@corp.example',
      name: 'Eve',
      plan: 'free',
      trialEndsAt: null,
      tz: 'UTC',
      marketingConsent: false,
    });
    await subscribe(t.app, { email: 'eve@corp.example', topic: 'customs', cadence: 'instant' });
  });
  afterEach(async () => {
    await workers.close();
    await t.close();
  });

  it('carries a published story through ingest, digest and send queues to the SMTP server', async () => {
    await publishStories(
      ctx,
      parseStoriesText(JSON.stringify(makeStory('cu-1', { headline: 'EU customs reform agreed' }))),
    );
    await waitFor(() => smtp.received.length === 1, 15_000, 'the alert');
    const mail = await parseReceived(smtp.received[0]!);
    expect(smtp.received[0]!.to).toEqual(['eve@corp.example']);
    expect(mail.subject).toContain('EU customs reform agreed');
    // A free reader gets a trial link, not the paywalled story's URL.
    expect(mail.text).toContain('https://brief.example/t/');
    const [delivery] = await waitFor(async () => {
      const rows = await listDeliveries(t.app.db);
      return rows[0]?.status === 'sent' ? rows : undefined;
    });
    expect(delivery).toMatchObject({ kind: 'alert', storyIds: ['cu-1'], attempts: 1 });
  });

  it('retries a temporary SMTP failure with backoff and sends once', async () => {
    temporaryFailures = 1;
    await publishStories(
      ctx,
      parseStoriesText(JSON.stringify(makeStory('cu-2', { headline: 'Tariffs on steel rise' }))),
    );
    const [delivery] = await waitFor(
      async () => {
        const rows = await listDeliveries(t.app.db);
        return rows[0]?.status === 'sent' ? rows : undefined;
      },
      15_000,
      'the delivery to be sent',
    );
    expect(delivery).toMatchObject({ status: 'sent', attempts: 2, error: null });
    expect(smtp.received).toHaveLength(1);
  });

  it('picks up a new topic in a running worker without a restart', async () => {
    await addTopic(t.app, { slug: 'sanctions', name: 'Sanctions', query: 'ofac' });
    await subscribe(t.app, { email: 'eve@corp.example', topic: 'sanctions', cadence: 'instant' });
    await publishStories(
      ctx,
      parseStoriesText(
        JSON.stringify(makeStory('sa-1', { headline: 'OFAC designates shipping firms' })),
      ),
    );
    await waitFor(() => smtp.received.length === 1, 15_000, 'the alert');
    expect((await parseReceived(smtp.received[0]!)).subject).toContain('OFAC designates');
  });
});
