import type { Command } from 'commander';
import { z } from 'zod';
import type { CampaignReport } from '../../services/campaigns/index.js';
import { campaignContextOf, renderContextOf, withApp } from '../cli-context.js';
import { writeOutputFile } from '../file-output.js';
import { countOf } from '../help.js';
import { formatJson, LISTED, printLine, printListing, readUpTo } from '../output.js';
import {
  emailSchema,
  type LimitOptions,
  parseOption,
  readLimit,
  wholeNumberSchema,
  withLimitOptions,
} from '../parse.js';
import { startProgress } from '../progress.js';

const idSchema = z.coerce.number().int('must be a campaign id').positive('must be a campaign id');
const isoSchema = z.iso
  .datetime({ offset: true, error: 'must be ISO 8601 with an offset' })
  .transform((s) => new Date(s));
const WAIT_POLL_MS = 500;

/** Marketing: trial invitations to prospects who asked to hear from us. */
export function registerCampaignCommands(program: Command): void {
  const campaigns = program.command('campaigns').description('trial invitation campaigns');

  campaigns
    .command('create')
    .description('draft a campaign; prints its id last')
    .requiredOption('--name <name>', 'for the team, never shown to readers')
    .requiredOption('--subject <subject>', 'the subject line')
    .option(
      '--audience <filters>',
      'plan=free,prospect; topic=SLUG; interest=QUERY; domain=D; signed-up-after=DATE; signed-up-before=DATE',
    )
    .option('--intro <text>', 'the opening paragraph')
    .option('--stories <n>', 'stories in each invitation', '5')
    .option('--send-at <iso>', 'start sending at this instant')
    .option('--rate <n>', 'invitations per second (default SEND_RATE)')
    .option('--one-per-domain', 'at most one invitation per email domain')
    .action(
      async (opts: {
        name: string;
        subject: string;
        audience?: string;
        intro?: string;
        stories: string;
        sendAt?: string;
        rate?: string;
        onePerDomain?: boolean;
      }) => {
        const stories = parseOption('--stories', opts.stories, wholeNumberSchema(1, 20));
        const rate = opts.rate
          ? parseOption('--rate', opts.rate.replace(/\/s$/, ''), wholeNumberSchema(1, 10_000))
          : undefined;
        const sendAt = opts.sendAt ? parseOption('--send-at', opts.sendAt, isoSchema) : null;
        const { countAudience, createCampaign } = await import('../../services/campaigns/index.js');
        await withApp({}, async (app) => {
          const campaign = await createCampaign(app, {
            name: opts.name,
            subject: opts.subject,
            audience: opts.audience ?? null,
            intro: opts.intro ?? null,
            stories,
            sendAt,
            ...(rate ? { rate } : {}),
            onePerDomain: Boolean(opts.onePerDomain),
          });
          // Before the id, which stays the output's last word.
          printLine(describeAudience(await countAudience(app, campaign.audience)));
          printLine(
            `created campaign "${campaign.name}" (draft, ${campaign.rate}/s): ${campaign.id}`,
          );
        });
      },
    );

  campaigns
    .command('preview <id>')
    .description('render the invitation a reader would get now')
    .option('--email <email>', 'the reader (default: the first of the audience)')
    .option('--out <file>', 'write the HTML here instead of printing the text part')
    .action(async (id: string, opts: { email?: string; out?: string }) => {
      const campaignId = parseOption('ID', id, idSchema);
      const email = opts.email ? parseOption('--email', opts.email, emailSchema) : undefined;
      const { previewCampaign } = await import('../../services/campaigns/index.js');
      await withApp({ render: true }, async (app) => {
        const preview = await previewCampaign(renderContextOf(app), campaignId, email);
        // The invitation says "you asked to hear from us": not true of everyone it can show.
        if (preview.notInvited.length > 0)
          process.stderr.write(
            `bulletin: warning: campaign ${campaignId} would not invite ${preview.email}: ${preview.notInvited.join('; ')}. This is what they would get if it did.\n`,
          );
        if (opts.out) {
          writeOutputFile(opts.out, preview.html);
          printLine(`To: ${preview.email}\nSubject: ${preview.subject}\nwrote ${opts.out}`);
        } else {
          printLine(`To: ${preview.email}\nSubject: ${preview.subject}\n\n${preview.text}`);
        }
      });
    });

  campaigns
    .command('send <id>')
    .description('record the audience and start sending (the workers send)')
    .option('--wait', 'show progress and return when the campaign is done')
    .action(async (id: string, opts: { wait?: boolean }) => {
      const campaignId = parseOption('ID', id, idSchema);
      const service = await import('../../services/campaigns/index.js');
      await withApp({ redis: true }, async (app) => {
        const ctx = campaignContextOf(app);
        const started = await service.startCampaign(ctx, campaignId);
        if (started.status === 'scheduled') {
          printLine(`campaign ${campaignId} is scheduled for ${started.sendAt.toISOString()}`);
          if (!opts.wait) return;
        } else {
          printLine(`campaign ${campaignId} is sending to ${started.recipients} recipients`);
        }
        if (!opts.wait) return;
        const report = await waitForCampaign(() => service.reportCampaign(ctx, campaignId));
        printLine(describeOutcome(report));
      });
    });

  for (const [verb, description] of [
    ['pause', 'stop handing on invitations (resume goes on where it stopped)'],
    ['resume', 'go on sending a paused campaign'],
    ['cancel', 'end the campaign: no one else is invited'],
  ] as const) {
    campaigns
      .command(`${verb} <id>`)
      .description(description)
      .action(async (id: string) => {
        const campaignId = parseOption('ID', id, idSchema);
        const service = await import('../../services/campaigns/index.js');
        const act = {
          pause: service.pauseCampaign,
          resume: service.resumeCampaign,
          cancel: service.cancelCampaign,
        }[verb];
        await withApp({ redis: true }, async (app) => {
          await act(campaignContextOf(app), campaignId);
          const report = await service.reportCampaign(app, campaignId);
          printLine(`campaign ${campaignId} is ${report.campaign.status}`);
        });
      });
  }

  campaigns
    .command('status <id>')
    .description('sends, skips, clicks, trials and what is left')
    .option('--json', 'one JSON object')
    .option('--stories', 'clicks and trials per story')
    .action(async (id: string, opts: { json?: boolean; stories?: boolean }) => {
      const campaignId = parseOption('ID', id, idSchema);
      const service = await import('../../services/campaigns/index.js');
      await withApp({}, async (app) => {
        const report = await service.reportCampaign(app, campaignId, { withAudience: true });
        const stories = opts.stories ? await service.reportCampaignStories(app, campaignId) : null;
        if (opts.json) {
          const row = { ...toStatusRow(report, app.now()), ...(stories ? { stories } : {}) };
          process.stdout.write(`${formatJson(row)}\n`);
          return;
        }
        printLine(describeStatus(report, app.now()));
        if (stories) {
          printLine('');
          printListing(stories, false, [
            { header: 'STORY', value: (s) => s.storyId },
            { header: 'CLICKS', value: (s) => s.clicks },
            { header: 'TRIALS', value: (s) => s.trials },
          ]);
        }
      });
    });

  withLimitOptions(campaigns.command('list'), LISTED, 'campaigns')
    .option('--json', 'one JSON array')
    .action(async (opts: LimitOptions & { json?: boolean }) => {
      const limit = readLimit(opts, LISTED);
      const { countCampaigns, listCampaigns } = await import('../../services/campaigns/index.js');
      await withApp({}, async (app) => {
        const found = await readUpTo(
          limit,
          'campaigns',
          (n) => listCampaigns(app, { limit: n }),
          () => countCampaigns(app),
        );
        printListing(found, Boolean(opts.json), [
          { header: 'ID', value: (c) => c.id },
          { header: 'NAME', value: (c) => c.name },
          { header: 'STATUS', value: (c) => c.status },
          { header: 'RATE', value: (c) => `${c.rate}/s` },
          { header: 'SEND AT', value: (c) => c.sendAt },
          { header: 'SUBJECT', value: (c) => c.subject },
        ]);
      });
    });
}

