import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectWorkQueue } from '../../jobs/direct-work-queue.js';
import { processInboundMessage } from '../../src/services/bounces/index.js';
import { createCampaign, startCampaign } from '../../src/services/campaigns/campaigns.service.js';
import { startTrial } from '../../src/services/readers/trials.service.js';
import { addTopic } from '../../src/services/topics/topics.service.js';
import { addDailyReaders, bounceOf, sendDailyDigests } from '../support/bounce-helpers.js';
import { launchBrowser } from '../support/browser.js';
import {
  addProspect,
  campaignContext,
  InProcessCampaignQueue,
  runCampaignsToEnd,
} from '../support/campaign-runner.js';
import { makeStory, publish } from '../support/flow-helpers.js';
import { findSeriousViolations } from '../support/page-checks.js';
import { signLinkFor } from '../support/reader-tokens.js';
import { runCli } from '../support/run-cli.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-test-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { startTestHttpServer } from '../support/test-http.js';

const PASSWORD = 'reports password';
const AUTH = { authorization: `Basic ${Buffer.from(`x:${PASSWORD}`).toString('base64')}` };
const READERS = ['ann@corp.example', 'bo@corp.example', 'cy@corp.example', 'di@corp.example'];
const PROSPECTS = ['p1@prospects.example', 'p2@prospects.example', 'p3@prospects.example'];
/** The README's pictures of the pages: kept with the code, replaced by each run. */
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../docs/screenshots');

/** YYYY-MM-DD, `n` days before today (UTC): the CLI compared with runs on the real clock. */
function daysAgo(n: number): string {
  return new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
}

/** Digits of a shown count or rate, without separators: `1,234` is 1234. */
function shownNumber(text: string | undefined): string {
  return (text ?? '').replace(/,/g, '').trim();
}

/**
 * The reports under /admin/ in Chromium, over digests, a campaign, a click, a trial, a hard
 * bounce and a complaint made through the services; each page checked with axe-core and its
 * figures compared with what the CLI's `--json` says about the same database.
 */
