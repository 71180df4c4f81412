import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeliveries } from '../../../db/repositories/delivery.repository.js';
import { DirectWorkQueue } from '../../../jobs/direct-work-queue.js';
import { createThreadedMailTransport } from '../../../src/adapters/mail/mail-thread.js';
import type { MailTransport } from '../../../src/adapters/mail/mail-transport.js';
import { sendContextOf } from '../../../src/app.js';
import { buildDigest } from '../../../src/services/digests/build-digest.service.js';
import { saveReader } from '../../../src/services/readers/readers.service.js';
import { subscribe } from '../../../src/services/readers/subscriptions.service.js';
import { sendDelivery } from '../../../src/services/sending/send-delivery.service.js';
import { RuleCatalog } from '../../../src/services/topics/rule-catalog.js';
import { addTopic } from '../../../src/services/topics/topics.service.js';
import { makeStory, publish } from '../../support/flow-helpers.js';
import {
  type HoldingSmtpServer,
  startHoldingSmtpServer,
} from '../../support/holding-smtp-server.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

/**
 * The mail thread dies after the server has taken a message and before its reply comes back:
 * the send's outcome is unknown, so the row stays `sending` (never `queued`, never `failed`),
 * and the next send goes out on a new thread.
 */
describe('a mail thread that dies with a message in its hands', () => {
  let smtp: HoldingSmtpServer;
  let t: TestApp;
  let transport: MailTransport;
  const threads: Worker[] = [];

  beforeAll(async () => {
    smtp = await startHoldingSmtpServer();
    t = await createTestApp('sqlite', { smtpUrl: smtp.url });
    transport = createThreadedMailTransport(
      { smtpUrl: smtp.url, outboxDir: 'unused', from: t.settings.mailFrom, dkim: null },
      { onThreadStart: (thread) => threads.push(thread) },
    );
    t.setNow(new Date('2026-11-27T10:00:00Z'));
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
    for (const email of ['oz@corp.example', 'ida@corp.example']) {
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
    const queue = new DirectWorkQueue();
    await publish(t.app, queue, [makeStory('c-1', { headline: 'Customs reform' })]);
    await queue.drain({ ...sendContextOf(t.app), queue }, new RuleCatalog(t.app.db, t.app.log));
  });
  afterAll(async () => {
    await transport.close();
    await t.close();
    await smtp.close();
  });

  async function builtDelivery(readerId: number): Promise<number> {
    t.setNow(new Date('2026-11-28T07:00:30Z'));
    const ctx = { ...sendContextOf(t.app), queue: new DirectWorkQueue() };
    const built = await buildDigest(ctx, {
      readerId,
      cadence: 'daily',
      periodKey: '2026-11-28',
      periodStart: '2026-11-27T07:00:00.000Z',
      periodEnd: '2026-11-28T07:00:00.000Z',
    });
    if (built.status !== 'queued') throw new Error(`nothing built: ${built.status}`);
    return built.deliveryId;
  }

  it('leaves the delivery sending, and sends the next one on a new thread', async () => {
    const ctx = { ...sendContextOf(t.app), transport };
    const first = await builtDelivery(1);
    smtp.beforeReply(async () => {
      await threads.at(-1)?.terminate();
    });
    const lost = await sendDelivery(ctx, first);
    expect(lost).toMatchObject({ status: 'unknown' });
    expect(smtp.accepted().map((m) => m.to)).toEqual([['oz@corp.example']]);
    expect(await listDeliveries(t.app.db, { status: 'sending' })).toMatchObject([
      { id: first, recipient: 'oz@corp.example' },
    ]);
    // Found again, it is not sent a second time.
    expect(await sendDelivery(ctx, first)).toMatchObject({ status: 'skipped' });

    smtp.beforeReply(null);
    const second = await builtDelivery(2);
    expect(await sendDelivery(ctx, second)).toMatchObject({ status: 'sent' });
    expect(threads).toHaveLength(2);
    expect(smtp.accepted().map((m) => m.to)).toEqual([['oz@corp.example'], ['ida@corp.example']]);
  });
});
