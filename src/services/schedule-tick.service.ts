import {
  failAbandonedSends,
  findStaleQueuedDeliveries,
} from '../../db/repositories/delivery.repository.js';
import { findReadersWithPendingAlerts } from '../../db/repositories/match.repository.js';
import { findReaderById } from '../../db/repositories/reader.repository.js';
import { findStoriesOwingMatch } from '../../db/repositories/story.repository.js';
import {
  findDueSubscriptions,
  setNextDueAt,
} from '../../db/repositories/subscription.repository.js';
import type { Reader } from '../domain/reader.js';
import { digestPeriod, nextSendTime, type SendSchedule } from '../domain/schedule.js';
import type { Cadence, Subscription } from '../domain/subscription.js';
import type { FlowContext } from './context.js';
import { scheduleAlert } from './match-story.service.js';

/** A `sending` row older than this belongs to a process that died mid-send. */
const ABANDONED_SEND_MS = 10 * 60_000;
/** A `queued` delivery older than this has probably lost its send job. */
const STALE_QUEUED_MS = 2 * 60_000;

export interface TickReport {
  digestsQueued: number;
  storiesRequeued: number;
  alertsRequeued: number;
  deliveriesRequeued: number;
  abandonedSends: number;
}

/**
 * One scheduler tick: hands on the digests now due in each reader's time zone, then sweeps for
 * work whose hand-on was lost (a story never matched, an alert never built, a delivery never
 * sent). Everything it hands on is idempotent, so ticks may overlap or repeat.
 */
export async function runScheduleTick(
  ctx: FlowContext,
  options: {
    cadence?: Cadence;
    /**
     * Re-hand-on alerts for matches waiting since before this instant. Workers leave a margin
     * (the alert job may just be waiting); `digests run` passes now.
     */
    pendingAlertsBefore?: Date;
  } = {},
): Promise<TickReport> {
  const now = ctx.now();
  const report: TickReport = {
    digestsQueued: await queueDueDigests(ctx, now, options.cadence),
    storiesRequeued: 0,
    alertsRequeued: 0,
    deliveriesRequeued: 0,
    abandonedSends: await failAbandonedSends(
      ctx.db,
      new Date(now.getTime() - ABANDONED_SEND_MS),
      now,
    ),
  };
  for (const story of await findStoriesOwingMatch(ctx.db)) {
    await ctx.queue.matchStory({ storyId: story.id, revision: story.revision });
    report.storiesRequeued++;
  }
  if (!options.cadence || options.cadence === 'instant') {
    const alertCutoff =
      options.pendingAlertsBefore ?? new Date(now.getTime() - ctx.settings.alertWindowMs - 60_000);
    for (const readerId of await findReadersWithPendingAlerts(ctx.db, alertCutoff)) {
      await scheduleAlert(ctx, readerId, now);
      report.alertsRequeued++;
    }
  }
  for (const deliveryId of await findStaleQueuedDeliveries(
    ctx.db,
    new Date(now.getTime() - STALE_QUEUED_MS),
  )) {
    await ctx.queue.sendDelivery({ deliveryId });
    report.deliveriesRequeued++;
  }
  if (report.abandonedSends > 0)
    ctx.log.warn({ event: 'send.abandoned', count: report.abandonedSends });
  return report;
}

async function queueDueDigests(ctx: FlowContext, now: Date, cadence?: Cadence): Promise<number> {
  let queued = 0;
  const readers = new Map<number, Reader | undefined>();
  for (const sub of await findDueSubscriptions(ctx.db, now, cadence ? { cadence } : {})) {
    if (sub.cadence === 'instant' || !sub.nextDueAt) continue;
    if (!readers.has(sub.readerId))
      readers.set(sub.readerId, await findReaderById(ctx.db, sub.readerId));
    const reader = readers.get(sub.readerId);
    if (!reader) continue;
    const schedule = scheduleOf(sub, reader);
    // Named by the send time that fell due; several subscriptions of one reader and cadence
    // due in the same period name the same digest, which is built once.
    const period = digestPeriod(schedule, sub.nextDueAt);
    await ctx.queue.buildDigest({
      readerId: reader.id,
      cadence: schedule.cadence,
      periodKey: period.key,
      periodStart: period.start.toISOString(),
      periodEnd: period.end.toISOString(),
    });
    await setNextDueAt(ctx.db, sub.id, nextSendTime(schedule, now));
    queued++;
  }
  return queued;
}

/** The send schedule of a daily or weekly subscription, in its reader's zone. */
export function scheduleOf(sub: Subscription, reader: Pick<Reader, 'tz'>): SendSchedule {
  return {
    cadence: sub.cadence === 'weekly' ? 'weekly' : 'daily',
    sendAt: sub.sendAt,
    weekday: sub.weekday,
    weekdays: sub.weekdays,
    tz: reader.tz,
  };
}
