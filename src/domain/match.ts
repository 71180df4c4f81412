import type { Cadence } from './subscription.js';

/** A match not yet in any digest: one story for one reader, and the subscriptions that matched. */
export interface PendingMatch {
  storyId: number;
  cadence: Cadence;
  subscriptionIds: number[];
  createdAt: Date;
}
