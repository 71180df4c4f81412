import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCampaignTrial } from '../../../db/repositories/campaign-attribution.repository.js';
import { recordMarketingConsent } from '../../../db/repositories/campaign-audience.repository.js';
import { DirectWorkQueue } from '../../../jobs/direct-work-queue.js';
import { selectAudience } from '../../../src/services/campaigns/campaign-audience.service.js';
import { resumeDueCampaigns } from '../../../src/services/campaigns/campaign-schedule.service.js';
import { runCampaignStep } from '../../../src/services/campaigns/campaign-step.service.js';
import {
  cancelCampaign,
  createCampaign,
  pauseCampaign,
  reportCampaign,
  reportCampaignStories,
  resumeCampaign,
  startCampaign,
} from '../../../src/services/campaigns/campaigns.service.js';
import { InputError } from '../../../src/services/input-error.js';
import { grantSiteLicense } from '../../../src/services/readers/site-licenses.service.js';
import { subscribe } from '../../../src/services/readers/subscriptions.service.js';
import { suppressAddress } from '../../../src/services/readers/suppressions.service.js';
import { recordTrialClick, startTrial } from '../../../src/services/readers/trials.service.js';
import { addTopic } from '../../../src/services/topics/topics.service.js';
import {
  addProspect,
  campaignContext,
  InProcessCampaignQueue,
  runCampaignsToEnd,
  sendHandedOn,
} from '../../support/campaign-runner.js';
import { makeStory, parseReceived, publish } from '../../support/flow-helpers.js';
import { verifyLinkFor } from '../../support/reader-tokens.js';
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp-test-server.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { DIALECTS } from '../../support/test-database.js';

const NOW = new Date('2026-11-30T12:00:00Z');

