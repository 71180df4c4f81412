import {
  findStaleQueuedDeliveries,
  noteUnknownOutcomes,
} from '../../../db/repositories/delivery.repository.js';
import {
  type DigestPeriodRow,
  findOwedDigests,
  insertOwedDigests,
} from '../../../db/repositories/digest.repository.js';
import { findReadersWithPendingAlerts } from '../../../db/repositories/match.repository.js';
import { findStoriesOwingMatch } from '../../../db/repositories/story.repository.js';
import {
  findDueSubscriptions,
  setNextDueAt,
} from '../../../db/repositories/subscription.repository.js';
import type { Reader } from '../../domain/reader.js';
import {
  type DigestPeriod,
  digestPeriod,
  nextSendTime,
  type SendSchedule,
} from '../../domain/schedule.js';
import type { Cadence, Subscription } from '../../domain/subscription.js';
import type { FlowContext } from '../context.js';
import { scheduleAlert } from '../stories/match-story.service.js';
import type { BuildDigestWork } from '../work-queue.js';

/** A `sending` row older than this belongs to a process that died mid-send. */
const UNKNOWN_OUTCOME_MS = 10 * 60_000;
/** A `queued` delivery older than this has probably lost its send job. */
const STALE_QUEUED_MS = 2 * 60_000;
/**
 * A digest owed for longer than this has probably lost its build job. A job still waiting
 * behind a long queue is handed on again harmlessly: its id keeps the second one out.
 */
const OWED_DIGEST_MS = 10 * 60_000;
/** Owed digests handed on again per tick, oldest first: a bounded sweep. */
const OWED_DIGESTS_PER_TICK = 2000;

