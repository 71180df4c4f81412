import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectWorkQueue } from '../../jobs/direct-work-queue.js';
import { processInboundMessage } from '../../src/services/bounces/index.js';
import { createCampaign, startCampaign } from '../../src/services/campaigns/campaigns.service.js';
import { suppressAddress } from '../../src/services/readers/suppressions.service.js';
import { addTopic } from '../../src/services/topics/topics.service.js';
import { addDailyReaders, bounceOf, sendDailyDigests } from '../support/bounce-helpers.js';
import {
  addProspect,
  campaignContext,
  InProcessCampaignQueue,
  runCampaignsToEnd,
} from '../support/campaign-runner.js';
import { makeStory, publish } from '../support/flow-helpers.js';
import { runCli } from '../support/run-cli.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-test-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';

const READERS = [
  'ann@corp.example',
  'bo@corp.example',
  'cy@corp.example',
  'di@corp.example',
  'ed@corp.example',
  'flo@corp.example',
  'gus@corp.example',
  'hal@corp.example',
];

/** YYYY-MM-DD, `n` days before today (UTC): the CLI runs on the real clock. */
function daysAgo(n: number): string {
  return new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
}

interface StatsRow {
  sent: number;
  hardBounces: number;
  softBounces: number;
  complaints: number;
  unsubscribes: number;
  hardBounceRate: number | null;
  complaintRate: number | null;
  unsubscribeRate: number | null;
  day?: string;
  kind?: string | null;
  campaignId?: number | null;
  campaign?: string | null;
}

/**
 * `deliveries stats` over real digests and a real campaign sent through an SMTP server two
 * and one days ago, and what came back about them through the recorder.
 */