describe.each(DIALECTS)('campaigns (%s)', (dialect) => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let queue: InProcessCampaignQueue;
  let ctx: ReturnType<typeof campaignContext>;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp(dialect, { smtpUrl: smtp.url });
    t.setNow(NOW);
    queue = new InProcessCampaignQueue();
    ctx = campaignContext(t.app, queue);
    await publish(t.app, new DirectWorkQueue(), [
      makeStory('sanctions-1', {
        headline: 'Treasury sanctions twelve banks',
        tags: ['sanctions'],
        publishedAt: '2026-11-29T09:00:00Z',
      }),
      makeStory('sanctions-2', {
        headline: 'EU widens sanctions on shipping',
        tags: ['sanctions'],
        publishedAt: '2026-11-28T09:00:00Z',
      }),
      makeStory('customs-1', {
        headline: 'Customs tightens de minimis rule',
        tags: ['customs'],
        publishedAt: '2026-11-29T10:00:00Z',
      }),
    ]);
    await addTopic(t.app, { slug: 'sanctions', name: 'Sanctions', query: 'tag:sanctions' });
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'tag:customs' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  async function receivedBy(campaignStart: number) {
    const mails = smtp.received.slice(campaignStart);
    return Promise.all(
      mails.map(async (mail) => ({ to: mail.to[0], parsed: await parseReceived(mail) })),
    );
  }

  it('invites only prospects with consent on record, checking each again at send time', async () => {
    const invited = [
      'pat@alpha.example',
      'ended-trial@beta.example',
      'one@shared.example',
      'two@shared.example',
    ];
    await addProspect(t.app, 'pat@alpha.example', { name: 'Pat' });
    await subscribe(t.app, { email: 'pat@alpha.example', topic: 'sanctions', cadence: 'daily' });
    await addProspect(t.app, 'ended-trial@beta.example', {
      plan: 'trial',
      trialEndsAt: new Date('2026-11-01T00:00:00Z'),
    });
    await addProspect(t.app, 'one@shared.example');
    await addProspect(t.app, 'two@shared.example');
    // Never in the audience: consent not on record, no consent, full access of any kind.
    await addProspect(t.app, 'flag-only@gamma.example', { consent: 'flag-only' });
    await addProspect(t.app, 'no-consent@gamma.example', { consent: false });
    await addProspect(t.app, 'payer@delta.example', { plan: 'subscriber' });
    await addProspect(t.app, 'trialist@delta.example', {
      plan: 'trial',
      trialEndsAt: new Date('2026-12-20T00:00:00Z'),
    });
    await grantSiteLicense(t.app, 'licensed.example', null);
    await addProspect(t.app, 'staff@licensed.example');
    // In the audience when it is fixed, left out at send time.
    for (const email of [
      'later-suppressed@eps.example',
      'later-trial@eps.example',
      'later-optout@eps.example',
    ])
      await addProspect(t.app, email);

    const campaign = await createCampaign(ctx, {
      name: 'Winter trial',
      subject: 'Read every story free for 14 days',
      intro: 'Here is what we published on what you follow.',
      stories: 2,
      rate: 100,
      onePerDomain: true,
    });
    const start = await startCampaign(ctx, campaign.id);
    expect(start).toEqual({ status: 'sending', recipients: 7 });

    await suppressAddress(t.app, 'later-suppressed@eps.example', 'complaint');
    await startTrial(t.app, { email: 'later-trial@eps.example', days: 14 });
    await recordMarketingConsent(t.app.db, 'later-optout@eps.example', null, NOW);

    const before = smtp.received.length;
    await runCampaignsToEnd(ctx, queue);
    const mails = await receivedBy(before);
    const recipients = mails.map((m) => m.to).sort();
    // One of the two at shared.example; everyone else invited exactly once.
    expect(recipients.filter((to) => to?.endsWith('@shared.example'))).toHaveLength(1);
    expect(recipients.filter((to) => !to?.endsWith('@shared.example'))).toEqual(
      invited.filter((to) => !to.endsWith('@shared.example')).sort(),
    );

    const report = await reportCampaign(ctx, campaign.id);
    expect(report.campaign.status).toBe('done');
    expect(report.counts).toMatchObject({
      total: 7,
      sent: 3,
      suppressed: 1,
      skipped: 3,
      failed: 0,
    });
    expect(report.counts.skippedBy).toEqual({
      suppressed: 1,
      'has-access': 1,
      'no-consent': 1,
      'domain-already-invited': 1,
    });

    const pat = mails.find((m) => m.to === 'pat@alpha.example')!.parsed;
    expect(pat.subject).toBe('Read every story free for 14 days');
    // The stories on the topic Pat follows, newest first; not the customs story.
    expect(pat.text).toContain('Treasury sanctions twelve banks');
    expect(pat.text).toContain('EU widens sanctions on shipping');
    expect(pat.text).not.toContain('Customs tightens');
    expect(pat.text).toContain('Here is what we published on what you follow.');
    expect(pat.text).toMatch(/promotional/i);
    expect(pat.text).toContain('1 Test Street, Testville');
    const header = (key: string) =>
      pat.headerLines
        .filter((h) => h.key === key)
        .map((h) => h.line.replace(/\r?\n[ \t]+/g, ' ').replace(/^[^:]+:\s*/, ''));
    expect(header('list-unsubscribe-post')).toEqual(['List-Unsubscribe=One-Click']);
    const unsubscribe = /^<https:\/\/brief\.example\/u\/([^>\s]+)>/.exec(
      header('list-unsubscribe')[0] ?? '',
    );
    expect(unsubscribe).not.toBeNull();
    const token = await verifyLinkFor(t.app.db, t.app.secretKey, unsubscribe![1]!, NOW);
    expect(token.ok && token.payload).toEqual({
      kind: 'unsubscribe',
      reader: 'pat@alpha.example',
      list: 'marketing',
    });
    // Trial links are signed for this campaign.
    const trialToken = /https:\/\/brief\.example\/t\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(
      pat.text ?? '',
    );
    const trial = await verifyLinkFor(t.app.db, t.app.secretKey, trialToken![1]!, NOW);
    expect(trial.ok && trial.payload).toMatchObject({
      kind: 'trial',
      source: { campaign: campaign.id },
    });
  });

  it('keeps a prospect out of a second campaign within CAMPAIGN_COOLDOWN', async () => {
    await addProspect(t.app, 'cool@zeta.example');
    const first = await createCampaign(ctx, {
      name: 'First',
      subject: 'First invitation',
      audience: 'domain=zeta.example',
      rate: 10,
    });
    await startCampaign(ctx, first.id);
    await runCampaignsToEnd(ctx, queue);
    expect((await reportCampaign(ctx, first.id)).counts.sent).toBe(1);

    t.setNow(new Date(NOW.getTime() + 3 * 86_400_000));
    const second = await createCampaign(ctx, {
      name: 'Second',
      subject: 'Second invitation',
      audience: 'domain=zeta.example',
    });
    await startCampaign(ctx, second.id);
    await runCampaignsToEnd(ctx, queue);
    const report = await reportCampaign(ctx, second.id);
    expect(report.counts).toMatchObject({ total: 1, sent: 0, skipped: 1 });
    expect(report.counts.skippedBy).toEqual({ cooldown: 1 });

    // Past the cooldown, a third campaign reaches them again.
    t.setNow(new Date(NOW.getTime() + 8 * 86_400_000));
    const third = await createCampaign(ctx, {
      name: 'Third',
      subject: 'Third',
      audience: 'domain=zeta.example',
    });
    await startCampaign(ctx, third.id);
    await runCampaignsToEnd(ctx, queue);
    expect((await reportCampaign(ctx, third.id)).counts.sent).toBe(1);
    t.setNow(NOW);
  });

  it('filters the audience by plan, topic, interest, domain and signup date', async () => {
    await addProspect(t.app, 'free-customs@eta.example', { plan: 'free' });
    await subscribe(t.app, {
      email: 'free-customs@eta.example',
      topic: 'customs',
      cadence: 'daily',
    });
    await addProspect(t.app, 'prospect-customs@eta.example');
    await subscribe(t.app, {
      email: 'prospect-customs@eta.example',
      topic: 'customs',
      cadence: 'daily',
    });
    const audienceOf = async (audience: string) => {
      const campaign = await createCampaign(ctx, { name: 'Probe', subject: 'Probe', audience });
      return (await selectAudience(ctx, campaign.audience)).map((r) => r.email).sort();
    };
    expect(await audienceOf('topic=customs')).toEqual([
      'free-customs@eta.example',
      'prospect-customs@eta.example',
    ]);
    expect(await audienceOf('topic=customs; plan=free')).toEqual(['free-customs@eta.example']);
    expect(await audienceOf('domain=eta.example; signed-up-after=2030-01-01')).toEqual([]);
    expect(await audienceOf('domain=alpha.example,beta.example')).toEqual([
      'ended-trial@beta.example',
      'pat@alpha.example',
    ]);
    await expect(
      createCampaign(ctx, { name: 'x', subject: 'y', audience: 'topic=nope' }),
    ).rejects.toThrow(InputError);
    await expect(
      createCampaign(ctx, { name: 'x', subject: 'y', audience: 'plan=subscriber' }),
    ).rejects.toThrow(/never invited/);
    await expect(
      createCampaign(ctx, { name: 'x', subject: 'y', audience: 'interest=(' }),
    ).rejects.toThrow(InputError);
  });

  it('counts unique clicks, trials started and conversion, per campaign and per story', async () => {
    const campaign = await createCampaign(ctx, {
      name: 'Attribution',
      subject: 'Try us',
      audience: 'domain=theta.example',
    });
    for (const email of [
      'a@theta.example',
      'b@theta.example',
      'c@theta.example',
      'd@theta.example',
    ])
      await addProspect(t.app, email);
    await startCampaign(ctx, campaign.id);
    await runCampaignsToEnd(ctx, queue);
    const source = { campaign: campaign.id };
    await recordTrialClick(ctx, { email: 'a@theta.example', storyId: 'sanctions-1', source });
    await recordTrialClick(ctx, { email: 'a@theta.example', storyId: 'sanctions-1', source });
    await recordTrialClick(ctx, { email: 'b@theta.example', storyId: 'customs-1', source });
    // A click credited to a digest does not count for the campaign.
    await recordTrialClick(ctx, {
      email: 'c@theta.example',
      storyId: 'customs-1',
      source: { digest: 99 },
    });
    expect(await creditCampaignTrial(t.app.db, 'a@theta.example', campaign.id, NOW)).toBe(true);

    const report = await reportCampaign(ctx, campaign.id);
    expect(report).toMatchObject({ clicks: 2, trials: 1, conversion: 0.25 });
    expect(report.counts.sent).toBe(4);
    expect(await reportCampaignStories(ctx, campaign.id)).toEqual([
      { storyId: 'sanctions-1', clicks: 1, trials: 1 },
      { storyId: 'customs-1', clicks: 1, trials: 0 },
    ]);
  });

  it('pauses and resumes without losing or doubling anyone, and gives way to digest sends', async () => {
    const emails = Array.from({ length: 6 }, (_, i) => `r${i}@iota.example`);
    for (const email of emails) await addProspect(t.app, email);
    const campaign = await createCampaign(ctx, {
      name: 'Paced',
      subject: 'Paced',
      audience: 'domain=iota.example',
      rate: 2,
    });
    await startCampaign(ctx, campaign.id);
    const before = smtp.received.length;

    queue.digestSendsWaiting = 3;
    expect(await runCampaignStep(ctx, campaign.id)).toEqual({
      status: 'yielded',
      digestSendsWaiting: 3,
    });
    queue.digestSendsWaiting = 0;

    expect(await runCampaignStep(ctx, campaign.id)).toMatchObject({
      status: 'stepped',
      handedOn: 2,
    });
    await pauseCampaign(ctx, campaign.id);
    // Handed on before the pause: held, not sent, still queued for the resume.
    const held = await sendHandedOn(ctx, queue);
    expect(held).toEqual([
      { status: 'skipped', reason: 'campaign paused' },
      { status: 'skipped', reason: 'campaign paused' },
    ]);
    expect(await runCampaignStep(ctx, campaign.id)).toMatchObject({ status: 'not-sending' });
    expect(smtp.received.length).toBe(before);
    expect((await reportCampaign(ctx, campaign.id)).counts).toMatchObject({
      queued: 2,
      pending: 4,
    });

    await resumeCampaign(ctx, campaign.id);
    await runCampaignsToEnd(ctx, queue);
    const got = smtp.received
      .slice(before)
      .map((m) => m.to[0])
      .sort();
    expect(got).toEqual([...emails].sort());
    expect((await reportCampaign(ctx, campaign.id)).counts).toMatchObject({ total: 6, sent: 6 });
  });

  it('does not send an invitation handed on before its reader withdrew consent', async () => {
    const emails = ['a@omicron.example', 'b@omicron.example'];
    for (const email of emails) await addProspect(t.app, email);
    const campaign = await createCampaign(ctx, {
      name: 'Late opt-out',
      subject: 'Late opt-out',
      audience: 'domain=omicron.example',
      rate: 2,
    });
    await startCampaign(ctx, campaign.id);
    const before = smtp.received.length;
    expect(await runCampaignStep(ctx, campaign.id)).toMatchObject({ handedOn: 2 });
    // Between the hand-on and the send, one of them clicks "no more offers".
    await recordMarketingConsent(t.app.db, 'b@omicron.example', null, NOW);
    const outcomes = await sendHandedOn(ctx, queue);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['sent', 'suppressed']);
    expect(smtp.received.slice(before).map((m) => m.to[0])).toEqual(['a@omicron.example']);
  });

  it('starts a campaign with a send time when that time comes, recording the audience then', async () => {
    const campaign = await createCampaign(ctx, {
      name: 'Later',
      subject: 'Later',
      audience: 'domain=mu.example',
      sendAt: new Date(NOW.getTime() + 3_600_000),
    });
    expect(await startCampaign(ctx, campaign.id)).toEqual({
      status: 'scheduled',
      sendAt: new Date(NOW.getTime() + 3_600_000),
    });
    await resumeDueCampaigns(ctx);
    expect((await reportCampaign(ctx, campaign.id)).campaign.status).toBe('scheduled');
    // Signed up after the campaign was scheduled, before it starts: in the audience.
    await addProspect(t.app, 'new@mu.example');
    t.setNow(new Date(NOW.getTime() + 3_700_000));
    await resumeDueCampaigns(ctx);
    await runCampaignsToEnd(ctx, queue);
    t.setNow(NOW);
    expect((await reportCampaign(ctx, campaign.id)).counts).toMatchObject({ total: 1, sent: 1 });
  });

  it('runs one step of a campaign at a time', async () => {
    for (const email of ['s1@lambda.example', 's2@lambda.example']) await addProspect(t.app, email);
    const campaign = await createCampaign(ctx, {
      name: 'Overlap',
      subject: 'Overlap',
      audience: 'domain=lambda.example',
      rate: 1,
    });
    await startCampaign(ctx, campaign.id);
    const reports = await Promise.all([
      runCampaignStep(ctx, campaign.id),
      runCampaignStep(ctx, campaign.id),
    ]);
    // However the two interleave (one finds the lease taken, or runs after the first and finds
    // a second's worth already waiting), one recipient is handed on, once.
    const handedOn = reports.map((r) => (r.status === 'stepped' ? r.handedOn : 0));
    expect(handedOn.reduce((a, b) => a + b, 0)).toBe(1);
    expect(queue.toSend).toHaveLength(1);
    await runCampaignsToEnd(ctx, queue);
    expect((await reportCampaign(ctx, campaign.id)).counts).toMatchObject({ total: 2, sent: 2 });
  });

  it('cancels what is not yet sent', async () => {
    for (const email of ['x1@kappa.example', 'x2@kappa.example', 'x3@kappa.example'])
      await addProspect(t.app, email);
    const campaign = await createCampaign(ctx, {
      name: 'Cancelled',
      subject: 'Cancelled',
      audience: 'domain=kappa.example',
      rate: 1,
    });
    await startCampaign(ctx, campaign.id);
    await runCampaignStep(ctx, campaign.id);
    await sendHandedOn(ctx, queue);
    await runCampaignStep(ctx, campaign.id);
    await cancelCampaign(ctx, campaign.id);
    await sendHandedOn(ctx, queue);
    const report = await reportCampaign(ctx, campaign.id);
    expect(report.campaign.status).toBe('cancelled');
    expect(report.counts).toMatchObject({ total: 3, sent: 1, failed: 1, cancelled: 1 });
    await expect(startCampaign(ctx, campaign.id)).rejects.toThrow(/cancelled/);
  });
});
