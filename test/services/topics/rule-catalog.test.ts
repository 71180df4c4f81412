import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenizeStory } from '../../../src/domain/rules/index.js';
import { eraseReader } from '../../../src/services/readers/erase-reader.service.js';
import { saveReader } from '../../../src/services/readers/readers.service.js';
import { subscribe } from '../../../src/services/readers/subscriptions.service.js';
import { RuleCatalog } from '../../../src/services/topics/rule-catalog.js';
import { addTopic, changeTopic, removeTopic } from '../../../src/services/topics/topics.service.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { DIALECTS } from '../../support/test-database.js';

const story = (headline: string) =>
  tokenizeStory({ headline, summary: '', body: '', tags: [], section: null });

/** Two catalogs stand for two worker processes sharing one database. */
describe.each(DIALECTS)('the rule catalog across processes (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t.close());

  it('follows topic and custom-query changes made elsewhere, in place', async () => {
    const worker = new RuleCatalog(t.app.db, t.app.log);
    await worker.refresh();
    expect(worker.size).toBe(0);

    const topic = await addTopic(t.app, { slug: 'ofac', name: 'OFAC', query: 'ofac' });
    await saveReader(t.app, {
      email: 'ned@corp.example',
      name: null,
      plan: 'free',
      trialEndsAt: null,
      tz: 'UTC',
      marketingConsent: false,
    });
    const custom = await subscribe(t.app, {
      email: 'ned@corp.example',
      query: '"entity list"',
      cadence: 'instant',
    });
    await worker.refresh();
    expect(worker.match(story('OFAC adds names to the entity list'))).toEqual({
      topicIds: [topic.id],
      subscriptionIds: [custom.id],
    });

    await changeTopic(t.app, 'ofac', { query: 'treasury' });
    await worker.refresh();
    expect(worker.match(story('OFAC acts')).topicIds).toEqual([]);
    expect(worker.match(story('Treasury acts')).topicIds).toEqual([topic.id]);

    await removeTopic(t.app, 'ofac');
    await eraseReader(t.app, 'ned@corp.example');
    await worker.refresh();
    expect(worker.size).toBe(0);

    // A process that starts now builds the same index from the tables.
    const late = new RuleCatalog(t.app.db, t.app.log);
    await late.refresh();
    expect(late.size).toBe(0);
  });
});
