import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertFeed } from '../../db/repositories/feed.repository.js';
import { DirectWorkQueue } from '../../jobs/direct-work-queue.js';
import { createCampaign } from '../../src/services/campaigns/index.js';
import {
  addReader,
  grantSiteLicense,
  subscribe,
  suppressAddress,
} from '../../src/services/readers/index.js';
import { addTopic } from '../../src/services/topics/index.js';
import { makeStory, publish } from '../support/flow-helpers.js';
import { runCli } from '../support/run-cli.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';

/** More deliveries than a listing shows by default (1,000). */
const DELIVERIES = 1_003;

/**
 * Every listing takes `--limit N` and `--all`, stops at its default otherwise, and says on
 * stderr when it stopped short; stdout (with `--json`, one JSON array) holds the rows alone.
 */
describe.each(DIALECTS)('listings that stop short say so (%s)', (dialect) => {
  let t: TestApp;
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    env = { ...t.env, LOG_LEVEL: 'warn' };
    const { app } = t;
    for (const slug of ['customs', 'sanctions', 'tariffs'])
      await addTopic(app, { slug, name: slug, query: slug });
    for (const name of ['ann', 'bea', 'cal']) {
      const email = `${name}@corp.example`;
      await addReader(app, email, {});
      await subscribe(app, { email, topic: 'customs', cadence: 'daily' });
      await suppressAddress(app, `${name}@gone.example`, 'manual');
      await grantSiteLicense(app, `${name}.example`, null);
      await createCampaign(app, { name: `campaign ${name}`, subject: 'Try it' });
      // Stored as `feeds add` stores one; no poll is scheduled, none is needed to list them.
      await insertFeed(
        app.db,
        {
          url: `https://${name}.example/rss.xml`,
          everyMs: 300_000,
          section: null,
          access: 'subscriber',
          tags: [],
        },
        app.now(),
      );
    }
    await publish(app, new DirectWorkQueue(), [
      makeStory('s-1'),
      makeStory('s-2'),
      makeStory('s-3'),
    ]);
    // Deliveries written as the send path writes them, in one statement: a morning's worth.
    const now = new Date().toISOString();
    const rows = Array.from({ length: DELIVERIES }, (_, i) => ({
      kind: 'alert' as const,
      recipient: `reader-${i}@corp.example`,
      story_ids: '[]',
      status: i < 3 ? ('failed' as const) : ('sent' as const),
      created_at: now,
      updated_at: now,
    }));
    for (let i = 0; i < rows.length; i += 500)
      await app.db
        .insertInto('deliveries')
        .values(rows.slice(i, i + 500))
        .execute();
  });
  afterAll(async () => t.close());

  const listings: [string, string[], string][] = [
    ['stories', ['stories', 'list'], 'stories'],
    ['topics', ['topics', 'list'], 'topics'],
    ['readers', ['subscribers', 'list'], 'readers'],
    ['subscriptions', ['subscriptions', 'list'], 'subscriptions'],
    ['suppressions', ['suppressions', 'list'], 'suppressed addresses'],
    ['site licenses', ['orgs', 'list'], 'site licenses'],
    ['campaigns', ['campaigns', 'list'], 'campaigns'],
    ['feeds', ['feeds', 'list'], 'feeds'],
    ['deliveries of a status', ['deliveries', 'list', '--status', 'failed'], 'deliveries'],
  ];

  it.concurrent.each(listings)('%s: --limit and --all', async (_what, args, rows) => {
    const limited = await runCli([...args, '--limit', '2', '--json'], env);
    expect(limited.code).toBe(0);
    expect(JSON.parse(limited.stdout)).toHaveLength(2);
    expect(limited.stderr).toBe(`showing 2 of 3 ${rows}; --limit N or --all for more\n`);

    const all = await runCli([...args, '--all', '--json'], env);
    expect(all).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(all.stdout)).toHaveLength(3);
  });

  it('stops deliveries at 1,000 and says of how many', async () => {
    const shown = await runCli(['deliveries', 'list', '--json'], env);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toHaveLength(1_000);
    expect(shown.stderr).toBe('showing 1,000 of 1,003 deliveries; --limit N or --all for more\n');
    const all = await runCli(['deliveries', 'list', '--all', '--json'], env);
    expect(all.stderr).toBe('');
    expect(JSON.parse(all.stdout)).toHaveLength(DELIVERIES);
    // The people's table says it too, after the rows.
    const table = await runCli(['deliveries', 'list', '--limit', '5'], env);
    expect(table.stdout.trim().split('\n')).toHaveLength(6);
    expect(table.stderr).toContain('showing 5 of 1,003 deliveries');
  });

  it('says nothing when everything fit, and refuses a bad limit', async () => {
    expect(await runCli(['topics', 'list', '--limit', '3', '--json'], env)).toMatchObject({
      code: 0,
      stderr: '',
    });
    const zero = await runCli(['stories', 'list', '--limit', '0'], env);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toBe('bulletin: --limit: use a whole number of 1 or more (got "0")\n');
    const both = await runCli(['subscribers', 'list', '--limit', '5', '--all'], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('bulletin: give --limit N or --all, not both\n');
  });
});
