import { countSuppressionsByReason } from '../../../db/repositories/report-suppression.repository.js';
import { SUPPRESSION_REASONS, type SuppressionReason } from '../../domain/suppression.js';
import {
  DELIVERABILITY_LIMITS,
  type DeliverabilityAlert,
  type DeliveryStatsRow,
  reportDeliveryStats,
} from '../bounces/index.js';
import type { ServiceContext } from '../context.js';
import { type ReportWindow, windowEnding } from './report-window.js';

export interface DeliverabilityReport {
  window: ReportWindow;
  /** One row per UTC day of the window: `deliveries stats --by day --since Nd`. */
  days: (DeliveryStatsRow & { group: string })[];
  /** The last 7 days' rates that reached a provider's limit. */
  alerts: DeliverabilityAlert[];
  /** The complaint rates the providers draw their lines at. */
  complaintLines: { warning: number; error: number };
  /** Every suppression reason, with the addresses suppressed for it now. */
  suppressions: { reason: SuppressionReason; count: number }[];
}

/**
 * Sent, bounces, complaints and unsubscribes per day over the last `days` days, through the
 * use case behind `deliveries stats` (so page and CLI agree), and the suppressions now.
 */
export async function reportDeliverability(
  ctx: ServiceContext,
  options: { days: number },
): Promise<DeliverabilityReport> {
  const window = windowEnding(ctx.now(), options.days);
  const stats = await reportDeliveryStats(ctx, { since: window.since, by: 'day' });
  return {
    window: { since: stats.since, until: stats.until },
    days: stats.rows.map((row) => ({ ...row, group: row.group ?? '' })),
    alerts: stats.alerts,
    complaintLines: {
      warning: DELIVERABILITY_LIMITS.complaintWarning,
      error: DELIVERABILITY_LIMITS.complaintError,
    },
    suppressions: await reportSuppressions(ctx),
  };
}

/** Every suppression reason, with the addresses suppressed for it now. */
export async function reportSuppressions(
  ctx: ServiceContext,
): Promise<DeliverabilityReport['suppressions']> {
  const suppressed = await countSuppressionsByReason(ctx.db);
  return SUPPRESSION_REASONS.map((reason) => ({ reason, count: suppressed.get(reason) ?? 0 }));
}
