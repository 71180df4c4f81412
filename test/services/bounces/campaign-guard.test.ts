import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectWorkQueue } from '../../../jobs/direct-work-queue.js';
import { signBounceTag } from '../../../src/domain/bounce-tag.js';
import {
  CAMPAIGN_GUARD_LIMITS,
  pauseReason,
  processInboundMessage,
  recordProviderEvent,
} from '../../../src/services/bounces/index.js';
import { runCampaignStep } from '../../../src/services/campaigns/campaign-step.service.js';
import {
  createCampaign,
  pauseCampaign,
  reportCampaign,
  resumeCampaign,
  startCampaign,
} from '../../../src/services/campaigns/campaigns.service.js';
import { bounceOf } from '../../support/bounce-helpers.js';
import {
  addProspect,
  campaignContext,
  InProcessCampaignQueue,
  sendHandedOn,
} from '../../support/campaign-runner.js';
import { makeStory, publish } from '../../support/flow-helpers.js';
import { runCli } from '../../support/run-cli.js';
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp-test-server.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { DIALECTS } from '../../support/test-database.js';

/** The policy's limits, scaled down: 10 sent instead of 1,000 (complaints) and 500 (bounces). */
const SMALL = {
  complaintRate: 0.003,
  complaintMinSent: 10,
  hardBounceRate: 0.05,
  hardBounceMinSent: 10,
};

describe('the campaign guard limits', () => {
  it('are the issue’s: complaints over 0.3 % after 1,000 sent, hard bounces over 5 % after 500', () => {
    expect(CAMPAIGN_GUARD_LIMITS).toEqual({
      complaintRate: 0.003,
      complaintMinSent: 1000,
      hardBounceRate: 0.05,
      hardBounceMinSent: 500,
    });
    expect(pauseReason({ sent: 999, hard: 0, complaint: 50 })).toBeNull();
    expect(pauseReason({ sent: 1000, hard: 0, complaint: 3 })).toBeNull();
    expect(pauseReason({ sent: 1000, hard: 0, complaint: 4 })).toMatch(/^complaints 0.4 %/);
    expect(pauseReason({ sent: 499, hard: 100, complaint: 0 })).toBeNull();
    expect(pauseReason({ sent: 500, hard: 25, complaint: 0 })).toBeNull();
    expect(pauseReason({ sent: 500, hard: 26, complaint: 0 })).toMatch(/^hard bounces 5.2 %/);
  });
});

