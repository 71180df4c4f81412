import { type RawBuilder, sql } from 'kysely';
import type { DigestStory } from '../../src/domain/digest-content.js';
import type { Cadence } from '../../src/domain/subscription.js';
import { chunk } from '../chunk.js';
import type { Db } from '../connection.js';
import { fromJson, toDate, toDateOrNull, toIso } from '../mappers.js';
import type { DeliveryStatus } from '../schema.js';

/*
 * A group of digests (a few hundred readers) built in a handful of statements for the whole
 * group, not a dozen per digest: one read of the digests, their readers and deliveries; one
 * claim of every reader's pending matches; one read of the stories; one insert of the
 * deliveries; one update marking the digests built.
 */

/** A digest of the group as the build finds it, with its reader and any delivery it has. */
export interface DigestToBuild {
  id: number;
  readerId: number;
  cadence: Cadence;
  periodKey: string;
  periodStart: Date;
  periodEnd: Date;
  builtAt: Date | null;
  reader: { email: string; active: boolean };
  delivery: { id: number; status: DeliveryStatus; stories: number } | null;
}

/** Readers a statement: well under SQLite's bound-parameter limit. */
const GROUP_CHUNK = 500;

/**
 * The digests of these readers for these cadences and periods, each with its reader and its
 * delivery, if any. Rows of other periods of the same readers are read too and left out here.
 */
export async function findDigestsToBuild(
  db: Db,
  periods: readonly { readerId: number; cadence: Cadence; periodKey: string }[],
): Promise<DigestToBuild[]> {
  const wanted = new Set(periods.map((p) => `${p.readerId}|${p.cadence}|${p.periodKey}`));
  const found: DigestToBuild[] = [];
  for (const part of chunk(periods, GROUP_CHUNK)) {
    const rows = await db
      .selectFrom('digests')
      .innerJoin('subscribers', 'subscribers.id', 'digests.subscriber_id')
      .leftJoin('deliveries', 'deliveries.digest_id', 'digests.id')
      .select([
        'digests.id',
        'digests.subscriber_id',
        'digests.cadence',
        'digests.period_key',
        'digests.period_start',
        'digests.period_end',
        'digests.built_at',
        'subscribers.email',
        'subscribers.status as reader_status',
        'deliveries.id as delivery_id',
        'deliveries.status as delivery_status',
        'deliveries.story_ids',
      ])
      .where('digests.subscriber_id', 'in', [...new Set(part.map((p) => p.readerId))])
      .where('digests.cadence', 'in', [...new Set(part.map((p) => p.cadence))])
      .where('digests.period_key', 'in', [...new Set(part.map((p) => p.periodKey))])
      .execute();
    for (const row of rows) {
      if (!wanted.has(`${row.subscriber_id}|${row.cadence}|${row.period_key}`)) continue;
      found.push({
        id: row.id,
        readerId: row.subscriber_id,
        cadence: row.cadence,
        periodKey: row.period_key,
        periodStart: toDate(row.period_start),
        periodEnd: toDate(row.period_end),
        builtAt: toDateOrNull(row.built_at),
        reader: { email: row.email, active: row.reader_status === 'active' },
        delivery:
          row.delivery_id === null
            ? null
            : {
                id: row.delivery_id,
                status: row.delivery_status as DeliveryStatus,
                stories: fromJson<string[]>(row.story_ids ?? '[]').length,
              },
      });
    }
  }
  return found;
}

/** A match claimed into one of the group's digests. */
export interface ClaimedMatch {
  digestId: number;
  storyId: number;
  subscriptionIds: number[];
}

/**
 * Gives each digest every pending match of its reader and cadence, up to `until`: one
 * statement for the group. Only unclaimed rows are taken, so a match claimed by one digest is
 * never claimed by another, and a digest that has a delivery already claims nothing (its
 * email is recorded; a later match waits for the next one). Each digest must be the only one
 * of its reader and cadence in the call.
 */
export async function claimMatchesForDigests(
  db: Db,
  digests: readonly { id: number; readerId: number; cadence: Cadence }[],
  until: Date,
): Promise<ClaimedMatch[]> {
  const claimed: ClaimedMatch[] = [];
  for (const part of chunk(digests, GROUP_CHUNK)) {
    const claims = valuesList(part.map((d) => [int(d.id), int(d.readerId), text(d.cadence)]));
    const { rows } = await sql<{
      digest_id: number;
      story_id: number;
      subscription_ids: string | number[];
    }>`update matches set digest_id = claim.column1
      from (values ${claims}) as claim
      where matches.subscriber_id = claim.column2
        and matches.cadence = claim.column3
        and matches.digest_id is null
        and matches.created_at <= ${toIso(until)}
        and not exists (select 1 from deliveries where deliveries.digest_id = claim.column1)
      returning matches.digest_id, matches.story_id, matches.subscription_ids`.execute(db);
    for (const row of rows)
      claimed.push({
        digestId: Number(row.digest_id),
        storyId: Number(row.story_id),
        subscriptionIds: fromJson<number[]>(row.subscription_ids),
      });
  }
  return claimed;
}

/**
 * Built digests with the matches each holds, in one statement: the send of a digest that was
 * built in another process.
 */
