import {
  findDeliveryByDigest,
  insertOrFindDelivery,
} from '../../../db/repositories/delivery.repository.js';
import { insertOrFindDigest, markDigestBuilt } from '../../../db/repositories/digest.repository.js';
import {
  claimPendingMatches,
  findDigestMatches,
  findPendingMatches,
} from '../../../db/repositories/match.repository.js';
import { findReaderById } from '../../../db/repositories/reader.repository.js';
import { sortNewestFirst } from '../../domain/digest-content.js';
import type { Cadence } from '../../domain/subscription.js';
import type { FlowContext } from '../context.js';
import { scheduleAlert } from '../stories/match-story.service.js';
import type { BuildAlertWork, BuildDigestWork } from '../work-queue.js';
import { rememberBuiltDigest } from './built-digest-memo.js';
import { loadMatchedStories } from './digest-content.service.js';

export type BuildOutcome =
  | { status: 'queued'; deliveryId: number; stories: number }
  | { status: 'empty' | 'reader-gone' };

/** Builds a daily or weekly digest: the reader's pending matches of that cadence, one email. */
export async function buildDigest(ctx: FlowContext, work: BuildDigestWork): Promise<BuildOutcome> {
  return buildPeriod(ctx, {
    readerId: work.readerId,
    cadence: work.cadence,
    periodKey: work.periodKey,
    periodStart: new Date(work.periodStart),
    periodEnd: new Date(work.periodEnd),
  });
}

/** Builds an instant alert: the reader's waiting instant matches, gathered since the last one. */
export async function buildAlert(ctx: FlowContext, work: BuildAlertWork): Promise<BuildOutcome> {
  const dueAt = new Date(work.dueAt);
  return buildPeriod(ctx, {
    readerId: work.readerId,
    cadence: 'instant',
    periodKey: dueAt.toISOString(),
    periodStart: new Date(dueAt.getTime() - ctx.settings.alertWindowMs),
    periodEnd: dueAt,
  });
}

/**
 * The digest row is unique per reader, cadence and period, the matches are claimed only while
 * unclaimed, and the delivery is unique per digest: a build that runs twice, or is killed
 * half-way and retried, queues exactly one email with every story once.
 */
async function buildPeriod(
  ctx: FlowContext,
  period: {
    readerId: number;
    cadence: Cadence;
    periodKey: string;
    periodStart: Date;
    periodEnd: Date;
  },
): Promise<BuildOutcome> {
  const reader = await findReaderById(ctx.db, period.readerId);
  if (reader?.status !== 'active') return { status: 'reader-gone' };
  const now = ctx.now();
  // Scheduled digests were recorded as owed when they fell due; alerts are recorded here.
  const { digest, created } = await insertOrFindDigest(ctx.db, period, now);
  // Looked for even when the digest is not marked built: a build stopped between recording
  // its delivery and marking the digest built must not claim later matches into it.
  const delivered = created ? undefined : await findDeliveryByDigest(ctx.db, digest.id);
  if (delivered) {
    if (!digest.builtAt) await markDigestBuilt(ctx.db, digest.id, delivered.storyIds.length, now);
    // The build that recorded it may have stopped before handing it on; the job id keeps a
    // second hand-on harmless.
    if (delivered.status === 'queued') await ctx.queue.sendDelivery({ deliveryId: delivered.id });
    // This period's email exists already: a match that arrived since must not be claimed
    // into it (it would never be sent). An instant one gets the next alert.
    const waiting =
      period.cadence === 'instant' &&
      (await findPendingMatches(ctx.db, reader.id, 'instant')).length > 0;
    if (waiting) await scheduleAlert(ctx, reader.id, now);
    return { status: 'queued', deliveryId: delivered.id, stories: delivered.storyIds.length };
  }
  // One transaction from the claim to the digest marked built: one commit instead of three,
  // and a build stopped half-way leaves nothing claimed, so the digest is simply still owed.
  const built = await ctx.db.transaction().execute(async (trx) => {
    // Claim up to the build time, not the period end: a match that arrived while this job
    // waited goes out now rather than a period later.
    await claimPendingMatches(trx, {
      readerId: reader.id,
      cadence: period.cadence,
      digestId: digest.id,
      until: now,
    });
    const matches = await findDigestMatches(trx, digest.id);
    if (matches.length === 0) {
      await markDigestBuilt(trx, digest.id, 0, now);
      return null;
    }
    const matched = await loadMatchedStories(trx, matches);
    const stories = sortNewestFirst(matched.stories);
    const delivery = await insertOrFindDelivery(
      trx,
      {
        kind: period.cadence === 'instant' ? 'alert' : 'digest',
        digestId: digest.id,
        readerId: reader.id,
        recipient: reader.email,
        cadence: period.cadence,
        storyIds: stories.map((s) => s.externalId),
      },
      now,
    );
    // Built only once its delivery is recorded: a build stopped before is owed, and redone.
    await markDigestBuilt(trx, digest.id, stories.length, now);
    return { delivery, stories, groups: matched.groups };
  });
  if (!built) {
    ctx.log.debug({
      event: 'digest.empty',
      reader: reader.id,
      cadence: period.cadence,
      period: period.periodKey,
    });
    return { status: 'empty' };
  }
  const { delivery, stories } = built;
  rememberBuiltDigest(ctx.db, digest.id, {
    cadence: period.cadence,
    periodStart: digest.periodStart.toISOString(),
    periodEnd: digest.periodEnd.toISOString(),
    groups: built.groups,
  });
  if (delivery.status === 'queued') await ctx.queue.sendDelivery({ deliveryId: delivery.id });
  ctx.log.info({
    event: 'digest.built',
    digest: digest.id,
    delivery: delivery.id,
    cadence: period.cadence,
    period: period.periodKey,
    stories: stories.length,
  });
  return { status: 'queued', deliveryId: delivery.id, stories: stories.length };
}
