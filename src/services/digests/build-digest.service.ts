import {
  type DigestPeriodRow,
  insertOwedDigests,
} from '../../../db/repositories/digest.repository.js';
import {
  claimMatchesForDigests,
  type DigestToBuild,
  findDigestsToBuild,
  insertDigestDeliveries,
  markDigestsBuilt,
} from '../../../db/repositories/digest-batch.repository.js';
import { findPendingMatches } from '../../../db/repositories/match.repository.js';
import type { FlowContext } from '../context.js';
import { scheduleAlert } from '../stories/match-story.service.js';
import type { BuildAlertWork, BuildDigestWork } from '../work-queue.js';
import { rememberBuiltDigest } from './built-digest-memo.js';
import { assembleDigests } from './digest-content.service.js';

export type BuildOutcome =
  | { status: 'queued'; deliveryId: number; stories: number }
  | { status: 'empty' | 'reader-gone' };

/** Builds a daily or weekly digest: the reader's pending matches of that cadence, one email. */
export async function buildDigest(ctx: FlowContext, work: BuildDigestWork): Promise<BuildOutcome> {
  return (await buildDigests(ctx, [work]))[0] as BuildOutcome;
}

/**
 * Builds a group of daily or weekly digests (a few hundred readers) with a handful of
 * statements for the whole group; one outcome per work, in order.
 */
export async function buildDigests(
  ctx: FlowContext,
  works: readonly BuildDigestWork[],
): Promise<BuildOutcome[]> {
  return buildPeriods(
    ctx,
    works.map((work) => ({
      readerId: work.readerId,
      cadence: work.cadence,
      periodKey: work.periodKey,
      periodStart: new Date(work.periodStart),
      periodEnd: new Date(work.periodEnd),
    })),
  );
}

/** Builds an instant alert: the reader's waiting instant matches, gathered since the last one. */
export async function buildAlert(ctx: FlowContext, work: BuildAlertWork): Promise<BuildOutcome> {
  const dueAt = new Date(work.dueAt);
  const [outcome] = await buildPeriods(ctx, [
    {
      readerId: work.readerId,
      cadence: 'instant',
      periodKey: dueAt.toISOString(),
      periodStart: new Date(dueAt.getTime() - ctx.settings.alertWindowMs),
      periodEnd: dueAt,
    },
  ]);
  return outcome as BuildOutcome;
}

/** Another build recorded a delivery for one of the group's digests while this one claimed. */
class BuiltElsewhere extends Error {}

/**
 * A digest row is unique per reader, cadence and period, the matches are claimed only while
 * unclaimed, and the delivery is unique per digest: a build that runs twice, or is killed
 * half-way and retried, queues exactly one email per digest with every story once.
 */
async function buildPeriods(
  ctx: FlowContext,
  periods: readonly DigestPeriodRow[],
): Promise<BuildOutcome[]> {
  const now = ctx.now();
  const keyOf = (p: { readerId: number; cadence: string; periodKey: string }) =>
    `${p.readerId}|${p.cadence}|${p.periodKey}`;
  let found = await findDigestsToBuild(ctx.db, periods);
  if (found.length < new Set(periods.map(keyOf)).size) {
    // Scheduled digests were recorded as owed when they fell due; alerts are recorded here
    // (and a scheduled one named by a caller that skipped the tick).
    const known = new Set(found.map(keyOf));
    await insertOwedDigests(
      ctx.db,
      periods.filter((p) => !known.has(keyOf(p))),
      now,
    );
    found = await findDigestsToBuild(ctx.db, periods);
  }
  const digests = new Map(found.map((d) => [keyOf(d), d]));
  const outcomes = new Map<number, BuildOutcome>();
  const toBuild: DigestToBuild[] = [];
  const handOn: number[] = [];
  const builtAlready: { id: number; storyCount: number }[] = [];
  for (const digest of digests.values()) {
    if (!digest.reader.active) outcomes.set(digest.id, { status: 'reader-gone' });
    else if (digest.delivery) {
      // Built before (a retried or doubled job): its email exists, and a match that arrived
      // since waits for the next one. The build that recorded it may have stopped before
      // handing it on, or before marking the digest built.
      const { id, status, stories } = digest.delivery;
      if (!digest.builtAt) builtAlready.push({ id: digest.id, storyCount: stories });
      if (status === 'queued') handOn.push(id);
      outcomes.set(digest.id, { status: 'queued', deliveryId: id, stories });
    } else toBuild.push(digest);
  }
  if (builtAlready.length > 0) await markDigestsBuilt(ctx.db, builtAlready, now);
  // A reader's digests of one cadence in one claim would fight over the same matches: a
  // second one (an owed period beside today's) is built in a round after the first.
  for (const round of roundsByReader(toBuild)) {
    let again = false;
    const built = await buildRound(ctx, round, now).catch(async (error: unknown) => {
      if (!(error instanceof BuiltElsewhere)) throw error;
      // Rolled back; the digests another build took are found built this time, and this
      // second build hands on its own sends.
      again = true;
      return buildPeriods(ctx, round);
    });
    round.forEach((digest, i) => {
      const outcome = built[i] as BuildOutcome;
      outcomes.set(digest.id, outcome);
      if (!again && outcome.status === 'queued') handOn.push(outcome.deliveryId);
    });
  }
  await handOnSends(ctx, handOn);
  for (const digest of digests.values()) await scheduleWaitingAlert(ctx, digest, now);
  return periods.map((p) => {
    const digest = digests.get(keyOf(p));
    return (digest && outcomes.get(digest.id)) ?? { status: 'reader-gone' };
  });
}