/** The `status --json` object: the contract's fields first, then the detail. */
function toStatusRow(report: CampaignReport, now: Date) {
  const { campaign, counts } = report;
  return {
    id: campaign.id,
    name: campaign.name,
    status: campaign.status,
    pausedReason: campaign.pausedReason,
    audience: report.audience,
    total: counts.total,
    sent: counts.sent,
    failed: counts.failed,
    suppressed: counts.suppressed,
    skipped: counts.skipped,
    clicks: report.clicks,
    trials: report.trials,
    conversion: report.conversion,
    pending: counts.pending,
    queued: counts.queued,
    sending: counts.sending,
    cancelled: counts.cancelled,
    skippedBy: counts.skippedBy,
    etaSeconds: report.etaSeconds,
    eta:
      report.etaSeconds === null
        ? null
        : new Date(now.getTime() + report.etaSeconds * 1000).toISOString(),
    audienceFixedAt: campaign.audienceFixedAt,
    finishedAt: campaign.finishedAt,
  };
}

function describeStatus(report: CampaignReport, now: Date): string {
  const row = toStatusRow(report, now);
  const skips = Object.entries(row.skippedBy)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  if (!report.campaign.audienceFixedAt)
    return [
      `campaign ${row.id} "${row.name}": ${row.status}${report.campaign.sendAt ? `, to send at ${report.campaign.sendAt.toISOString()}` : ''}`,
      `  ${describeAudience(row.audience ?? 0)}`,
    ].join('\n');
  return [
    `campaign ${row.id} "${row.name}": ${row.status}${row.pausedReason ? ` (${row.pausedReason})` : ''}`,
    `  recipients ${row.total}: sent ${row.sent}, failed ${row.failed}, suppressed ${row.suppressed}, skipped ${row.skipped}${skips ? ` (${skips})` : ''}`,
    `  still to go: ${row.pending + row.queued}${row.eta ? `, done in about ${formatSeconds(row.etaSeconds ?? 0)} (${row.eta})` : ''}${row.sending ? `; ${describeSending(row.sending, row.status)}` : ''}`,
    `  trial clicks ${row.clicks} (people), trials started ${row.trials}, conversion ${(row.conversion * 100).toFixed(2)}% of sent`,
  ].join('\n');
}

