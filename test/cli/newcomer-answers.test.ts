import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectWorkQueue } from '../../jobs/direct-work-queue.js';
import {
  createCampaign,
  pauseCampaign,
  runCampaignStep,
  startCampaign,
} from '../../src/services/campaigns/index.js';
import { addReader, subscribe } from '../../src/services/readers/index.js';
import { addTopic } from '../../src/services/topics/index.js';
import {
  addProspect,
  campaignContext,
  InProcessCampaignQueue,
} from '../support/campaign-runner.js';
import { makeStory, publish, runDue } from '../support/flow-helpers.js';
import { runCli } from '../support/run-cli.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';

/**
 * A newcomer's mistakes get one line that says what is wrong in Bulletin's words: options,
 * unknown topics (with the slugs meant), a file `--out` cannot write, and a campaign preview
 * of a reader it would not invite.
 */
describe.each(DIALECTS)('the CLI tells a newcomer what is wrong (%s)', (dialect) => {
  let t: TestApp;
  let env: Record<string, string>;
  let campaignId: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    env = { ...t.env, LOG_LEVEL: 'warn' };
    const { app } = t;
    for (const slug of ['customs', 'export-controls', 'sanctions'])
      await addTopic(app, { slug, name: slug, query: slug });
    await addProspect(app, 'pat@alpha.example');
    await addProspect(app, 'quinn@beta.example');
    // Outside any audience: no consent on record, and full access.
    await addReader(app, 'sue@corp.example', { plan: 'subscriber' });
    await subscribe(app, { email: 'sue@corp.example', topic: 'customs', cadence: 'daily' });
    // A match waiting for Sue's next daily digest, for `digests preview`.
    await publish(app, new DirectWorkQueue(), [
      makeStory('c-1', { headline: 'New customs rules' }),
    ]);
    await runDue(app);
    const created = await runCli(
      ['campaigns', 'create', '--name', 'Winter', '--subject', 'Two weeks free'],
      env,
    );
    expect(created.code).toBe(0);
    campaignId = created.stdout.trim().split(/\s+/).at(-1) as string;
    // The audience's size, before the id that stays the last word.
    expect(created.stdout).toMatch(/^audience: 2 prospects now .*\ncreated campaign .*: \d+\n$/);
  });
  afterAll(async () => t.close());

  const refusals: [string, string[], string][] = [
    [
      'a cadence that is none',
      ['subscriptions', 'add', 'sue@corp.example', '--topic', 'sanctions', '--cadence', 'hourly'],
      'bulletin: --cadence: use instant, daily or weekly (got "hourly")\n',
    ],
    [
      'a mistyped option, before the required one it stands for',
      ['topics', 'add', 'tariffs', '--name', 'Tariffs', '--querry', 'tariff*'],
      'bulletin: unknown option --querry (did you mean --query?)\n(bulletin topics add --help shows its options and an example)\n',
    ],
    [
      'a missing required option',
      ['topics', 'add', 'tariffs', '--name', 'Tariffs'],
      'bulletin: --query <q> is required\n(bulletin topics add --help shows its options and an example)\n',
    ],
    [
      'an unknown topic to follow',
      ['subscriptions', 'add', 'sue@corp.example', '--topic', 'sanctons'],
      'bulletin: --topic: no topic "sanctons" (did you mean sanctions?)\n',
    ],
    [
      'an unknown topic to show',
      ['topics', 'show', 'custms'],
      'bulletin: no topic "custms" (did you mean customs?)\n',
    ],
    [
      'an unknown topic to change',
      ['topics', 'update', 'export', '--name', 'X'],
      'bulletin: no topic "export" (did you mean export-controls?)\n',
    ],
    [
      'an unknown topic to remove',
      ['topics', 'remove', 'sanction'],
      'bulletin: no topic "sanction" (did you mean sanctions?)\n',
    ],
    [
      'a topic nothing is near',
      ['topics', 'show', 'zzz'],
      'bulletin: no topic "zzz" (topics list shows every topic)\n',
    ],
    [
      'an unknown topic in an audience',
      ['campaigns', 'create', '--name', 'x', '--subject', 'y', '--audience', 'topic=custom'],
      'bulletin: --audience: no topic "custom" (did you mean customs?)\n',
    ],
    [
      'a status that is none',
      ['deliveries', 'list', '--status', 'delivered'],
      'bulletin: --status: use queued, sending, sent, failed or suppressed (got "delivered")\n',
    ],
  ];

  it.concurrent.each(refusals)('refuses %s', async (_what, args, stderr) => {
    const result = await runCli(args, env);
    expect(result).toMatchObject({ code: 2, stderr });
  });

  it('says how many a draft campaign would reach', async () => {
    const text = await runCli(['campaigns', 'status', campaignId], env);
    expect(text.stdout).toContain('audience: 2 prospects now');
    const json = await runCli(['campaigns', 'status', campaignId, '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'draft', audience: 2, total: 0 });
  });

  it('warns when a preview shows a reader the campaign would not invite', async () => {
    const outside = await runCli(
      ['campaigns', 'preview', campaignId, '--email', 'sue@corp.example'],
      env,
    );
    expect(outside.code).toBe(0);
    expect(outside.stdout).toContain('To: sue@corp.example');
    expect(outside.stderr).toBe(
      `bulletin: warning: campaign ${campaignId} would not invite sue@corp.example: no marketing consent on record (with its source and time); plan subscriber is not invited (the audience's plans: prospect, free, trial). This is what they would get if it did.\n`,
    );
    const inside = await runCli(
      ['campaigns', 'preview', campaignId, '--email', 'pat@alpha.example'],
      env,
    );
    expect(inside).toMatchObject({ code: 0, stderr: '' });
  });

  it('says in one line that --out names a folder that does not exist', async () => {
    const missing = path.join(os.tmpdir(), `bulletin-no-such-${process.pid}`, 'x.html');
    const campaign = await runCli(['campaigns', 'preview', campaignId, '--out', missing], env);
    expect(campaign).toMatchObject({
      code: 2,
      stderr: `bulletin: cannot write ${missing}: no such directory ${path.dirname(missing)} (ENOENT)\n`,
    });
    // `digests preview` writes with Node's own call: the CLI says its error in words too.
    const digest = await runCli(['digests', 'preview', 'sue@corp.example', '--out', missing], env);
    expect(digest).toMatchObject({
      code: 2,
      stderr: `bulletin: ${missing}: no such directory ${path.dirname(missing)} (ENOENT)\n`,
    });
    expect(fs.existsSync(path.dirname(missing))).toBe(false);
  });

  // Last: its invitations put Pat and Quinn in the cooldown, which the previews above would see.
  it('calls invitations with the mail server in flight while sending, unknown after', async () => {
    const queue = new InProcessCampaignQueue();
    const ctx = campaignContext(t.app, queue);
    const campaign = await createCampaign(t.app, { name: 'Spring', subject: 'Try it' });
    await startCampaign(ctx, campaign.id);
    await runCampaignStep(ctx, campaign.id);
    // What a send looks like while the mail server has the message.
    await t.app.db
      .updateTable('deliveries')
      .set({ status: 'sending' })
      .where('id', 'in', queue.toSend)
      .execute();
    const sending = await runCli(['campaigns', 'status', String(campaign.id)], env);
    expect(sending.stdout).toContain('; 2 in flight (with the mail server now)');
    await pauseCampaign(ctx, campaign.id);
    const paused = await runCli(['campaigns', 'status', String(campaign.id)], env);
    expect(paused.stdout).toContain('; 2 outcome unknown (settle with deliveries resolve)');
  });
});
