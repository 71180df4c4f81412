import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectWorkQueue } from '../../../jobs/direct-work-queue.js';
import { sendContextOf } from '../../../src/app.js';
import { buildDigest } from '../../../src/services/digests/build-digest.service.js';
import { takeBuiltDigest } from '../../../src/services/digests/built-digest-memo.js';
import { loadDigestContent } from '../../../src/services/digests/digest-content.service.js';
import { saveReader } from '../../../src/services/readers/readers.service.js';
import { subscribe } from '../../../src/services/readers/subscriptions.service.js';
import { RuleCatalog } from '../../../src/services/topics/rule-catalog.js';
import { addTopic } from '../../../src/services/topics/topics.service.js';
import { makeStory, publish } from '../../support/flow-helpers.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { DIALECTS } from '../../support/test-database.js';

/** The send takes what its build just read; it must be what the database would have given. */
describe.each(DIALECTS)('a digest handed from its build to its send (%s)', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    t.setNow(new Date('2026-11-27T10:00:00Z'));
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
    await addTopic(t.app, { slug: 'sanctions', name: 'Sanctions', query: 'sanctions' });
    await saveReader(t.app, {
      email: 'oz@corp.example',
      name: 'Oz',
      plan: 'free',
      trialEndsAt: null,
      tz: 'Europe/Berlin',
      marketingConsent: false,
    });
    for (const topic of ['customs', 'sanctions'])
      await subscribe(t.app, {
        email: 'oz@corp.example',
        topic,
        cadence: 'daily',
        sendAt: '07:00',
      });
    await subscribe(t.app, { email: 'oz@corp.example', query: 'levy', cadence: 'daily' });
    const queue = new DirectWorkQueue();
    await publish(t.app, queue, [
      makeStory('c-1', { headline: 'Customs levy', publishedAt: '2026-11-27T08:00:00Z' }),
      makeStory('c-2', { headline: 'Sanctions and customs', publishedAt: '2026-11-27T09:00:00Z' }),
      makeStory('c-3', { headline: 'New sanctions', publishedAt: '2026-11-27T07:00:00Z' }),
    ]);
    await queue.drain({ ...sendContextOf(t.app), queue }, new RuleCatalog(t.app.db, t.app.log));
  });
  afterAll(async () => t.close());

  it('is the content the database holds, and is taken once', async () => {
    t.setNow(new Date('2026-11-28T07:00:30Z'));
    const built = await buildDigest(
      { ...sendContextOf(t.app), queue: new DirectWorkQueue() },
      {
        readerId: 1,
        cadence: 'daily',
        periodKey: '2026-11-28',
        periodStart: '2026-11-27T06:00:00.000Z',
        periodEnd: '2026-11-28T06:00:00.000Z',
      },
    );
    if (built.status !== 'queued') throw new Error(`nothing built: ${built.status}`);
    const digestId = (
      await t.app.db
        .selectFrom('deliveries')
        .select('digest_id')
        .where('id', '=', built.deliveryId)
        .executeTakeFirstOrThrow()
    ).digest_id as number;

    const handedOver = takeBuiltDigest(t.app.db, digestId);
    expect(handedOver).toBeDefined();
    expect(takeBuiltDigest(t.app.db, digestId)).toBeUndefined();
    // Taken already: this one is read from the database.
    const fromDatabase = await loadDigestContent(t.app.db, digestId, 'Europe/Berlin');
    expect(fromDatabase).toEqual({
      ...handedOver,
      kind: 'digest',
      timeZone: 'Europe/Berlin',
    });
    expect(fromDatabase?.groups.map((g) => [g.title, g.stories.map((s) => s.id)])).toEqual([
      ['Customs', ['c-2', 'c-1']],
      ['Sanctions', ['c-3']],
    ]);
    expect(fromDatabase?.groups[0]?.stories[1]?.matched).toEqual(['Customs', 'Your searches']);
  });
});
