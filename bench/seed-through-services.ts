/**
 * Seeds a {@link DigestPopulation} through the project's own use cases — addTopic, saveReader,
 * subscribe, publishStories — as an import would, with their checks and their rule change log.
 *
 * There is no bulk import: readers go in batches, each batch one transaction. The services
 * open transactions of their own, which Kysely cannot nest; inside a batch their
 * `db.transaction()` runs on the batch's transaction instead, so their statements are the
 * same and only the commits are fewer. Several lanes of batches run at once (PostgreSQL's
 * pool has connections for them; SQLite has one connection, where one lane is as fast).
 */
import type { Transaction } from 'kysely';
import type { Db } from '../db/connection.js';
import type { Database } from '../db/schema.js';
import type { App } from '../src/app.js';
import type { ServiceContext } from '../src/services/context.js';
import { saveReader } from '../src/services/readers/readers.service.js';
import { subscribe } from '../src/services/readers/subscriptions.service.js';
import { publishStories } from '../src/services/stories/publish-story.service.js';
import { addTopic } from '../src/services/topics/topics.service.js';
import type { WorkQueue } from '../src/services/work-queue.js';
import type { DigestPopulation } from './digest-population.js';

export interface SeedOptions {
  /** Readers per transaction; 1 lets every service call commit on its own. */
  batch: number;
  /** Batches in flight at once. */
  lanes: number;
  onProgress?: (readersDone: number) => void;
}

export interface SeedReport {
  topics: number;
  readers: number;
  subscriptions: number;
  stories: number;
  seconds: { topics: number; readers: number; stories: number };
}

/**
 * Hand-ons go nowhere: the published stories wait, owing their match, for the next tick's
 * sweep — which is how `bulletin digests run` finds them.
 */
const NOWHERE: WorkQueue = {
  matchStory: async () => {},
  buildDigest: async () => {},
  buildAlert: async () => {},
  sendDelivery: async () => {},
};

export async function seedThroughServices(
  app: App,
  population: DigestPopulation,
  options: SeedOptions,
): Promise<SeedReport> {
  const ctx: ServiceContext = { db: app.db, settings: app.settings, log: app.log, now: app.now };
  let start = performance.now();
  for (const topic of population.topics) await addTopic(ctx, topic);
  const topicSeconds = (performance.now() - start) / 1000;

  start = performance.now();
  const total = population.options.readers;
  const batchCount = Math.ceil(total / options.batch);
  let nextBatch = 0;
  let readersDone = 0;
  let subscriptions = 0;
  const seedReader = async (ctx: ServiceContext, index: number) => {
    const { reader, topics } = population.reader(index);
    await saveReader(ctx, reader);
    for (const topic of topics) {
      await subscribe(ctx, { email: reader.email, topic, cadence: 'daily' });
      subscriptions++;
    }
  };
  const lane = async () => {
    for (let batch = nextBatch++; batch < batchCount; batch = nextBatch++) {
      const from = batch * options.batch;
      const to = Math.min(total, from + options.batch);
      if (options.batch === 1) await seedReader(ctx, from);
      else
        await app.db.transaction().execute(async (trx) => {
          const inBatch = { ...ctx, db: foldTransactions(trx) };
          for (let index = from; index < to; index++) await seedReader(inBatch, index);
        });
      readersDone += to - from;
      options.onProgress?.(readersDone);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.lanes) }, lane));
  const readerSeconds = (performance.now() - start) / 1000;

  start = performance.now();
  const stories = population.stories();
  const report = await publishStories(
    { ...ctx, queue: NOWHERE },
    stories.map((story, i) => ({ position: `item ${i + 1}`, ok: true as const, story })),
  );
  if (report.created !== stories.length)
    throw new Error(`published ${report.created} of ${stories.length} stories`);
  return {
    topics: population.topics.length,
    readers: readersDone,
    subscriptions,
    stories: report.created,
    seconds: {
      topics: topicSeconds,
      readers: readerSeconds,
      stories: (performance.now() - start) / 1000,
    },
  };
}

/** The batch's transaction, on which a service's own `db.transaction()` simply runs. */
function foldTransactions(trx: Transaction<Database>): Db {
  const folded = {
    execute: <T>(run: (inner: Transaction<Database>) => Promise<T>): Promise<T> => run(trx),
  };
  return new Proxy(trx, {
    get(target, property) {
      if (property === 'transaction') return () => folded;
      const value = Reflect.get(target, property, target);
      // Kysely's classes keep private fields: their methods must run on the real object.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as unknown as Db;
}