describe('the admin reports in a browser', { timeout: 180_000 }, () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let server: { base: string; close: () => Promise<void> };
  let browser: Browser;
  let page: Page;
  let campaignId: number;
  let env: Record<string, string>;
  const cliJson = async (...args: string[]) => {
    const result = await runCli(args, env);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };
  /** The shown cells of a table's rows, by its caption. */
  const tableRows = async (caption: string) => {
    const rows = page
      .locator('table', { has: page.locator('caption', { hasText: caption }) })
      .locator('tbody tr');
    const cells: string[][] = [];
    for (const row of await rows.all()) cells.push(await row.locator('th, td').allTextContents());
    return cells;
  };
  const visit = async (url: string, name: string) => {
    const response = await page.goto(`${server.base}${url}`);
    expect(response?.status()).toBe(200);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, `admin-${name}.png`), fullPage: true });
    expect(await findSeriousViolations(page)).toEqual([]);
  };

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp('sqlite', {
      smtpUrl: smtp.url,
      env: { BOUNCE_ADDRESS: 'bounces@bounce.brief.example', ADMIN_PASSWORD: PASSWORD },
    });
    env = { ...t.env, LOG_LEVEL: 'warn' };
    t.setNow(new Date(`${daysAgo(3)}T12:00:00Z`));
    await addTopic(t.app, { slug: 'customs', name: 'Customs rulings', query: 'customs' });
    await addTopic(t.app, { slug: 'sanctions', name: 'Russia sanctions', query: 'sanctions' });
    await addDailyReaders(t, READERS);
    const first = await sendDailyDigests(t, daysAgo(2));
    const second = await sendDailyDigests(t, daysAgo(1));

    // Yesterday at noon: a campaign of three invitations, one click and the trial it started.
    t.setNow(new Date(`${daysAgo(1)}T12:00:00Z`));
    await publish(t.app, new DirectWorkQueue(), [
      makeStory('sanctions-1', { headline: 'Sanctions on shipping', tags: ['sanctions'] }),
    ]);
    const queue = new InProcessCampaignQueue();
    const ctx = campaignContext(t.app, queue);
    for (const email of PROSPECTS) await addProspect(t.app, email);
    const campaign = await createCampaign(ctx, {
      name: 'Winter trial',
      subject: 'Read free for 14 days',
      audience: 'domain=prospects.example',
      rate: 10,
    });
    campaignId = campaign.id;
    await startCampaign(ctx, campaign.id);
    await runCampaignsToEnd(ctx, queue);
    // A draft whose name a spreadsheet would take for a formula.
    await createCampaign(ctx, { name: '=Spring draft', subject: 'Soon', rate: 10 });

    const invitations = await t.app.db
      .selectFrom('deliveries')
      .select(['id', 'recipient'])
      .where('kind', '=', 'campaign')
      .orderBy('id')
      .execute();
    expect(invitations).toHaveLength(3);
    const report = async (fixture: string, delivery: { id: number; recipient: string }) => {
      const outcome = await processInboundMessage(
        t.app,
        bounceOf(fixture, t.app.secretKey, delivery),
        'file',
      );
      expect(outcome.bounces[0]?.deliveryId).toBe(delivery.id);
    };
    await report('dsn-postfix-user-unknown.eml', first.get('ann@corp.example')!);
    await report('arf-abuse.eml', invitations[1]!);
    expect(second.size).toBe(4);

    server = await startTestHttpServer(t.app);
    // The click, through the trial link as a reader follows it.
    const token = await signLinkFor(
      t.app.db,
      t.app.secretKey,
      {
        kind: 'trial',
        reader: PROSPECTS[0]!,
        story: 'sanctions-1',
        source: { campaign: campaignId },
      },
      new Date(Date.now() + 7 * 86_400_000),
    );
    const click = await fetch(`${server.base}/t/${token}`, { redirect: 'manual' });
    expect(click.status).toBe(302);
    const ref = new URL(click.headers.get('location')!).searchParams.get('ref')!;
    await startTrial(t.app, { email: PROSPECTS[0]!, days: 14, ref });
    t.setNow(new Date());

    browser = await launchBrowser();
    const context = await browser.newContext({
      httpCredentials: { username: 'admin', password: PASSWORD },
      viewport: { width: 1200, height: 900 },
    });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
    await smtp?.close();
  });

  it('asks for the admin password on every page and CSV', async () => {
    for (const url of [
      '/admin/',
      '/admin/reports/campaigns',
      '/admin/reports/deliverability/deliverability.csv',
      `/admin/reports/campaigns/${campaignId}`,
    ]) {
      const refused = await fetch(`${server.base}${url}`);
      expect(refused.status, url).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      const wrong = await fetch(`${server.base}${url}`, {
        headers: { authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}` },
      });
      expect(wrong.status, url).toBe(401);
    }
  });

  it('the reports page links every report', async () => {
    await visit('/admin/', 'home');
    for (const name of ['Campaigns', 'Deliverability', 'Digests'])
      expect(await page.getByRole('main').getByRole('link', { name }).count()).toBe(1);
  });

  it('campaigns: the campaign sent with its sends and click, as `campaigns status --json`', async () => {
    await visit('/admin/reports/campaigns', 'campaigns');
    const status = await cliJson('campaigns', 'status', String(campaignId), '--json');
    expect(status).toMatchObject({ sent: 3, clicks: 1, trials: 1 });
    const listed = (await cliJson('campaigns', 'list', '--json')) as {
      id: number;
      name: string;
      status: string;
    }[];
    const rows = await tableRows('Every campaign');
    expect(rows.map((r) => [Number(r[0]), r[1], r[2]])).toEqual(
      listed.map((c) => [c.id, c.name, c.status]),
    );
    const row = rows.find((r) => Number(r[0]) === campaignId)!;
    expect(row.slice(4).map(shownNumber)).toEqual([
      String(status.audience),
      String(status.sent),
      String(status.clicks),
      String(status.trials),
      `${(status.conversion * 100).toFixed(2)}%`,
    ]);
    const days = await tableRows('Invitations sent and trial-link clicks per day');
    // Sent and clicked yesterday at noon, by the test's clock.
    expect(days.find((d) => d[0] === daysAgo(1))?.slice(1)).toEqual(['3', '1']);
    const chart = page.getByRole('img', {
      name: /Campaign invitations sent and trial-link clicks/,
    });
    expect(await chart.count()).toBe(1);
  });

  it('one campaign: clicks and trials per story, and its CSV defuses formulas', async () => {
    await page.goto(`${server.base}/admin/reports/campaigns`);
    await page.getByRole('link', { name: String(campaignId), exact: true }).click();
    await visit(`/admin/reports/campaigns/${campaignId}`, 'campaign');
    const stories = await cliJson('campaigns', 'status', String(campaignId), '--json', '--stories');
    expect(await tableRows('Clicks and trials per story')).toEqual(
      stories.stories.map((s: { storyId: string; clicks: number; trials: number }) => [
        s.storyId,
        String(s.clicks),
        String(s.trials),
      ]),
    );
    const download = await fetch(`${server.base}/admin/reports/campaigns/campaigns.csv`, {
      headers: AUTH,
    });
    expect(download.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(download.headers.get('content-disposition')).toBe(
      'attachment; filename="campaigns.csv"',
    );
    const csv = await download.text();
    expect(csv.split('\r\n')[0]).toBe(
      'ID,Name,Status,Audience filters,Audience,Sent,Clicks,Trials,Conversion',
    );
    expect(csv).toContain(",'=Spring draft,draft,");
    expect(csv).toContain(`${campaignId},Winter trial,done,domain=prospects.example,3,3,1,1,`);
  });

  it('deliverability: the bounce and the complaint, day by day as `deliveries stats --json`', async () => {
    await visit('/admin/reports/deliverability', 'deliverability');
    const stats = (await cliJson(
      'deliveries',
      'stats',
      '--by',
      'day',
      '--since',
      '30d',
      '--json',
    )) as {
      day: string;
      sent: number;
      hardBounces: number;
      softBounces: number;
      complaints: number;
      unsubscribes: number;
      complaintRate: number | null;
    }[];
    const rows = await tableRows('Sent and what came back, per day');
    const rate = (r: number | null) => (r === null ? '–' : `${(r * 100).toFixed(2)}%`);
    expect(rows.map((r) => [r[0], r[1], r[2], r[4], r[6], r[7], r[8]].map(shownNumber))).toEqual(
      stats.map((s) => [
        s.day,
        String(s.sent),
        String(s.hardBounces),
        String(s.softBounces),
        String(s.complaints),
        rate(s.complaintRate),
        String(s.unsubscribes),
      ]),
    );
    const yesterday = rows.find((r) => r[0] === daysAgo(1))!;
    expect([yesterday[2], yesterday[6]]).toEqual(['1', '1']);
    expect(await page.getByRole('img', { name: /0\.1% and 0\.3% lines/ }).count()).toBe(1);
    const suppressed = await tableRows('Addresses suppressed now');
    expect(suppressed.filter((r) => r[1] !== '0')).toEqual([
      ['hard-bounce', '1'],
      ['complaint', '1'],
    ]);
    await page.getByRole('link', { name: '90 days' }).click();
    expect(await tableRows('Sent and what came back, per day')).toHaveLength(91);
  });

  it('digests: each morning’s run and the topics', async () => {
    await visit('/admin/reports/digests', 'digests');
    const runs = await tableRows('Each day’s scheduled digests');
    const run = (day: string) => runs.find((r) => r[0] === day)!.slice(1, 7);
    expect(run(daysAgo(2))).toEqual(['4', '4', '0', '0', '0', '0']);
    expect(run(daysAgo(1))).toEqual(['4', '4', '0', '0', '0', '0']);
    const topics = (await cliJson('topics', 'list', '--json')) as {
      slug: string;
      followers: number;
    }[];
    const shown = await tableRows('Topics by followers');
    expect(shown.map((r) => [r[0], r[2]]).sort()).toEqual(
      topics.map((x) => [x.slug, String(x.followers)]).sort(),
    );
    for (const slug of ['customs', 'sanctions']) {
      const shownTopic = await cliJson('topics', 'show', slug, '--json');
      expect(shown.find((r) => r[0] === slug)?.[3]).toBe(String(shownTopic.matchesLast30Days));
    }
    expect(shown.find((r) => r[0] === 'customs')?.[3]).toBe('2');
  });

  it('a window other than 30 or 90 days is refused, and an unknown campaign is not found', async () => {
    const auth = AUTH;
    const bad = await fetch(`${server.base}/admin/reports/digests?days=7`, { headers: auth });
    expect(bad.status).toBe(400);
    const missing = await fetch(`${server.base}/admin/reports/campaigns/9999`, { headers: auth });
    expect(missing.status).toBe(404);
    const csv = async (url: string) =>
      (await fetch(`${server.base}${url}`, { headers: auth })).text();
    expect(await csv('/admin/reports/deliverability/suppressions.csv')).toBe(
      'Reason,Addresses\r\nunsubscribed,0\r\nhard-bounce,1\r\nsoft-bounce,0\r\ncomplaint,1\r\nmanual,0\r\n',
    );
    expect((await csv('/admin/reports/digests/topics.csv')).split('\r\n')).toEqual([
      'Topic,Name,Followers,Matches (30 days)',
      'customs,Customs rulings,4,2',
      'sanctions,Russia sanctions,0,1',
      '',
    ]);
    const runs = await csv('/admin/reports/digests/digest-runs.csv?days=90');
    expect(runs.split('\r\n')).toHaveLength(1 + 91 + 1);
  });
});