export async function findBuiltDigests(
  db: Db,
  digestIds: readonly number[],
): Promise<{
  digests: { id: number; cadence: Cadence; periodStart: Date; periodEnd: Date }[];
  matches: ClaimedMatch[];
}> {
  const digests = new Map<
    number,
    { id: number; cadence: Cadence; periodStart: Date; periodEnd: Date }
  >();
  const matches: ClaimedMatch[] = [];
  for (const part of chunk(digestIds, GROUP_CHUNK)) {
    const rows = await db
      .selectFrom('digests')
      .leftJoin('matches', 'matches.digest_id', 'digests.id')
      .select([
        'digests.id',
        'digests.cadence',
        'digests.period_start',
        'digests.period_end',
        'matches.story_id',
        'matches.subscription_ids',
      ])
      .where('digests.id', 'in', part)
      .execute();
    for (const row of rows) {
      if (!digests.has(row.id))
        digests.set(row.id, {
          id: row.id,
          cadence: row.cadence,
          periodStart: toDate(row.period_start),
          periodEnd: toDate(row.period_end),
        });
      if (row.story_id !== null && row.subscription_ids !== null)
        matches.push({
          digestId: row.id,
          storyId: row.story_id,
          subscriptionIds: fromJson<number[]>(row.subscription_ids),
        });
    }
  }
  return { digests: [...digests.values()], matches };
}

/** What digests show of these stories: no body, which is large and only for matching. */
export async function findDigestStories(
  db: Db,
  ids: readonly number[],
): Promise<Map<number, DigestStory>> {
  const stories = new Map<number, DigestStory>();
  for (const part of chunk(ids, GROUP_CHUNK)) {
    const rows = await db
      .selectFrom('stories')
      .select([
        'id',
        'external_id',
        'url',
        'headline',
        'summary',
        'section',
        'published_at',
        'access',
      ])
      .where('id', 'in', part)
      .execute();
    for (const row of rows)
      stories.set(row.id, {
        id: row.id,
        externalId: row.external_id,
        url: row.url,
        headline: row.headline,
        summary: row.summary,
        section: row.section,
        publishedAt: toDate(row.published_at),
        access: row.access,
      });
  }
  return stories;
}

/** A delivery for one digest of the group. */
export interface NewDigestDelivery {
  digestId: number;
  readerId: number;
  recipient: string;
  cadence: Cadence;
  storyIds: string[];
}

/**
 * Queues the group's deliveries in one insert. A digest has at most one: a digest whose
 * delivery another build recorded meanwhile is not in the result.
 */
export async function insertDigestDeliveries(
  db: Db,
  deliveries: readonly NewDigestDelivery[],
  now: Date,
): Promise<{ id: number; digestId: number }[]> {
  const nowIso = toIso(now);
  const inserted: { id: number; digestId: number }[] = [];
  // Nine values a row.
  for (const part of chunk(deliveries, 1000)) {
    const rows = await db
      .insertInto('deliveries')
      .values(
        part.map((d) => ({
          kind: d.cadence === 'instant' ? ('alert' as const) : ('digest' as const),
          digest_id: d.digestId,
          subscriber_id: d.readerId,
          recipient: d.recipient,
          cadence: d.cadence,
          story_ids: JSON.stringify(d.storyIds),
          status: 'queued' as const,
          created_at: nowIso,
          updated_at: nowIso,
        })),
      )
      .onConflict((oc) => oc.column('digest_id').doNothing())
      .returning(['id', 'digest_id'])
      .execute();
    for (const row of rows) inserted.push({ id: row.id, digestId: row.digest_id as number });
  }
  return inserted;
}

/**
 * Marks digests built (no longer owed) with their story counts, in one statement a chunk. An
 * empty one is marked only while unbuilt: a build that found nothing because another took the
 * matches must not overwrite that one's count.
 */
export async function markDigestsBuilt(
  db: Db,
  digests: readonly { id: number; storyCount: number }[],
  now: Date,
): Promise<void> {
  const builtAt = toIso(now);
  const empty = digests.filter((d) => d.storyCount === 0).map((d) => d.id);
  for (const ids of chunk(empty, GROUP_CHUNK))
    await db
      .updateTable('digests')
      .set({ built_at: builtAt, story_count: 0 })
      .where('id', 'in', ids)
      .where('built_at', 'is', null)
      .execute();
  for (const part of chunk(
    digests.filter((d) => d.storyCount > 0),
    GROUP_CHUNK,
  )) {
    const counts = sql.join(
      part.map((d) => sql`when ${int(d.id)} then ${int(d.storyCount)}`),
      sql` `,
    );
    await sql`update digests set built_at = ${builtAt},
      story_count = case id ${counts} else story_count end
      where id in (${sql.join(part.map((d) => d.id))})`.execute(db);
  }
}

/** `(a, b), (c, d)`: rows of a VALUES list. */
export function valuesList(rows: readonly RawBuilder<unknown>[][]): RawBuilder<unknown> {
  return sql.join(rows.map((row) => sql`(${sql.join(row)})`));
}

/** A value typed for both dialects: PostgreSQL cannot guess a VALUES column's type. */
export function int(value: number): RawBuilder<unknown> {
  return sql`cast(${value} as integer)`;
}

export function text(value: string | null): RawBuilder<unknown> {
  return sql`cast(${value} as text)`;
}
