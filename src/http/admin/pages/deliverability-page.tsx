import type { DeliverabilityReport } from '../../../services/reports/index.js';
import { ADMIN_PATHS, csvPath } from '../admin-paths.js';
import { deliverabilityTable, suppressionsTable } from '../report-tables.js';
import { AdminLayout, WindowSwitch } from './admin-layout.js';
import { FigureTable } from './figure-table.js';
import { formatCount, formatRate } from './figures.js';
import { SERIES_COLORS, TimeChart } from './time-chart.js';

export interface DeliverabilityPageProps {
  publicationName: string;
  report: DeliverabilityReport;
  days: number;
}

/** Sent, bounces, complaints and unsubscribes per day, the complaint lines, suppressions. */
export function DeliverabilityPage({ publicationName, report, days }: DeliverabilityPageProps) {
  const dayList = report.days.map((d) => d.group);
  const table = deliverabilityTable(report);
  const suppressions = suppressionsTable(report);
  const { warning, error } = report.complaintLines;
  const complaints = report.days.reduce((n, d) => n + d.complaints, 0);
  const sent = report.days.reduce((n, d) => n + d.sent, 0);
  return (
    <AdminLayout publicationName={publicationName} title="Deliverability" section="deliverability">
      <p>
        What the mailbox providers watch. “Sent” means the mail server took the message; bounces and
        complaints count on the day they came back, each delivery once. Rates are per message sent
        that day. Gmail and Yahoo ask senders to keep complaints under {formatRate(warning)} and
        block from {formatRate(error)}.
      </p>
      {report.alerts.map((alert) => (
        <p key={alert.measure} className="alert" role="status">
          {alert.level === 'error' ? 'Error' : 'Warning'}: the{' '}
          {alert.measure === 'complaints' ? 'complaint' : 'hard-bounce'} rate over the last 7 days
          is {formatRate(alert.rate)} ({formatCount(alert.count)} of {formatCount(alert.sent)}{' '}
          sent), at or over {formatRate(alert.limit)}.
        </p>
      ))}
      <WindowSwitch path={ADMIN_PATHS.deliverability} days={days} />
      <h2>Complaint rate</h2>
      <TimeChart
        id="complaint-rate"
        title={`Complaint rate per day, last ${days} days, with the 0.1% and 0.3% lines`}
        description={`${formatCount(complaints)} complaints on ${formatCount(sent)} messages sent in the last ${days} days; the dotted lines mark 0.1% and 0.3%.`}
        days={dayList}
        series={[
          {
            label: 'Complaint rate',
            values: report.days.map((d) => d.complaintRate),
            color: SERIES_COLORS[0],
          },
          {
            label: 'Hard-bounce rate',
            values: report.days.map((d) => d.hardBounceRate),
            color: SERIES_COLORS[1],
            dashed: true,
          },
        ]}
        lines={[
          { value: warning, label: formatRate(warning) },
          { value: error, label: formatRate(error) },
        ]}
        yLabel="Per message sent"
        formatY={(v) => `${(v * 100).toFixed(2)}%`}
      />
      <h2>Sent and what came back</h2>
      <TimeChart
        id="sent-per-day"
        title={`Messages sent, bounces and complaints per day, last ${days} days`}
        description={`${formatCount(sent)} messages sent in the last ${days} days; the figures are in the table below.`}
        days={dayList}
        series={[
          { label: 'Sent', values: report.days.map((d) => d.sent), color: SERIES_COLORS[0] },
          {
            label: 'Bounces and complaints',
            values: report.days.map((d) => d.hardBounces + d.softBounces + d.complaints),
            color: SERIES_COLORS[1],
            dashed: true,
          },
        ]}
        yLabel="Per day"
        formatY={formatCount}
        whole
      />
      <FigureTable table={table} csvHref={csvPath(ADMIN_PATHS.deliverability, table.name, days)} />
      <h2>Suppressed addresses</h2>
      <FigureTable
        table={suppressions}
        csvHref={csvPath(ADMIN_PATHS.deliverability, suppressions.name)}
      />
    </AdminLayout>
  );
}
