import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findDeliveryById,
  insertOrFindDelivery,
} from '../../../db/repositories/delivery.repository.js';
import { insertOrFindDigest } from '../../../db/repositories/digest.repository.js';
import { findReaderByEmail } from '../../../db/repositories/reader.repository.js';
import { DirectWorkQueue } from '../../../jobs/direct-work-queue.js';
import { InputError } from '../../../src/services/input-error.js';
import { saveReader } from '../../../src/services/readers/readers.service.js';
import {
  listDeliveries,
  markDeliverySent,
  resendDelivery,
} from '../../../src/services/sending/deliveries.service.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { DIALECTS } from '../../support/test-database.js';

describe.each(DIALECTS)('settling deliveries whose outcome is unknown (%s)', (dialect) => {
  let t: TestApp;
  let readerId: number;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    t.setNow(new Date('2026-11-28T07:00:00Z'));
    await saveReader(t.app, {
      email: 'ann@corp.example',
      name: 'Ann',
      plan: 'free',
      trialEndsAt: null,
      tz: 'UTC',
      marketingConsent: false,
    });
    readerId = (await findReaderByEmail(t.app.db, 'ann@corp.example'))!.id;
  });
  afterAll(async () => t.close());

  /** A delivery as a sender that stopped mid-send leaves it. */
  async function leftSending(day: string): Promise<number> {
    const { digest } = await insertOrFindDigest(
      t.app.db,
      {
        readerId,
        cadence: 'daily',
        periodKey: day,
        periodStart: new Date(`${day}T07:00:00Z`),
        periodEnd: new Date(`${day}T07:00:00Z`),
      },
      t.app.now(),
    );
    const delivery = await insertOrFindDelivery(
      t.app.db,
      {
        kind: 'digest',
        digestId: digest.id,
        readerId,
        recipient: 'ann@corp.example',
        cadence: 'daily',
        storyIds: ['s-1'],
      },
      t.app.now(),
    );
    await t.app.db
      .updateTable('deliveries')
      .set({ status: 'sending' })
      .where('id', '=', delivery.id)
      .execute();
    return delivery.id;
  }

  it('lists them by status and kind', async () => {
    const id = await leftSending('2026-11-20');
    const sending = await listDeliveries(t.app, { status: 'sending', kind: 'digest' });
    expect(sending.map((d) => d.id)).toContain(id);
    expect(await listDeliveries(t.app, { status: 'sending', kind: 'alert' })).toEqual([]);
  });

  it('records one as sent when the mail server took it', async () => {
    const id = await leftSending('2026-11-21');
    const settled = await markDeliverySent(t.app, id);
    expect(settled).toMatchObject({ status: 'sent', error: null });
    expect(settled.sentAt).toEqual(t.app.now());
  });

  it('sends one again when the mail server never took it', async () => {
    const id = await leftSending('2026-11-22');
    const queue = new DirectWorkQueue();
    expect((await resendDelivery({ ...t.app, queue }, id)).status).toBe('queued');
    expect(queue.waiting).toBe(1);
  });

  it('refuses to settle one whose outcome is known', async () => {
    const id = await leftSending('2026-11-23');
    await markDeliverySent(t.app, id);
    await expect(markDeliverySent(t.app, id)).rejects.toThrow(InputError);
    await expect(resendDelivery({ ...t.app, queue: new DirectWorkQueue() }, id)).rejects.toThrow(
      /is sent/,
    );
    expect((await findDeliveryById(t.app.db, id))?.status).toBe('sent');
    await expect(markDeliverySent(t.app, 999_999)).rejects.toThrow(/no delivery/);
  });
});