/**
 * One transaction from the claim to the digests marked built: a build stopped half-way leaves
 * nothing claimed, so the digests are simply still owed.
 */
async function buildRound(
  ctx: FlowContext,
  round: readonly DigestToBuild[],
  now: Date,
): Promise<BuildOutcome[]> {
  const result = await ctx.db.transaction().execute(async (trx) => {
    // Claimed up to the build time, not the period end: a match that arrived while this job
    // waited goes out now rather than a period later.
    const claimed = await claimMatchesForDigests(trx, round, now);
    const assembled = await assembleDigests(trx, claimed, ctx.settings.digestMaxStories, true);
    const deliveries = await insertDigestDeliveries(
      trx,
      round.flatMap((digest) => {
        const content = assembled.get(digest.id);
        if (!content) return [];
        return [
          {
            digestId: digest.id,
            readerId: digest.readerId,
            recipient: digest.reader.email,
            cadence: digest.cadence,
            storyIds: content.storyIds,
          },
        ];
      }),
      now,
    );
    if (deliveries.length < assembled.size) throw new BuiltElsewhere();
    // Built only once its delivery is recorded: a build stopped before is owed, and redone.
    await markDigestsBuilt(
      trx,
      round.map((d) => ({ id: d.id, storyCount: assembled.get(d.id)?.storyIds.length ?? 0 })),
      now,
    );
    return { assembled, deliveries: new Map(deliveries.map((d) => [d.digestId, d.id])) };
  });
  return round.map((digest): BuildOutcome => {
    const content = result.assembled.get(digest.id);
    const deliveryId = result.deliveries.get(digest.id);
    if (!content || deliveryId === undefined) {
      ctx.log.debug({ event: 'digest.empty', reader: digest.readerId, cadence: digest.cadence });
      return { status: 'empty' };
    }
    rememberBuiltDigest(ctx.db, digest.id, {
      cadence: digest.cadence,
      periodStart: digest.periodStart.toISOString(),
      periodEnd: digest.periodEnd.toISOString(),
      groups: content.groups,
      omitted: content.omitted,
    });
    ctx.log.info({
      event: 'digest.built',
      digest: digest.id,
      delivery: deliveryId,
      cadence: digest.cadence,
      period: digest.periodKey,
      stories: content.storyIds.length,
    });
    return { status: 'queued', deliveryId, stories: content.storyIds.length };
  });
}

/** Rounds in which no reader has two digests of one cadence. */
function roundsByReader(digests: readonly DigestToBuild[]): DigestToBuild[][] {
  const rounds: DigestToBuild[][] = [];
  const taken: Set<string>[] = [];
  for (const digest of digests) {
    const key = `${digest.readerId}|${digest.cadence}`;
    let i = taken.findIndex((keys) => !keys.has(key));
    if (i < 0) {
      i = rounds.length;
      rounds.push([]);
      taken.push(new Set());
    }
    rounds[i]?.push(digest);
    taken[i]?.add(key);
  }
  return rounds;
}

/** The group's new sends in one hand-on where the queue takes many at once. */
async function handOnSends(ctx: FlowContext, deliveryIds: readonly number[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  if (ctx.queue.sendDeliveries) await ctx.queue.sendDeliveries({ deliveryIds: [...deliveryIds] });
  else for (const deliveryId of deliveryIds) await ctx.queue.sendDelivery({ deliveryId });
}

/**
 * An alert whose email existed already leaves the instant matches that arrived since waiting:
 * they get the next alert.
 */
async function scheduleWaitingAlert(
  ctx: FlowContext,
  digest: DigestToBuild,
  now: Date,
): Promise<void> {
  if (digest.cadence !== 'instant' || !digest.delivery || !digest.reader.active) return;
  if ((await findPendingMatches(ctx.db, digest.readerId, 'instant')).length > 0)
    await scheduleAlert(ctx, digest.readerId, now);
}
