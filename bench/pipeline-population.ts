/**
 * The population of the recording benchmark (bench:pipeline): 1,000 topics, readers of whom
 * 70 % follow a few topics and 30 % have one query of their own (each distinct, the Google
 * Alerts case), a quarter of them at the instant cadence; a few readers unsubscribed or
 * pausing everything and a few subscriptions paused, so that matching has them to leave out.
 * Readers are written many to a statement through the batch repositories an import uses:
 * seeding 100,000 of them takes seconds, and what is timed is the recording, not this.
 */
import { sql } from 'kysely';
import type { Db } from '../db/connection.js';
import { insertReaders } from '../db/repositories/reader-batch.repository.js';
import type { NewSubscription } from '../db/repositories/subscription.repository.js';
import { insertSubscriptions } from '../db/repositories/subscription-batch.repository.js';
import { listTopics } from '../db/repositories/topic.repository.js';
import { parseRule } from '../src/domain/rules/index.js';
import type { Cadence } from '../src/domain/subscription.js';
import type { ServiceContext } from '../src/services/context.js';
import { addTopic } from '../src/services/topics/topics.service.js';
import { DigestPopulation } from './digest-population.js';
import { createRandom, SyntheticNews } from './synthetic-data.js';

export interface PipelinePopulationOptions {
  readers: number;
  topics: number;
  stories: number;
  /** Topics each topic follower follows. */
  topicsPerReader: number;
  seed: number;
}

/** Of every ten readers, this many follow topics; the others have a query of their own. */
const FOLLOWERS_IN_TEN = 7;
const READERS_PER_TRANSACTION = 5000;

export interface SeededPopulation {
  readers: number;
  topicFollowers: number;
  customQueries: number;
  subscriptions: number;
  seconds: number;
}

/** One reader's cadence: a quarter instant, the rest daily, a few weekly. */
function cadenceOf(index: number): Cadence {
  if (index % 4 === 0) return 'instant';
  return index % 9 === 0 ? 'weekly' : 'daily';
}

export class PipelinePopulation {
  /** Topics and stories come from the digest benchmark's population: the same news. */
  readonly base: DigestPopulation;
  private readonly news: SyntheticNews;

  constructor(readonly options: PipelinePopulationOptions) {
    this.base = new DigestPopulation({
      readers: options.readers,
      topics: options.topics,
      stories: options.stories,
      subscriptionsPerReader: options.topicsPerReader,
      seed: options.seed,
    });
    // The same seed gives the same vocabulary, so readers' own queries are about these stories.
    this.news = new SyntheticNews(options.seed);
  }

  /** Reader `index`'s own query, or null for a topic follower. */
  customQuery(index: number): string | null {
    if (index % 10 < FOLLOWERS_IN_TEN) return null;
    const random = createRandom(this.options.seed * 31 + index * 7_919 + 11);
    for (;;) {
      const query = this.news.rule(random);
      if (parseRule(query).ok) return query;
    }
  }

  /** Writes topics (through the service, so the rule change log has them), readers, subscriptions. */
  async seed(ctx: ServiceContext): Promise<SeededPopulation> {
    const started = performance.now();
    for (const topic of this.base.topics) await addTopic(ctx, topic);
    const topicIds = new Map((await listTopics(ctx.db)).map((t) => [t.slug, t.id]));
    const total = this.options.readers;
    let subscriptions = 0;
    let customQueries = 0;
    for (let from = 0; from < total; from += READERS_PER_TRANSACTION) {
      const to = Math.min(total, from + READERS_PER_TRANSACTION);
      await ctx.db.transaction().execute(async (trx) => {
        const specs = Array.from({ length: to - from }, (_, i) => this.base.reader(from + i));
        const ids = await insertReaders(
          trx,
          specs.map((s) => ({ ...s.reader, consentSource: null, consentAt: null })),
          ctx.now(),
        );
        const rows: NewSubscription[] = [];
        specs.forEach((spec, i) => {
          const index = from + i;
          const readerId = ids.get(spec.reader.email)!;
          const cadence = cadenceOf(index);
          const schedule = {
            readerId,
            cadence,
            sendAt: '07:00',
            weekday: cadence === 'weekly' ? 1 : null,
            weekdays: false,
            nextDueAt: null,
          };
          const query = this.customQuery(index);
          if (query !== null) {
            customQueries++;
            rows.push({ ...schedule, topicId: null, query });
          } else {
            for (const slug of spec.topics)
              rows.push({ ...schedule, topicId: topicIds.get(slug)!, query: null });
          }
        });
        await insertSubscriptions(trx, rows, ctx.now());
        subscriptions += rows.length;
      });
    }
    await leaveSomeOut(ctx.db, ctx.now());
    return {
      readers: total,
      topicFollowers: total - customQueries,
      customQueries,
      subscriptions,
      seconds: (performance.now() - started) / 1000,
    };
  }
}

/** One reader in 100 unsubscribed, one in 101 pausing everything, one subscription in 97 paused. */
async function leaveSomeOut(db: Db, now: Date): Promise<void> {
  const later = new Date(now.getTime() + 30 * 86_400_000).toISOString();
  await sql`update subscribers set status = 'unsubscribed' where id % 100 = 0`.execute(db);
  await sql`update subscribers set paused_until = ${later} where id % 101 = 0`.execute(db);
  await db.updateTable('subscriptions').set({ paused: 1 }).where(sql`id % 97`, '=', 0).execute();
}
