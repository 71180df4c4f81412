import type { ChildProcess } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDate } from '../../db/mappers.js';
import { DirectWorkQueue } from '../../jobs/direct-work-queue.js';
import { processInboundMessage } from '../../src/services/bounces/index.js';
import { createCampaign, startCampaign } from '../../src/services/campaigns/campaigns.service.js';
import { subscribe } from '../../src/services/readers/subscriptions.service.js';
import { addTopic } from '../../src/services/topics/topics.service.js';
import { addDailyReaders, bounceOf, sendDailyDigests } from '../support/bounce-helpers.js';
import {
  addProspect,
  campaignContext,
  InProcessCampaignQueue,
  runCampaignsToEnd,
} from '../support/campaign-runner.js';
import { makeStory, parseReceived, publish } from '../support/flow-helpers.js';
import { signLegacyToken } from '../support/reader-tokens.js';
import { runCli, startBulletin, stopBulletin } from '../support/run-cli.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-test-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';
import { buildTestHttpApp } from '../support/test-http.js';

const EVE = 'eve@corp.example';
const TRIAL_URL = 'https://publisher.example/trial';

function daysAgo(n: number): string {
  return new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
}

/** Every table's rows, as text: an erased address must be in none of them. */
async function everyRowAsText(t: TestApp): Promise<string> {
  const tables = [
    'subscribers',
    'subscriptions',
    'matches',
    'digests',
    'deliveries',
    'suppressions',
    'inbound_messages',
    'bounces',
    'trial_clicks',
    'campaign_recipients',
    'campaign_contacts',
    'rule_changes',
  ] as const;
  let text = '';
  for (const table of tables) {
    const rows = await t.app.db.selectFrom(table).selectAll().execute();
    for (const row of rows as Record<string, unknown>[]) {
      for (const value of Object.values(row)) {
        text += `${Buffer.isBuffer(value) ? value.toString('latin1') : String(value)}\n`;
      }
    }
  }
  return text.toLowerCase();
}

/**
 * `subscribers remove` erases a reader who has had digests, a campaign invitation, a trial
 * click and a bounce, with a worker process running; reports read the same after; the old
 * links of both formats stay dead when the address comes back, and it stays unmailed.
 */
