import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTopicsWithFollowers } from '../../../db/repositories/topic.repository.js';
import { DirectWorkQueue } from '../../../jobs/direct-work-queue.js';
import { InputError } from '../../../src/services/input-error.js';
import { saveReader } from '../../../src/services/readers/readers.service.js';
import { subscribe } from '../../../src/services/readers/subscriptions.service.js';
import {
  addTopic,
  backtestRule,
  changeTopic,
  parseQueryOrThrow,
} from '../../../src/services/topics/topics.service.js';
import { makeStory, publish } from '../../support/flow-helpers.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { DIALECTS } from '../../support/test-database.js';

describe.each(DIALECTS)('topics (%s)', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    t.setNow(new Date('2026-11-28T12:00:00Z'));
    await publish(t.app, new DirectWorkQueue(), [
      makeStory('old', {
        headline: 'Sanctions on Russia, 2025 edition',
        publishedAt: '2025-06-01T09:00:00Z',
      }),
      makeStory('mid', {
        headline: 'Russia sanctions tighten',
        publishedAt: '2026-11-10T09:00:00Z',
      }),
      makeStory('new', {
        headline: 'More sanctions against Russia',
        publishedAt: '2026-11-27T09:00:00Z',
      }),
      makeStory('off', { headline: 'Customs reform', publishedAt: '2026-11-26T09:00:00Z' }),
    ]);
  });
  afterAll(async () => t.close());

  it('refuses an invalid query and says where', async () => {
    const attempt = addTopic(t.app, { slug: 'bad', name: 'Bad', query: 'russia AND (china' });
    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(attempt).rejects.toThrow(/column \d+/);
    expect((await listTopicsWithFollowers(t.app.db)).map((x) => x.slug)).toEqual([]);
  });

  it('backtests a rule over stored stories since a date, newest first', async () => {
    const result = await backtestRule(
      t.app,
      parseQueryOrThrow('sanction russia'),
      new Date('2026-10-29T12:00:00Z'),
    );
    expect(result.considered).toBe(3);
    expect(result.matches.map((m) => m.id)).toEqual(['new', 'mid']);
    expect(result.matches[0]).toMatchObject({ headline: 'More sanctions against Russia' });
  });

  it('counts followers and keeps them when the query changes', async () => {
    await addTopic(t.app, { slug: 'russia', name: 'Russia sanctions', query: 'sanctions russia' });
    await saveReader(t.app, {
      email: 'mo@corp.example',
      name: null,
      plan: 'free',
      trialEndsAt: null,
      tz: 'UTC',
      marketingConsent: false,
    });
    await subscribe(t.app, {
      email: 'mo@corp.example',
      topic: 'russia',
      cadence: 'weekly',
      weekday: 5,
    });
    await changeTopic(t.app, 'russia', { query: 'sanction* AND russia' });
    expect(await listTopicsWithFollowers(t.app.db)).toEqual([
      expect.objectContaining({ slug: 'russia', query: 'sanction* AND russia', followers: 1 }),
    ]);
  });
});
