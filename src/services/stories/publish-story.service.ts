import {
  type BatchResult,
  upsertStoryBatch,
} from '../../../db/repositories/story-batch.repository.js';
import { metrics } from '../../adapters/metrics.js';
import type { FieldError, StoryInput, StoryRecord } from '../../domain/story.js';
import type { FlowContext } from '../context.js';
import type { MatchStoryWork } from '../work-queue.js';

/** A record that was not a story: where it was and everything wrong with it. */
export interface Rejection {
  position: string;
  error: string;
  errors: FieldError[];
}

/** A story id given twice in one batch: the later record (`replacedBy`) is the one kept. */
export interface Duplicate {
  id: string;
  position: string;
  replacedBy: string;
}

/** How many records went which way. Each story counts once, however often it was given. */
export interface PublishCounts {
  created: number;
  updated: number;
  realerted: number;
  /** Given again with the text already stored: nothing written, nothing sent. */
  unchanged: number;
  rejected: number;
  duplicates: number;
}

export interface PublishReport extends Omit<PublishCounts, 'rejected' | 'duplicates'> {
  /** The records that were not stories, with where they were and why. */
  rejected: Rejection[];
  duplicates: Duplicate[];
}

export interface PublishListener {
  onRejected?(rejection: Rejection): void;
  onDuplicate?(duplicate: Duplicate): void;
  /** After each batch is stored: the counts so far. */
  onBatchStored?(counts: PublishCounts): void;
}

/** Stories per transaction: large enough that a commit is rare, small enough to hold. */
const BATCH_SIZE = 1000;

/**
 * Stores each good story (upsert by the publisher's id) and hands new stories, and updates
 * that ask for it, to matching. Bad records are reported and skipped; the good ones are kept.
 * Of an id given twice, the last record wins.
 */
export async function publishStories(
  ctx: FlowContext,
  records: readonly StoryRecord[],
): Promise<PublishReport> {
  const rejected: Rejection[] = [];
  const duplicates: Duplicate[] = [];
  const counts = await publishStoryStream(ctx, records, {
    onRejected: (rejection) => rejected.push(rejection),
    onDuplicate: (duplicate) => duplicates.push(duplicate),
  });
  return { ...counts, rejected, duplicates };
}

/**
 * {@link publishStories} for input of any length: records are read as they come, stored a
 * batch at a time (one transaction each, their matching handed on in one go), and rejections
 * and duplicates told to the listener instead of kept. What it holds grows with the number
 * of distinct ids (to find duplicates), not with the size of the stories.
 */
export async function publishStoryStream(
  ctx: FlowContext,
  records: Iterable<StoryRecord> | AsyncIterable<StoryRecord>,
  listener: PublishListener = {},
): Promise<PublishCounts> {
  const counts: PublishCounts = {
    created: 0,
    updated: 0,
    realerted: 0,
    unchanged: 0,
    rejected: 0,
    duplicates: 0,
  };
  /** Where each id was last seen. */
  const seen = new Map<string, string>();
  /** Ids stored by an earlier batch and given again: counted already, as duplicates now. */
  const givenAgain = new Set<string>();
  let batch = new Map<string, StoryInput>();
  /** The last batch's hand-on to matching, left to finish while the next batch is read. */
  let handingOn: Promise<void> = Promise.resolve();

  const storeBatch = async () => {
    if (batch.size === 0) return;
    const inputs = [...batch.values()];
    batch = new Map();
    const results = await upsertStoryBatch(ctx.db, inputs, ctx.now());
    for (const result of results) {
      if (!givenAgain.delete(result.externalId)) countOutcome(counts, result);
    }
    // One hand-on at a time; the next batch is read and stored while this one is on its way.
    await handingOn;
    handingOn = handOnMatching(ctx, results);
    // Its failure is thrown where it is awaited, not as an unhandled rejection before that.
    handingOn.catch(() => {});
    ctx.log.info({
      event: 'stories.published',
      stories: results.length,
      created: results.filter((r) => r.outcome === 'created').length,
    });
    listener.onBatchStored?.({ ...counts });
  };

  for await (const record of records) {
    if (!record.ok) {
      counts.rejected++;
      listener.onRejected?.({
        position: record.position,
        error: record.error,
        errors: record.errors,
      });
      continue;
    }
    const { story, position } = record;
    const earlier = seen.get(story.id);
    if (earlier !== undefined) {
      counts.duplicates++;
      listener.onDuplicate?.({ id: story.id, position: earlier, replacedBy: position });
      // Deleted first so the kept record takes its place at the end of the batch.
      if (!batch.delete(story.id)) givenAgain.add(story.id);
    }
    seen.set(story.id, position);
    batch.set(story.id, story);
    if (batch.size >= BATCH_SIZE) await storeBatch();
  }
  await storeBatch();
  await handingOn;
  return counts;
}

function countOutcome(counts: PublishCounts, result: BatchResult): void {
  metrics.storiesIngested.inc({ outcome: result.outcome });
  if (result.outcome === 'created') counts.created++;
  else if (result.outcome === 'realert') counts.realerted++;
  else if (result.outcome === 'unchanged') counts.unchanged++;
  else counts.updated++;
}

/** A failed hand-on is not lost: the scheduler's sweep finds stories owing a match. */
async function handOnMatching(ctx: FlowContext, results: readonly BatchResult[]): Promise<void> {
  const works: MatchStoryWork[] = results
    .filter((result) => result.matchedRevision < result.revision)
    .map((result) => ({ storyId: result.storyId, revision: result.revision }));
  if (works.length === 0) return;
  if (ctx.queue.matchStories) await ctx.queue.matchStories(works);
  else for (const work of works) await ctx.queue.matchStory(work);
}