describe.each(DIALECTS)(
  'a sending campaign protects the domain (%s)',
  { timeout: 120_000 },
  (dialect) => {
    let t: TestApp;
    let smtp: TestSmtpServer;
    let queue: InProcessCampaignQueue;
    let ctx: ReturnType<typeof campaignContext>;

    beforeAll(async () => {
      smtp = await startSmtpServer();
      t = await createTestApp(dialect, {
        smtpUrl: smtp.url,
        env: { BOUNCE_ADDRESS: 'bounces@bounce.brief.example' },
      });
      t.setNow(new Date('2026-11-30T12:00:00Z'));
      queue = new InProcessCampaignQueue();
      ctx = campaignContext(t.app, queue);
      await publish(t.app, new DirectWorkQueue(), [
        makeStory('sanctions-1', {
          headline: 'Treasury sanctions twelve banks',
          tags: ['sanctions'],
          publishedAt: '2026-11-29T09:00:00Z',
        }),
      ]);
    });
    afterAll(async () => {
      await t?.close();
      await smtp?.close();
    });

    /** A campaign to `prospects` readers of `domain`, its first `rate` invitations sent. */
    async function campaignHalfSent(name: string, domain: string, prospects: number, rate: number) {
      for (let i = 0; i < prospects; i++) await addProspect(t.app, `p${i}@${domain}`);
      const campaign = await createCampaign(ctx, {
        name,
        subject: 'Read every story free for 14 days',
        audience: `domain=${domain}`,
        rate,
      });
      await startCampaign(ctx, campaign.id);
      await runCampaignStep(ctx, campaign.id);
      await sendHandedOn(ctx, queue);
      const sent = await t.app.db
        .selectFrom('campaign_recipients as r')
        .innerJoin('deliveries as d', 'd.id', 'r.delivery_id')
        .select(['d.id', 'd.recipient'])
        .where('r.campaign_id', '=', campaign.id)
        .where('d.status', '=', 'sent')
        .orderBy('d.id')
        .execute();
      expect(sent).toHaveLength(rate);
      return { campaign, sent };
    }

    it('pauses itself once its complaints pass the limit, and says why', async () => {
      const { campaign, sent } = await campaignHalfSent('Winter', 'winter.example', 20, 10);
      const guarded = { ...t.app, campaignGuardLimits: SMALL };
      // 10 sent, the sample this guard counts from: one complaint is 10 %.
      const first = await processInboundMessage(
        guarded,
        bounceOf('arf-abuse.eml', t.app.secretKey, sent[0]!),
        'file',
      );
      expect(first.bounces.map((b) => [b.kind, b.deliveryId])).toEqual([
        ['complaint', sent[0]!.id],
      ]);
      const report = await reportCampaign(ctx, campaign.id);
      expect(report.campaign.status).toBe('paused');
      expect(report.campaign.pausedReason).toBe('complaints 10 % of sent (1 of 10), over 0.3 %');

      // The worker stops: the next step hands nothing on, the rest wait.
      expect((await runCampaignStep(ctx, campaign.id)).status).toBe('not-sending');
      expect(queue.stepping.has(campaign.id)).toBe(false);
      expect(queue.toSend).toEqual([]);
      expect((await reportCampaign(ctx, campaign.id)).counts.sent).toBe(10);

      // `campaigns status` says why, in words and in JSON.
      const text = await runCli(['campaigns', 'status', String(campaign.id)], t.env);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain('paused (complaints 10 % of sent (1 of 10), over 0.3 %)');
      const json = await runCli(['campaigns', 'status', String(campaign.id), '--json'], t.env);
      expect(JSON.parse(json.stdout)).toMatchObject({
        status: 'paused',
        pausedReason: 'complaints 10 % of sent (1 of 10), over 0.3 %',
      });

      // Resumed by hand: the reason is gone, the campaign goes on.
      await resumeCampaign(ctx, campaign.id);
      const resumed = await reportCampaign(ctx, campaign.id);
      expect(resumed.campaign.status).toBe('sending');
      expect(resumed.campaign.pausedReason).toBeNull();
      const after = await runCli(['campaigns', 'status', String(campaign.id), '--json'], t.env);
      expect(JSON.parse(after.stdout).pausedReason).toBeNull();
    });

    it('pauses on hard bounces reported by a provider, not on soft ones or a few below the sample', async () => {
      const { campaign, sent } = await campaignHalfSent('Spring', 'spring.example', 24, 12);
      const guarded = { ...t.app, campaignGuardLimits: { ...SMALL, hardBounceMinSent: 13 } };
      const event = (i: number, kind: 'hard' | 'soft') =>
        recordProviderEvent(guarded, {
          source: 'sendgrid',
          eventId: `ev-${campaign.id}-${i}-${kind}`,
          kind,
          recipient: sent[i]!.recipient,
          messageIds: [],
          tags: [bounceTagOf(sent[i]!)],
          status: kind === 'hard' ? '5.1.1' : '4.2.2',
          diagnostic: null,
          raw: '{}',
          receivedAt: t.app.now(),
        });
      for (let i = 0; i < 5; i++) expect((await event(i, 'soft')).bounces[0]!.kind).toBe('soft');
      // Hard bounces 2 of 12 (17 %), but 12 sent is under this guard's sample of 13.
      await event(5, 'hard');
      await event(6, 'hard');
      expect((await reportCampaign(ctx, campaign.id)).campaign.status).toBe('sending');

      // With the sample reached (12 sent), 2 of 12 passes 5 %.
      const sampled = { ...t.app, campaignGuardLimits: SMALL };
      await recordProviderEvent(sampled, {
        source: 'sendgrid',
        eventId: `ev-${campaign.id}-7-hard`,
        kind: 'hard',
        recipient: sent[7]!.recipient,
        messageIds: [],
        tags: [bounceTagOf(sent[7]!)],
        status: '5.1.1',
        diagnostic: 'user unknown',
        raw: '{}',
        receivedAt: t.app.now(),
      });
      const report = await reportCampaign(ctx, campaign.id);
      expect(report.campaign.status).toBe('paused');
      expect(report.campaign.pausedReason).toBe('hard bounces 25 % of sent (3 of 12), over 5 %');
    });

    it('leaves a campaign paused by hand without a reason', async () => {
      const { campaign, sent } = await campaignHalfSent('Autumn', 'autumn.example', 4, 2);
      await pauseCampaign(ctx, campaign.id);
      const guarded = { ...t.app, campaignGuardLimits: { ...SMALL, complaintMinSent: 1 } };
      await processInboundMessage(
        guarded,
        bounceOf('arf-abuse.eml', t.app.secretKey, sent[0]!),
        'file',
      );
      const report = await reportCampaign(ctx, campaign.id);
      expect(report.campaign.status).toBe('paused');
      expect(report.campaign.pausedReason).toBeNull();
    });

    function bounceTagOf(delivery: { id: number; recipient: string }): string {
      return signBounceTag(t.app.secretKey, delivery.id, delivery.recipient);
    }
  },
);
