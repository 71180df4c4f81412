import type { Cadence } from './subscription.js';

/** One email to one reader for one cadence and one period; an alert is a digest too. */
export interface Digest {
  id: number;
  readerId: number;
  cadence: Cadence;
  periodKey: string;
  periodStart: Date;
  periodEnd: Date;
  storyCount: number;
  createdAt: Date;
  /** Null while the digest is owed: due, but its email not yet recorded. */
  builtAt: Date | null;
}