describe.each(DIALECTS)('deliveries stats (%s)', { timeout: 180_000 }, (dialect) => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let env: Record<string, string>;
  let campaignId: number;
  const stats = async (...args: string[]) => {
    const result = await runCli(['deliveries', 'stats', ...args], env);
    expect(result.code, result.stderr).toBe(0);
    return result;
  };
  const json = async (...args: string[]) =>
    JSON.parse((await stats(...args, '--json')).stdout) as StatsRow[];

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp(dialect, {
      smtpUrl: smtp.url,
      env: { BOUNCE_ADDRESS: 'bounces@bounce.brief.example' },
    });
    env = { ...t.env, LOG_LEVEL: 'warn' };
    t.setNow(new Date(`${daysAgo(3)}T12:00:00Z`));
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
    await addDailyReaders(t, READERS);
    const first = await sendDailyDigests(t, daysAgo(2));
    const second = await sendDailyDigests(t, daysAgo(1));
    expect(first.size + second.size).toBe(16);

    // Yesterday at noon: a campaign of 4 invitations, and the reports about the mail.
    t.setNow(new Date(`${daysAgo(1)}T12:00:00Z`));
    await publish(t.app, new DirectWorkQueue(), [
      makeStory('sanctions-1', { headline: 'Sanctions on shipping', tags: ['sanctions'] }),
    ]);
    const queue = new InProcessCampaignQueue();
    const ctx = campaignContext(t.app, queue);
    for (const name of ['p1', 'p2', 'p3', 'p4'])
      await addProspect(t.app, `${name}@prospects.example`);
    const campaign = await createCampaign(ctx, {
      name: 'Winter trial',
      subject: 'Read free for 14 days',
      audience: 'domain=prospects.example',
      rate: 10,
    });
    campaignId = campaign.id;
    await startCampaign(ctx, campaign.id);
    await runCampaignsToEnd(ctx, queue);
    const invitations = await t.app.db
      .selectFrom('deliveries')
      .select(['id', 'recipient'])
      .where('kind', '=', 'campaign')
      .where('status', '=', 'sent')
      .execute();
    expect(invitations).toHaveLength(4);

    const report = async (fixture: string, delivery: { id: number; recipient: string }) => {
      const outcome = await processInboundMessage(
        t.app,
        bounceOf(fixture, t.app.secretKey, delivery),
        'file',
      );
      expect(outcome.bounces[0]?.deliveryId).toBe(delivery.id);
    };
    // Of the digests: one hard bounce, one soft bounce, one complaint, and a delay notice
    // (ignored, not a bounce); of the campaign: one complaint.
    await report('dsn-postfix-user-unknown.eml', first.get('ann@corp.example')!);
    await report('dsn-exchange-mailbox-full.eml', second.get('bo@corp.example')!);
    const delayed = bounceOf('dsn-delayed.eml', t.app.secretKey, second.get('di@corp.example')!);
    expect((await processInboundMessage(t.app, delayed, 'file')).bounces[0]?.kind).toBe('ignored');
    await report('arf-abuse.eml', second.get('cy@corp.example')!);
    await report('arf-abuse.eml', invitations[0]!);
    // A reader's own unsubscribe (no delivery named) and an old one, out of every window.
    await suppressAddress(t.app, 'di@corp.example', 'unsubscribed');
    t.setNow(new Date(`${daysAgo(40)}T12:00:00Z`));
    await suppressAddress(t.app, 'old@corp.example', 'unsubscribed');
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('one total row over the last 30 days, with the rates per sent', async () => {
    const rows = await json();
    expect(rows).toHaveLength(1);
    const [total] = rows;
    expect(total).toMatchObject({
      sent: 20,
      hardBounces: 1,
      softBounces: 1,
      complaints: 2,
      unsubscribes: 1,
      hardBounceRate: 0.05,
      complaintRate: 0.1,
      unsubscribeRate: 0.05,
    });
  });

  it('says on stderr what passed the providers’ limits over the last 7 days, exit 0', async () => {
    const result = await stats();
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        /^error: complaint rate over the last 7 days is 10\.00% \(2 of 20 sent\)/,
      ),
      expect.stringMatching(/^warning: hard-bounce rate over the last 7 days is 5\.00% \(1 of 20/),
    ]);
    expect(result.stdout).toMatch(/^SINCE\s+SENT\s+HARD\s+HARD%/);
    expect(result.stdout).toContain('10.00%');
  });

  it('--by day: one row per day of the window, days without mail included', async () => {
    const rows = await json('--by', 'day', '--since', daysAgo(3));
    expect(rows.map((r) => r.day)).toEqual([daysAgo(3), daysAgo(2), daysAgo(1), daysAgo(0)]);
    expect(rows.map((r) => r.sent)).toEqual([0, 8, 12, 0]);
    // Reports count on the day they came back: all of them yesterday at noon.
    expect(rows.map((r) => r.hardBounces)).toEqual([0, 0, 1, 0]);
    expect(rows.map((r) => r.complaints)).toEqual([0, 0, 2, 0]);
    expect(rows[0]!.complaintRate).toBeNull();
    const unsubscribed = rows.reduce((n, r) => n + r.unsubscribes, 0);
    expect(unsubscribed).toBe(1);
  });

  it('--by kind and --by campaign: each list’s own rates', async () => {
    const kinds = await json('--by', 'kind');
    const byKind = new Map(kinds.map((r) => [r.kind, r]));
    expect(byKind.get('digest')).toMatchObject({ sent: 16, hardBounces: 1, complaints: 1 });
    expect(byKind.get('alert')).toMatchObject({ sent: 0, complaints: 0, complaintRate: null });
    expect(byKind.get('campaign')).toMatchObject({ sent: 4, complaints: 1, complaintRate: 0.25 });
    // The reader's own unsubscribe names no delivery: a row of its own.
    expect(byKind.get(null)).toMatchObject({ sent: 0, unsubscribes: 1 });

    const campaigns = await json('--by', 'campaign');
    expect(campaigns[0]).toMatchObject({
      campaignId,
      campaign: 'Winter trial',
      sent: 4,
      complaints: 1,
      complaintRate: 0.25,
    });
    const text = await stats('--by', 'campaign');
    expect(text.stdout).toMatch(/^CAMPAIGN\s+NAME\s+SENT/);
    expect(text.stdout).toContain('Winter trial');
  });

  it('a window with nothing in it: zeros and no rates; an unknown --by refused', async () => {
    const rows = await json('--since', new Date(Date.now() + 1000).toISOString());
    expect(rows).toEqual([
      expect.objectContaining({ sent: 0, complaints: 0, complaintRate: null }),
    ]);
    const bad = await runCli(['deliveries', 'stats', '--by', 'week'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--by');
  });
});
