import { findReadersAfter } from '../../../db/repositories/reader-batch.repository.js';
import { findSubscriptionsOfReaders } from '../../../db/repositories/subscription-batch.repository.js';
import { listTopics } from '../../../db/repositories/topic.repository.js';
import type { Reader } from '../../domain/reader.js';
import type { Subscription } from '../../domain/subscription.js';
import type { ServiceContext } from '../context.js';

/** A reader with their subscriptions, each with the slug of the topic it follows (if any). */
export interface ReaderExport {
  reader: Reader;
  subscriptions: (Subscription & { topicSlug: string | null })[];
}

const PAGE = 1000;

/**
 * Every reader with their subscriptions, a page at a time (by id, so readers added meanwhile
 * come last): memory stays flat however many there are.
 */
export async function* exportReaders(ctx: ServiceContext): AsyncGenerator<ReaderExport> {
  const slugs = new Map((await listTopics(ctx.db)).map((t) => [t.id, t.slug]));
  let afterId = 0;
  for (;;) {
    const readers = await findReadersAfter(ctx.db, afterId, PAGE);
    if (readers.length === 0) return;
    const subscriptions = await findSubscriptionsOfReaders(
      ctx.db,
      readers.map((r) => r.id),
    );
    const byReader = new Map<number, Subscription[]>();
    for (const s of subscriptions)
      byReader.set(s.readerId, [...(byReader.get(s.readerId) ?? []), s]);
    for (const reader of readers) {
      const own = (byReader.get(reader.id) ?? []).sort((a, b) => a.id - b.id);
      yield {
        reader,
        subscriptions: own.map((s) => ({
          ...s,
          topicSlug: s.topicId === null ? null : (slugs.get(s.topicId) ?? null),
        })),
      };
    }
    afterId = readers[readers.length - 1]?.id ?? afterId;
  }
}