/**
 * Invitations marked `sending`: while the campaign sends, they are with the mail server this
 * moment (in flight, the normal case); after it, a sender stopped with them in hand and no one
 * knows whether the server took them.
 */
function describeSending(count: number, status: string): string {
  return status === 'sending'
    ? `${count} in flight (with the mail server now)`
    : `${count} outcome unknown (settle with deliveries resolve)`;
}

/** "audience: 12 prospects now": before sending, each is checked again when theirs goes. */
function describeAudience(count: number): string {
  return `audience: ${countOf(count, 'prospect')} now (each is checked again as their invitation goes)`;
}

function describeOutcome(report: CampaignReport): string {
  const { counts } = report;
  return `campaign ${report.campaign.id} ${report.campaign.status}: sent ${counts.sent}, failed ${counts.failed}, suppressed ${counts.suppressed}, skipped ${counts.skipped} of ${counts.total}`;
}

function formatSeconds(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** Polls until the campaign is done, cancelled or paused, with a progress bar on a terminal. */
async function waitForCampaign(read: () => Promise<CampaignReport>): Promise<CampaignReport> {
  const progress = startProgress('invitations');
  try {
    for (;;) {
      const report = await read();
      const { counts } = report;
      const settled =
        counts.sent + counts.failed + counts.suppressed + counts.skipped + counts.cancelled;
      progress.update(settled, counts.total);
      if (['done', 'cancelled', 'paused'].includes(report.campaign.status)) return report;
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    }
  } finally {
    progress.stop();
  }
}
