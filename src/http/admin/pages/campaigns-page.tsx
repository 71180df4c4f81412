import type { CampaignDetailReport, CampaignsReport } from '../../../services/reports/index.js';
import { ADMIN_PATHS, campaignPath, csvPath } from '../admin-paths.js';
import {
  campaignDaysTable,
  campaignSkipsTable,
  campaignStoriesTable,
  campaignsTable,
} from '../report-tables.js';
import { AdminLayout, WindowSwitch } from './admin-layout.js';
import { FigureTable } from './figure-table.js';
import { formatCount, formatRate } from './figures.js';
import { SERIES_COLORS, TimeChart } from './time-chart.js';

export interface CampaignsPageProps {
  publicationName: string;
  report: CampaignsReport;
  days: number;
}

/** Every campaign with its figures, and the campaigns' sends and clicks over time. */
export function CampaignsPage({ publicationName, report, days }: CampaignsPageProps) {
  const perDay = campaignDaysTable(report);
  const sent = report.days.reduce((n, d) => n + d.sent, 0);
  const clicks = report.days.reduce((n, d) => n + d.clicks, 0);
  return (
    <AdminLayout publicationName={publicationName} title="Campaigns" section="campaigns">
      <p>
        Trial invitations to prospects: who each campaign reaches, what was sent, and the readers
        who clicked a trial link (each once) and started a trial from it. Conversion is trials per
        invitation sent.
      </p>
      <h2>Sends and clicks over time</h2>
      <WindowSwitch path={ADMIN_PATHS.campaigns} days={days} />
      <TimeChart
        id="campaign-days"
        title={`Campaign invitations sent and trial-link clicks per day, last ${days} days`}
        description={`${formatCount(sent)} invitations sent and ${formatCount(clicks)} trial-link clicks in the last ${days} days; the figures are in the table below.`}
        days={report.days.map((d) => d.day)}
        series={[
          {
            label: 'Invitations sent',
            values: report.days.map((d) => d.sent),
            color: SERIES_COLORS[0],
          },
          {
            label: 'Trial-link clicks',
            values: report.days.map((d) => d.clicks),
            color: SERIES_COLORS[1],
            dashed: true,
          },
        ]}
        yLabel="Per day"
        formatY={formatCount}
        whole
      />
      <FigureTable table={perDay} csvHref={csvPath(ADMIN_PATHS.campaigns, perDay.name, days)} />
      <h2>Every campaign</h2>
      <FigureTable
        table={campaignsTable(report)}
        csvHref={csvPath(ADMIN_PATHS.campaigns, 'campaigns')}
        linkOf={(row) => campaignPath(row[0] as number)}
      />
    </AdminLayout>
  );
}

export interface CampaignPageProps {
  publicationName: string;
  report: CampaignDetailReport;
}

/** One campaign: its figures, clicks and trials per story, and the skips by reason. */
export function CampaignPage({ publicationName, report }: CampaignPageProps) {
  const { summary } = report;
  const page = campaignPath(summary.id);
  const facts: [string, string][] = [
    ['Status', summary.status],
    ['Audience', summary.audience === null ? '–' : formatCount(summary.audience)],
    ['Sent', formatCount(summary.sent)],
    ['Failed', formatCount(report.failed)],
    ['Suppressed', formatCount(report.suppressed)],
    ['Skipped', formatCount(report.skipped)],
    ['Clicks', formatCount(summary.clicks)],
    ['Trials', formatCount(summary.trials)],
    ['Conversion', formatRate(summary.conversion)],
  ];
  const stories = campaignStoriesTable(report);
  const skips = campaignSkipsTable(report);
  return (
    <AdminLayout
      publicationName={publicationName}
      title={`Campaign ${summary.id}: ${summary.name}`}
      section="campaigns"
    >
      <p>
        Subject “{report.subject}”, to {summary.filters ?? 'every prospect with consent'}.{' '}
        <a href={ADMIN_PATHS.campaigns}>All campaigns</a>
      </p>
      <dl className="facts" aria-label="Figures">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <h2>Stories</h2>
      <FigureTable table={stories} csvHref={csvPath(page, stories.name)} />
      <h2>Skips</h2>
      <FigureTable table={skips} csvHref={csvPath(page, skips.name)} />
    </AdminLayout>
  );
}
