import type { Db } from '../../../db/connection.js';
import { findDigestStories } from '../../../db/repositories/digest-batch.repository.js';
import { findSubscriptionLabels } from '../../../db/repositories/subscription.repository.js';
import type { DigestStory, SubscriptionLabel } from '../../domain/digest-content.js';

/**
 * What digests show of a story, and which topic a subscription follows, kept a few seconds
 * per database: a morning's thousands of digests share a day's few hundred stories, and a
 * send whose digest was built in another process (a second worker) would read them again for
 * each email. A story edited within the lifetime is shown as it was read; a build reads its
 * stories afresh (see {@link readDigestStories}).
 */
const LIFETIME_MS = 10_000;
const MAX_ENTRIES = 20_000;

type Entry<T> = { at: number; value: T };
const stories = new WeakMap<object, Map<number, Entry<DigestStory>>>();
const labels = new WeakMap<object, Map<number, Entry<SubscriptionLabel>>>();

/** What identifies a database: its dialect adapter, which its transactions share. */
function entriesOf<T>(kept: WeakMap<object, Map<number, Entry<T>>>, db: Db): Map<number, Entry<T>> {
  const database = db.getExecutor().adapter;
  let entries = kept.get(database);
  if (!entries) {
    entries = new Map();
    kept.set(database, entries);
  }
  return entries;
}

async function readThrough<T>(
  entries: Map<number, Entry<T>>,
  ids: readonly number[],
  load: (missing: number[]) => Promise<Map<number, T>>,
): Promise<Map<number, T>> {
  const now = Date.now();
  const found = new Map<number, T>();
  const missing: number[] = [];
  for (const id of ids) {
    const entry = entries.get(id);
    if (entry && now - entry.at < LIFETIME_MS) found.set(id, entry.value);
    else missing.push(id);
  }
  if (missing.length === 0) return found;
  for (const [id, value] of await load(missing)) {
    found.set(id, value);
    entries.delete(id);
    entries.set(id, { at: now, value });
  }
  // A Map iterates in insertion order: the first keys are the oldest.
  for (const key of entries.keys()) {
    if (entries.size <= MAX_ENTRIES) break;
    entries.delete(key);
  }
  return found;
}

/** Stories by id; `fresh` reads them all from the database (a build), and keeps them. */
export function readDigestStories(
  db: Db,
  ids: readonly number[],
  fresh = false,
): Promise<Map<number, DigestStory>> {
  const entries = entriesOf(stories, db);
  if (fresh) for (const id of ids) entries.delete(id);
  return readThrough(entries, ids, (missing) => findDigestStories(db, missing));
}

/** The topic (if any) of each subscription. */
export function readSubscriptionLabels(
  db: Db,
  ids: readonly number[],
): Promise<Map<number, SubscriptionLabel>> {
  return readThrough(entriesOf(labels, db), ids, async (missing) => {
    const found = await findSubscriptionLabels(db, missing);
    return new Map(found.map((label) => [label.id, label]));
  });
}
