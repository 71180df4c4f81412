/** How often a reader hears about a rule's stories. */
export type Cadence = 'instant' | 'daily' | 'weekly';
export const CADENCES: readonly Cadence[] = ['instant', 'daily', 'weekly'];

/** Weekday names as the CLI takes them, index + 1 = ISO weekday (1 = Monday). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A reader following one rule (a topic's, or their own query) at one cadence. */
export interface Subscription {
  id: number;
  readerId: number;
  topicId: number | null;
  query: string | null;
  cadence: Cadence;
  /** Local send time `HH:MM` (daily, weekly). */
  sendAt: string;
  /** ISO weekday 1..7 (weekly). */
  weekday: number | null;
  /** Daily only: no digest on weekends and observed US federal holidays. */
  weekdays: boolean;
  paused: boolean;
  nextDueAt: Date | null;
  createdAt: Date;
}

/** A subscription as listed: with the reader's address and the topic it follows. */
export interface SubscriptionListing extends Subscription {
  email: string;
  topicSlug: string | null;
  topicQuery: string | null;
}

const CADENCE_SPEED: Record<Cadence, number> = { instant: 0, daily: 1, weekly: 2 };

/** The quickest of several cadences: a story goes to a reader once, by the fastest route. */
export function fastestCadence(cadences: Iterable<Cadence>): Cadence {
  let best: Cadence = 'weekly';
  for (const cadence of cadences) if (CADENCE_SPEED[cadence] < CADENCE_SPEED[best]) best = cadence;
  return best;
}

/** Default local send times when the reader gives none. */
export const DEFAULT_SEND_AT = '07:00';
export const DEFAULT_WEEKDAY = 1;
