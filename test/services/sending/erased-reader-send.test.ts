import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDeliveryById } from '../../../db/repositories/delivery.repository.js';
import { findSuppression } from '../../../db/repositories/suppression.repository.js';
import { DirectWorkQueue } from '../../../jobs/direct-work-queue.js';
import { sendContextOf } from '../../../src/app.js';
import { buildDigest } from '../../../src/services/digests/build-digest.service.js';
import { eraseReader } from '../../../src/services/readers/erase-reader.service.js';
import { saveReader } from '../../../src/services/readers/readers.service.js';
import { subscribe } from '../../../src/services/readers/subscriptions.service.js';
import {
  findAddressSuppression,
  suppressAddress,
} from '../../../src/services/readers/suppressions.service.js';
import { sendDelivery } from '../../../src/services/sending/send-delivery.service.js';
import { addTopic } from '../../../src/services/topics/topics.service.js';
import { makeStory, publish, runDue } from '../../support/flow-helpers.js';
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp-test-server.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { DIALECTS } from '../../support/test-database.js';

const EMAIL = 'wes@corp.example';

/** A digest built for a reader who is erased before it goes is never mailed. */
describe.each(DIALECTS)('sending after an erasure (%s)', (dialect) => {
  let smtp: TestSmtpServer;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp(dialect, { smtpUrl: smtp.url });
    t.setNow(new Date('2026-11-27T10:00:00Z'));
    await addTopic(t.app, { slug: 'trade', name: 'Trade', query: 'trade' });
    const reader = { name: null, plan: 'subscriber' as const, trialEndsAt: null, tz: 'UTC' };
    await saveReader(t.app, { ...reader, email: EMAIL, marketingConsent: false });
    await subscribe(t.app, { email: EMAIL, topic: 'trade', cadence: 'daily', sendAt: '07:00' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('settles the waiting delivery unsent, and a send that comes later mails no one', async () => {
    const queue = new DirectWorkQueue();
    await publish(t.app, queue, [makeStory('t1', { headline: 'Trade talks' })]);
    await runDue(t.app, queue);
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

    await eraseReader(t.app, EMAIL);
    expect(await sendDelivery(ctx, built.deliveryId)).toMatchObject({ status: 'skipped' });
    expect(await findDeliveryById(t.app.db, built.deliveryId)).toMatchObject({
      status: 'suppressed',
      error: 'the reader was erased',
      readerId: null,
    });
    // The same period built again finds no reader: nothing is made, nothing sent.
    expect(
      await buildDigest(ctx, {
        readerId: 1,
        cadence: 'daily',
        periodKey: '2026-11-28',
        periodStart: '2026-11-27T07:00:00.000Z',
        periodEnd: '2026-11-28T07:00:00.000Z',
      }),
    ).toEqual({ status: 'reader-gone' });
    expect(smtp.received).toEqual([]);
  });

  it('keeps a hard bounce or complaint as a keyed hash that suppresses the address added again', async () => {
    const reader = { name: null, plan: 'free' as const, trialEndsAt: null, tz: 'UTC' };
    for (const [email, reason, kept] of [
      ['hb@corp.example', 'hard-bounce', 'hard-bounce'],
      ['cx@corp.example', 'complaint', 'complaint'],
      ['sb@corp.example', 'soft-bounce', null],
    ] as const) {
      await saveReader(t.app, { ...reader, email, marketingConsent: false });
      await suppressAddress(t.app, email, reason);
      expect(await eraseReader(t.app, email)).toMatchObject({ keptAsHash: kept });
      expect(await findSuppression(t.app.db, email)).toBeUndefined();
      await saveReader(t.app, { ...reader, email, marketingConsent: false });
      const found = await findAddressSuppression(t.app, email.toUpperCase());
      expect(found?.reason ?? null, email).toBe(kept);
    }
    const hashes = (await t.app.db.selectFrom('suppressions').select('email').execute()).map(
      (r) => r.email,
    );
    expect(hashes.filter((e) => e.startsWith('hmac:'))).toHaveLength(2);
    expect(hashes.join(' ')).not.toMatch(/hb@|cx@|sb@/);
  });
});
