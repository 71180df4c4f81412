import type { DigestsReport } from '../../../services/reports/index.js';
import { ADMIN_PATHS, csvPath } from '../admin-paths.js';
import { digestRunsTable, topicsTable } from '../report-tables.js';
import { AdminLayout, WindowSwitch } from './admin-layout.js';
import { FigureTable } from './figure-table.js';
import { formatCount } from './figures.js';
import { SERIES_COLORS, TimeChart } from './time-chart.js';

export interface DigestsPageProps {
  publicationName: string;
  report: DigestsReport;
  days: number;
}

/** Each day's digest run, and the topics by followers and stories matched. */
export function DigestsPage({ publicationName, report, days }: DigestsPageProps) {
  const oldestFirst = [...report.runs].reverse();
  const runs = digestRunsTable(report);
  const topics = topicsTable(report);
  const sent = report.runs.reduce((n, r) => n + r.sent, 0);
  const failed = report.runs.reduce((n, r) => n + r.failed + r.unknown, 0);
  return (
    <AdminLayout publicationName={publicationName} title="Digests" section="digests">
      <p>
        Each day’s scheduled digests (daily and weekly, by the UTC day they fell due): how many were
        due, what became of their emails, and how long the run took from its first send to its last.
        An unknown outcome is an email left with the mail server when a sender stopped: settle it
        with <code>bulletin deliveries resolve</code>.
      </p>
      <WindowSwitch path={ADMIN_PATHS.digests} days={days} />
      <TimeChart
        id="digest-runs"
        title={`Digest emails sent and not sent per day, last ${days} days`}
        description={`${formatCount(sent)} digest emails sent and ${formatCount(failed)} failed or of unknown outcome in the last ${days} days; the figures are in the table below.`}
        days={oldestFirst.map((r) => r.day)}
        series={[
          { label: 'Sent', values: oldestFirst.map((r) => r.sent), color: SERIES_COLORS[0] },
          {
            label: 'Failed or unknown',
            values: oldestFirst.map((r) => r.failed + r.unknown),
            color: SERIES_COLORS[1],
            dashed: true,
          },
        ]}
        yLabel="Digest emails"
        formatY={formatCount}
        whole
      />
      <FigureTable table={runs} csvHref={csvPath(ADMIN_PATHS.digests, runs.name, days)} />
      <h2>Topics</h2>
      <FigureTable table={topics} csvHref={csvPath(ADMIN_PATHS.digests, topics.name)} />
    </AdminLayout>
  );
}