export interface TickReport {
  /** Digests handed on to be built (one per reader, cadence and period). */
  digestsQueued: number;
  /** Digests owed since an earlier tick whose build was lost, handed on again. */
  digestsRequeued: number;
  storiesRequeued: number;
  alertsRequeued: number;
  deliveriesRequeued: number;
  /** Deliveries newly found `sending` with no sender left: outcome unknown, for a person. */
  unknownOutcomes: number;
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
     * Re-hand-on alerts for matches waiting, and digests owed, since before this instant.
     * Workers leave a margin (the job may just be waiting); `digests run` passes now.
     */
    pendingAlertsBefore?: Date;
    /**
     * Hand on every digest due, a page of subscriptions after another (a worker's tick: the
     * builds run elsewhere meanwhile). Without it one page is handed on (`digests run`, which
     * drains it before the next tick).
     */
    everyPage?: boolean;
  } = {},
): Promise<TickReport> {
  const now = ctx.now();
  // Owed digests first: in `digests run` the digests this tick records are not yet owed.
  const digestsRequeued = await requeueOwedDigests(
    ctx,
    options.pendingAlertsBefore ?? new Date(now.getTime() - OWED_DIGEST_MS),
  );
  const report: TickReport = {
    digestsQueued: await queueDueDigests(ctx, now, options.cadence, options.everyPage ?? false),
    digestsRequeued,
    storiesRequeued: 0,
    alertsRequeued: 0,
    deliveriesRequeued: 0,
    unknownOutcomes: await noteUnknownOutcomes(
      ctx.db,
      new Date(now.getTime() - UNKNOWN_OUTCOME_MS),
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
  if (report.unknownOutcomes > 0)
    ctx.log.warn({ event: 'send.outcome_unknown', count: report.unknownOutcomes });
  return report;
}

/** Due subscriptions read at a time: what one page of a tick holds in memory. */
const DUE_PAGE = 5000;

async function queueDueDigests(
  ctx: FlowContext,
  now: Date,
  cadence: Cadence | undefined,
  everyPage: boolean,
): Promise<number> {
  let queued = 0;
  for (;;) {
    const page = await queueDuePage(ctx, now, cadence);
    queued += page.digests;
    // A full page that moved nothing on would come back the same: stop there too.
    if (!everyPage || page.subscriptions < DUE_PAGE || page.digests === 0) return queued;
  }
}

/** One page of due subscriptions: their digests recorded owed and handed on, their times moved. */
async function queueDuePage(
  ctx: FlowContext,
  now: Date,
  cadence: Cadence | undefined,
): Promise<{ subscriptions: number; digests: number }> {
  // Readers share a handful of schedules (a zone, a send time, a weekday): each one's times
  // are worked out once a tick, not once per subscription (time zone arithmetic is slow).
  const times = new Map<string, { period: DigestPeriod; next: number }>();
  const timesOf = (schedule: SendSchedule, dueAt: Date) => {
    const key = `${schedule.cadence}|${schedule.sendAt}|${schedule.weekday}|${schedule.tz}|${dueAt.getTime()}`;
    let known = times.get(key);
    if (!known) {
      known = {
        period: digestPeriod(schedule, dueAt),
        next: nextSendTime(schedule, now).getTime(),
      };
      times.set(key, known);
    }
    return known;
  };
  const digests = new Map<string, DigestPeriodRow>();
  // Subscriptions moving to the same next send time are moved together: a few statements a
  // tick (one per zone and send time) instead of one per subscription.
  const moves = new Map<number, number[]>();
  const due = await findDueSubscriptions(ctx.db, now, {
    limit: DUE_PAGE,
    ...(cadence ? { cadence } : {}),
  });
  for (const sub of due) {
    if (sub.cadence === 'instant' || !sub.nextDueAt) continue;
    const schedule = scheduleOf(sub, { tz: sub.readerTz });
    // Named by the send time that fell due; several subscriptions of one reader and cadence
    // due in the same period name the same digest, which is built once.
    const { period, next } = timesOf(schedule, sub.nextDueAt);
    digests.set(`${sub.readerId}|${schedule.cadence}|${period.key}`, {
      readerId: sub.readerId,
      cadence: schedule.cadence,
      periodKey: period.key,
      periodStart: period.start,
      periodEnd: period.end,
    });
    const ids = moves.get(next);
    if (ids) ids.push(sub.id);
    else moves.set(next, [sub.id]);
  }
  // Recorded as owed before the send times move on, and handed on before too: a tick
  // stopped anywhere here leaves each digest either still due or owed, never forgotten.
  await insertOwedDigests(ctx.db, [...digests.values()], now);
  await handOnBuilds(ctx, [...digests.values()]);
  for (const [next, ids] of moves) await setNextDueAt(ctx.db, ids, new Date(next));
  return { subscriptions: due.length, digests: digests.size };
}

/** Hands on again the builds of digests owed since before `before` (their job was lost). */
async function requeueOwedDigests(ctx: FlowContext, before: Date): Promise<number> {
  const owed = await findOwedDigests(ctx.db, before, OWED_DIGESTS_PER_TICK);
  await handOnBuilds(ctx, owed);
  if (owed.length > 0) ctx.log.warn({ event: 'digest.requeued', count: owed.length });
  return owed.length;
}

/**
 * Readers whose digests are built together: each step of the build is a few statements for
 * the whole group, and a crash loses at most the group's handful of sends in flight.
 */
export const DIGEST_GROUP_SIZE = 200;

/** Hands on builds, in groups where the queue takes them so (readers in id order). */
async function handOnBuilds(ctx: FlowContext, digests: readonly DigestPeriodRow[]): Promise<void> {
  const scheduled: BuildDigestWork[] = [];
  for (const digest of digests) {
    if (digest.cadence === 'instant') {
      // An alert is named by its due instant; it is built at once.
      await ctx.queue.buildAlert({ readerId: digest.readerId, dueAt: digest.periodKey }, 0);
      continue;
    }
    scheduled.push({
      readerId: digest.readerId,
      cadence: digest.cadence,
      periodKey: digest.periodKey,
      periodStart: digest.periodStart.toISOString(),
      periodEnd: digest.periodEnd.toISOString(),
    });
  }
  scheduled.sort((a, b) => a.readerId - b.readerId);
  if (!ctx.queue.buildDigests) {
    for (const work of scheduled) await ctx.queue.buildDigest(work);
    return;
  }
  for (let i = 0; i < scheduled.length; i += DIGEST_GROUP_SIZE)
    await ctx.queue.buildDigests(scheduled.slice(i, i + DIGEST_GROUP_SIZE));
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
