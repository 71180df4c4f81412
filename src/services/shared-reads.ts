import type { Db } from '../../db/connection.js';
import { listSiteLicenses } from '../../db/repositories/site-license.repository.js';
import { listTopics } from '../../db/repositories/topic.repository.js';
import type { SiteLicense } from '../domain/access.js';
import type { Topic } from '../domain/topic.js';

/**
 * Reads that are the same for every reader — topics, site licenses — kept for a few
 * seconds, for a database and its transactions alike, so a run of thousands of digests
 * reads them once a moment instead of once a digest. A change made through this process's
 * services is seen at once (they call {@link forgetSharedReads}); one made by another
 * process, within the lifetime.
 */
const LIFETIME_MS = 10_000;

type Entry = { at: number; value: Promise<unknown> };
const byDatabase = new WeakMap<object, Map<string, Entry>>();

/** What identifies a database: its dialect adapter, which its transactions share. */
function databaseOf(db: Db): object {
  return db.getExecutor().adapter;
}

function remember<T>(db: Db, key: string, load: () => Promise<T>): Promise<T> {
  let entries = byDatabase.get(databaseOf(db));
  if (!entries) {
    entries = new Map();
    byDatabase.set(databaseOf(db), entries);
  }
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && now - hit.at < LIFETIME_MS) return hit.value as Promise<T>;
  const value = load();
  entries.set(key, { at: now, value });
  // A failed read is not kept: the next caller tries again.
  value.catch(() => entries.delete(key));
  return value;
}

/** Every topic, by slug. */
export function readTopics(db: Db): Promise<readonly Topic[]> {
  return remember(db, 'topics', () => listTopics(db));
}

/** Topic names by id. */
export function readTopicNames(db: Db): Promise<ReadonlyMap<number, string>> {
  return remember(db, 'topic-names', async () => {
    return new Map((await readTopics(db)).map((topic) => [topic.id, topic.name]));
  });
}

/** Every site license. */
export function readSiteLicenses(db: Db): Promise<readonly SiteLicense[]> {
  return remember(db, 'site-licenses', () => listSiteLicenses(db));
}

/** Drops what is kept for this database, after a change to topics or site licenses. */
export function forgetSharedReads(db: Db): void {
  byDatabase.delete(databaseOf(db));
}