describe.each(DIALECTS)('erasing a reader (%s)', { timeout: 240_000 }, (dialect) => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let http: FastifyInstance;
  let env: Record<string, string>;
  let campaignId: number;
  let worker: ChildProcess | undefined;
  const links: Record<string, string> = {};
  const cli = (...args: string[]) => runCli(args, env);
  const json = async (...args: string[]) => {
    const result = await cli(...args);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp(dialect, {
      smtpUrl: smtp.url,
      env: { BOUNCE_ADDRESS: 'bounces@bounce.brief.example', TRIAL_URL },
    });
    env = { ...t.env, LOG_LEVEL: 'warn' };
    http = await buildTestHttpApp(t.app);
    t.setNow(new Date(`${daysAgo(3)}T12:00:00Z`));
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
    await addProspect(t.app, EVE, { name: 'Eve' });
    await subscribe(t.app, { email: EVE, topic: 'customs', cadence: 'daily' });
    await addDailyReaders(t, ['fay@corp.example']);
    const digests = await sendDailyDigests(t, daysAgo(2));
    expect(digests.get(EVE)?.status).toBe('sent');

    // Yesterday: a campaign invites her, and her digest comes back soft-bounced.
    t.setNow(new Date(`${daysAgo(1)}T12:00:00Z`));
    await publish(t.app, new DirectWorkQueue(), [
      makeStory('sanctions-1', { headline: 'Sanctions on shipping', tags: ['sanctions'] }),
    ]);
    const queue = new InProcessCampaignQueue();
    const ctx = campaignContext(t.app, queue);
    const campaign = await createCampaign(ctx, {
      name: 'Winter trial',
      subject: 'Read free for 14 days',
      audience: 'domain=corp.example',
      rate: 10,
    });
    campaignId = campaign.id;
    await startCampaign(ctx, campaign.id);
    await runCampaignsToEnd(ctx, queue);
    await processInboundMessage(
      t.app,
      bounceOf('dsn-exchange-mailbox-full.eml', t.app.secretKey, digests.get(EVE)!),
      'file',
    );

    // Her links, as her digest carries them, and in the older format (she is made a reader
    // from before links changed format, who may still hold such links).
    const mail = smtp.received.find((m) => m.to.includes(EVE))!;
    const text = (await parseReceived(mail)).text ?? '';
    for (const kind of ['u', 'p', 't']) {
      links[kind] = new RegExp(
        `https://brief\\.example/${kind}/([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)`,
      ).exec(text)![1]!;
    }
    await t.app.db
      .updateTable('subscribers')
      .set({ legacy_links: 1 })
      .where('email', '=', EVE)
      .execute();
    const inAYear = new Date(Date.now() + 365 * 86_400_000);
    links.oldU = signLegacyToken(t.app.secretKey, { kind: 'unsubscribe', reader: EVE }, inAYear);
    links.oldP = signLegacyToken(t.app.secretKey, { kind: 'preferences', reader: EVE }, inAYear);
    links.oldT = signLegacyToken(
      t.app.secretKey,
      { kind: 'trial', reader: EVE, story: 'sanctions-1', source: { campaign: campaignId } },
      inAYear,
    );
    for (const kind of ['p', 'oldP']) {
      expect((await http.inject({ method: 'GET', url: `/p/${links[kind]}` })).statusCode).toBe(200);
    }
    // She clicks a trial link, then unsubscribes from everything.
    const click = await http.inject({ method: 'GET', url: `/t/${links.t}` });
    expect(click.headers.location).toContain('ref=');
    expect((await http.inject({ method: 'POST', url: `/u/${links.oldU}` })).statusCode).toBe(200);

    worker = (await startBulletin(['worker'], env)).child;
  });
  afterAll(async () => {
    if (worker) await stopBulletin(worker);
    await http?.close();
    await t?.close();
    await smtp?.close();
  });

  it('gives her everything held about her as one JSON document, with no secret in it', async () => {
    const data = await json('subscribers', 'show', EVE, '--all', '--json');
    expect(data.profile).toMatchObject({ email: EVE, name: 'Eve', plan: 'prospect' });
    expect(data.consent).toMatchObject({ marketingConsent: true });
    for (const kind of [
      'subscriptions',
      'matches',
      'digests',
      'trialClicks',
      'bounces',
      'suppressions',
      'campaignInvitations',
    ]) {
      expect(data[kind].length, kind).toBeGreaterThan(0);
    }
    expect(data.deliveries.map((d: { kind: string }) => d.kind).sort()).toEqual([
      'campaign',
      'digest',
    ]);
    expect(data.suppressions[0]).toMatchObject({ reason: 'unsubscribed' });
    expect(data.trials).toMatchObject({ plan: 'prospect' });
    const text = JSON.stringify(data);
    expect(text).not.toMatch(/secret|messageId|signature/i);
    const { link_secret } = await t.app.db
      .selectFrom('subscribers')
      .select('link_secret')
      .where('email', '=', EVE)
      .executeTakeFirstOrThrow();
    expect(text).not.toContain(link_secret);
  });

  it('erases her with --dry-run first, keeps the counts, and leaves her address nowhere', async () => {
    const before = {
      stats: await json('deliveries', 'stats', '--by', 'day', '--since', daysAgo(3), '--json'),
      campaign: await json('campaigns', 'status', String(campaignId), '--json'),
    };
    expect(before.campaign).toMatchObject({ sent: 1 });

    const dry = await cli('subscribers', 'remove', EVE, '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^would erase eve@corp\.example:/);
    expect(dry.stdout).toMatch(/deliveries\s+2\s+kept for the counts/);
    expect(dry.stdout).toMatch(/trial clicks\s+1/);
    expect(dry.stdout).toMatch(/campaign invitations\s+1/);
    expect(dry.stdout).toMatch(/bounces\s+1/);
    expect(dry.stdout).toContain('keyed hash (unsubscribed)');
    expect(dry.stdout).toContain('nothing changed (--dry-run)');
    expect(await everyRowAsText(t)).toContain(EVE);

    const erased = await cli('subscribers', 'remove', EVE);
    expect(erased.code, erased.stderr).toBe(0);
    expect(erased.stdout).toMatch(/^erased eve@corp\.example:/);
    const rows = await everyRowAsText(t);
    expect(rows).not.toContain('eve@corp.example');
    expect(rows).toContain('fay@corp.example');

    expect(
      await json('deliveries', 'stats', '--by', 'day', '--since', daysAgo(3), '--json'),
    ).toEqual(before.stats);
    expect(await json('campaigns', 'status', String(campaignId), '--json')).toEqual(
      before.campaign,
    );

    const again = await cli('subscribers', 'remove', EVE);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`no reader ${EVE}`);
  });

  it('keeps her old links dead, of both formats, when the address is added again', async () => {
    const added = await cli('subscribers', 'add', EVE);
    expect(added.code, added.stderr).toBe(0);
    for (const kind of ['u', 'oldU']) {
      expect(
        (await http.inject({ method: 'GET', url: `/u/${links[kind]}` })).statusCode,
        kind,
      ).toBe(400);
      expect(
        (await http.inject({ method: 'POST', url: `/u/${links[kind]}` })).statusCode,
        kind,
      ).toBe(400);
    }
    for (const kind of ['p', 'oldP']) {
      expect(
        (await http.inject({ method: 'GET', url: `/p/${links[kind]}` })).statusCode,
        kind,
      ).toBe(400);
    }
    for (const kind of ['t', 'oldT']) {
      const res = await http.inject({ method: 'GET', url: `/t/${links[kind]}` });
      expect(res.headers.location, kind).toBe(TRIAL_URL);
    }
  });

  it('still never mails the address she asked us not to mail', async () => {
    const shown = await json('subscribers', 'show', EVE, '--json');
    expect(shown.suppression).toMatchObject({ reason: 'unsubscribed' });
    const subscribed = await cli(
      'subscriptions',
      'add',
      EVE,
      '--topic',
      'customs',
      '--cadence',
      'daily',
    );
    expect(subscribed.code, subscribed.stderr).toBe(0);
    const mailed = smtp.received.length;
    // The CLI ran on the real clock: her new subscription is first due this morning or the
    // next (before or after 07:00 UTC), and her digest is sent on that day.
    const { next_due_at: firstDue } = await t.app.db
      .selectFrom('subscriptions')
      .innerJoin('subscribers', 'subscribers.id', 'subscriptions.subscriber_id')
      .select('subscriptions.next_due_at')
      .where('subscribers.email', '=', EVE)
      .executeTakeFirstOrThrow();
    const digests = await sendDailyDigests(
      t,
      toDate(firstDue as Date | string)
        .toISOString()
        .slice(0, 10),
    );
    expect(digests.get(EVE)).toMatchObject({
      status: 'suppressed',
      error: 'suppressed: unsubscribed',
    });
    expect(smtp.received.slice(mailed).flatMap((m) => m.to)).not.toContain(EVE);
  });
});
