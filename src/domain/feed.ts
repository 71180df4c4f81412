import type { StoryAccess } from './story.js';

/** An RSS or Atom feed of the publisher's, polled for stories. */
export interface Feed {
  id: number;
  url: string;
  /** How often it is polled, in milliseconds. */
  everyMs: number;
  /** What every story from the feed gets, besides its own categories as tags. */
  section: string | null;
  access: StoryAccess;
  tags: string[];
  /** Validators of the last full answer, for a conditional GET. */
  etag: string | null;
  lastModified: string | null;
  lastPolledAt: Date | null;
  lastSuccessAt: Date | null;
  /** What went wrong at the last poll; null once a poll succeeds. */
  lastError: string | null;
  lastErrorAt: Date | null;
  createdAt: Date;
}

/** Feeds are polled at most this often and at least once a week. */
export const FEED_EVERY_LIMITS = { minMs: 60_000, maxMs: 7 * 86_400_000 } as const;

const UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** `5m`, `1h`, `90s`: an interval in the largest unit that says it exactly. */
export function formatInterval(ms: number): string {
  for (const [unit, size] of UNITS) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
