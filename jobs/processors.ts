import { type Job, UnrecoverableError } from 'bullmq';
import { metrics, timed } from '../src/adapters/metrics.js';
import type { FlowContext, SendContext } from '../src/services/context.js';
import {
  buildAlert,
  buildDigest,
  buildDigests,
  runScheduleTick,
} from '../src/services/digests/index.js';
import { sendDelivery } from '../src/services/sending/index.js';
import { matchStories } from '../src/services/stories/index.js';
import type { RuleCatalog } from '../src/services/topics/index.js';
import type {
  BuildAlertWork,
  BuildDigestWork,
  MatchStoriesWork,
  MatchStoryWork,
  SendDeliveryWork,
} from '../src/services/work-queue.js';
import { JOB } from './queue-names.js';

/*
 * One processor per queue. Each reads ids from the payload and calls the service, which
 * re-reads the rows and moves them with a status check: a job that runs twice, or is retried
 * after being killed half-way, does no harm.
 */

export function createIngestProcessor(ctx: FlowContext, catalog: RuleCatalog) {
  return async (job: Job<MatchStoryWork | MatchStoriesWork>) => {
    const works =
      job.name === JOB.matchStories
        ? (job.data as MatchStoriesWork).stories
        : [job.data as MatchStoryWork];
    const report = await timed(metrics.matchSeconds, {}, () => matchStories(ctx, catalog, works));
    metrics.matches.inc(report.created);
    return report;
  };
}

export function createDigestProcessor(ctx: FlowContext) {
  return async (job: Job<BuildDigestWork | BuildAlertWork | { digests: BuildDigestWork[] }>) => {
    if (job.name === JOB.buildDigests) {
      const works = (job.data as { digests: BuildDigestWork[] }).digests;
      const outcomes = await timed(metrics.buildSeconds, { kind: 'digests' }, () =>
        buildDigests(ctx, works),
      );
      for (const outcome of outcomes)
        metrics.digestsBuilt.inc({ kind: 'digest', outcome: outcome.status });
      return { built: outcomes.filter((o) => o.status === 'queued').length };
    }
    const kind = job.name === JOB.buildAlert ? 'alert' : 'digest';
    const outcome = await timed(metrics.buildSeconds, { kind }, () => {
      if (job.name === JOB.buildAlert) return buildAlert(ctx, job.data as BuildAlertWork);
      if (job.name === JOB.buildDigest) return buildDigest(ctx, job.data as BuildDigestWork);
      throw new UnrecoverableError(`unknown job ${job.name}`);
    });
    metrics.digestsBuilt.inc({ kind, outcome: outcome.status });
    return outcome;
  };
}

/** A temporary failure throws so BullMQ retries with backoff; the row already says `queued`. */
export function createSendProcessor(ctx: SendContext) {
  return async (job: Job<SendDeliveryWork>) => {
    const outcome = await sendDelivery(ctx, job.data.deliveryId).catch((error: unknown) => {
      metrics.sends.inc({ outcome: 'unknown' });
      throw error;
    });
    metrics.sends.inc({ outcome: outcome.status });
    if (outcome.status === 'retry') throw new Error(`temporary send failure: ${outcome.error}`);
    return outcome;
  };
}

export function createScheduleProcessor(ctx: FlowContext) {
  // Every page: the builds it hands on run on the digest queue meanwhile.
  return async () => runScheduleTick(ctx, { everyPage: true });
}
