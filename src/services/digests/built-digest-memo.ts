import type { Db } from '../../../db/connection.js';
import type { StoryGroup } from '../../domain/digest-content.js';
import type { Cadence } from '../../domain/subscription.js';

/** A digest's content as its build assembled it, before the reader's time zone is applied. */
export interface BuiltDigest {
  cadence: Cadence;
  periodStart: string;
  periodEnd: string;
  /** At most DIGEST_MAX_STORIES of its stories, grouped. */
  groups: StoryGroup[];
  /** The stories it holds beyond those, counted in the email. */
  omitted: number;
}

/**
 * What a build has just read (the digest's period, its stories, their groups), kept for the
 * send that follows in the same process, which would otherwise read it all again a moment
 * later. An entry is taken once and lives a minute at most: a send in another process, a
 * retry or a late one reads the database. A story edited in that minute is sent as it was
 * when the digest was built.
 */
const LIFETIME_MS = 60_000;
/** Enough for every send in flight at once, with room: beyond it the oldest entries go. */
const MAX_ENTRIES = 5_000;

type Entry = { at: number; digest: BuiltDigest };
const byDatabase = new WeakMap<Db, Map<number, Entry>>();

export function rememberBuiltDigest(db: Db, digestId: number, digest: BuiltDigest): void {
  let entries = byDatabase.get(db);
  if (!entries) {
    entries = new Map();
    byDatabase.set(db, entries);
  }
  entries.set(digestId, { at: Date.now(), digest });
  // A Map iterates in insertion order: the first keys are the oldest.
  for (const key of entries.keys()) {
    if (entries.size <= MAX_ENTRIES) break;
    entries.delete(key);
  }
}

/** The digest as its build left it, once, if it was built here within the lifetime. */
export function takeBuiltDigest(db: Db, digestId: number): BuiltDigest | undefined {
  const entries = byDatabase.get(db);
  const entry = entries?.get(digestId);
  if (!entry) return undefined;
  entries?.delete(digestId);
  return Date.now() - entry.at < LIFETIME_MS ? entry.digest : undefined;
}
