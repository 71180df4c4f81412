import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectWorkQueue } from '../../../jobs/direct-work-queue.js';
import { sendContextOf } from '../../../src/app.js';
import { addReader } from '../../../src/services/readers/reader-edits.service.js';
import {
  listSubscriptions,
  subscribe,
} from '../../../src/services/readers/subscriptions.service.js';
import { listStoriesWithMatches } from '../../../src/services/stories/stories.service.js';
import { RuleCatalog } from '../../../src/services/topics/rule-catalog.js';
import { addTopic, removeTopic, showTopic } from '../../../src/services/topics/topics.service.js';
import { makeStory, publish } from '../../support/flow-helpers.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { DIALECTS } from '../../support/test-database.js';

describe.each(DIALECTS)('stories and topics as an admin inspects them (%s)', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    t.setNow(new Date('2026-11-28T12:00:00Z'));
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
    for (const email of ['ann@corp.example', 'bo@corp.example']) {
      await addReader(t.app, email, {});
      await subscribe(t.app, { email, topic: 'customs', cadence: 'daily' });
    }
    const queue = new DirectWorkQueue();
    await publish(t.app, queue, [
      makeStory('hit', { headline: 'Customs reform passes', publishedAt: '2026-11-27T09:00:00Z' }),
      makeStory('miss', { headline: 'Weather report', publishedAt: '2026-11-27T10:00:00Z' }),
      makeStory('old', { headline: 'Customs of old', publishedAt: '2026-09-01T10:00:00Z' }),
    ]);
    await queue.drain({ ...sendContextOf(t.app), queue }, new RuleCatalog(t.app.db, t.app.log));
  });
  afterAll(async () => t.close());

  it('lists stories with how many readers each was matched to', async () => {
    const stories = await listStoriesWithMatches(t.app, { limit: 10 });
    expect(stories.map((s) => [s.externalId, s.matchedReaders])).toEqual([
      ['miss', 0],
      ['hit', 2],
      ['old', 2],
    ]);
  });

  it("shows a topic's followers and the stories of the last 30 days it matches", async () => {
    const details = await showTopic(t.app, 'customs');
    expect(details.followers).toEqual({ readers: 2, subscriptions: 2 });
    expect(details.recent.considered).toBe(2);
    expect(details.recent.matches.map((m) => m.id)).toEqual(['hit']);
  });

  it('removes a followed topic only when forced, saying whom it affected', async () => {
    await expect(removeTopic(t.app, 'customs')).rejects.toThrow(/followed by 2 readers/);
    expect(await listSubscriptions(t.app, 'ann@corp.example')).toHaveLength(1);
    expect(await removeTopic(t.app, 'customs', { force: true })).toEqual({
      readers: 2,
      subscriptions: 2,
    });
    expect(await listSubscriptions(t.app, 'ann@corp.example')).toEqual([]);
  });
});
