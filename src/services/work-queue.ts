import type { Cadence } from '../domain/subscription.js';

/** Match a stored story revision against every rule. */
export interface MatchStoryWork {
  storyId: number;
  revision: number;
}

/** Match several stored story revisions in one go (a batch of published stories). */
export interface MatchStoriesWork {
  stories: MatchStoryWork[];
}

/** Build one reader's digest for one cadence and period. */
export interface BuildDigestWork {
  readerId: number;
  cadence: Exclude<Cadence, 'instant'>;
  periodKey: string;
  periodStart: string;
  periodEnd: string;
}

/** Build one reader's instant alert from the matches waiting at `dueAt`. */
export interface BuildAlertWork {
  readerId: number;
  dueAt: string;
}

/** Send one queued delivery. */
export interface SendDeliveryWork {
  deliveryId: number;
}

/** Send a group's deliveries (one statement reads them all; each is still claimed alone). */
export interface SendDeliveriesWork {
  deliveryIds: number[];
}

/**
 * Where the services hand on the next step of a story's flow. Workers implement it with
 * BullMQ queues (deterministic job ids, so handing on twice is harmless); `digests run`
 * implements it in-process. Payloads carry ids only: each step re-reads its rows.
 */
export interface WorkQueue {
  matchStory(work: MatchStoryWork): Promise<void>;
  /** Many at once (a batch of published stories): one round trip instead of one each. */
  matchStories?(works: readonly MatchStoryWork[]): Promise<void>;
  buildDigest(work: BuildDigestWork): Promise<void>;
  /** A group of digests of one tick (a few hundred readers), built together. */
  buildDigests?(works: readonly BuildDigestWork[]): Promise<void>;
  /** `delayMs`: the batching window still to run. */
  buildAlert(work: BuildAlertWork, delayMs: number): Promise<void>;
  /** Many at once (a story's instant readers): one round trip instead of one each. */
  buildAlerts?(alerts: readonly { work: BuildAlertWork; delayMs: number }[]): Promise<void>;
  sendDelivery(work: SendDeliveryWork): Promise<void>;
  /** The deliveries a group's build queued, handed on at once. */
  sendDeliveries?(work: SendDeliveriesWork): Promise<void>;
}
