import { CompiledQuery } from 'kysely';
import type { Cadence } from '../../src/domain/subscription.js';
import { chunk } from '../chunk.js';
import { type Db, isPostgres } from '../connection.js';
import { toDate, toIso } from '../mappers.js';
import { prepareOnServer } from '../prepared-statements.js';

/*
 * Recording a story's matches as a few set-based statements, whatever the number of readers:
 * the rules a story matched go in as two lists (one parameter each), and the database finds
 * their live subscriptions, groups them by reader and files the match rows in the same
 * statement. Written by hand, once per dialect: the text never changes, so SQLite keeps the
 * statement prepared and PostgreSQL plans it once per connection (a named statement).
 */

/** The rules a story matched: topics by id, custom-query subscriptions by id. */
export interface StoryHits {
  storyId: number;
  revision: number;
  topicIds: readonly number[];
  subscriptionIds: readonly number[];
}

/** A match row filed just now: its reader and the cadence it goes by. */
export interface RecordedMatch {
  readerId: number;
  cadence: Cadence;
}

/**
 * The fastest cadence of a reader's matching subscriptions, as `fastestCadence` in
 * src/domain/subscription.ts picks it: instant, then daily, then weekly.
 */
const FASTEST_CADENCE = `case min(case h.cadence when 'instant' then 0 when 'daily' then 1 else 2 end)
    when 0 then 'instant' when 1 then 'daily' else 'weekly' end`;

/*
 * A subscription that matched: a followed topic's (from `subscriptions_live_by_topic` alone),
 * or a reader's own query. `+paused` on SQLite keeps the planner off `subscriptions_due`,
 * which would walk every unpaused subscription.
 * A reader counts when active and not pausing everything; one row per reader, the unique key
 * keeps a row recorded earlier (a job run again) and RETURNING gives only the new ones.
 */
const RECORD_SQLITE = `with hits as (
    select id, subscriber_id, cadence from subscriptions
    where topic_id in (select value from json_each(?)) and +paused = 0
    union all
    select id, subscriber_id, cadence from subscriptions
    where id in (select value from json_each(?)) and +paused = 0
  )
  insert into matches (subscriber_id, story_id, revision, cadence, subscription_ids, digest_id, created_at)
  select h.subscriber_id, ?, ?, ${FASTEST_CADENCE}, json_group_array(h.id order by h.id), null, ?
  from hits h join subscribers r on r.id = h.subscriber_id
  where r.status = 'active' and (r.paused_until is null or r.paused_until <= ?)
  group by h.subscriber_id
  on conflict (subscriber_id, story_id, revision) do nothing
  returning subscriber_id, cadence`;

const RECORD_POSTGRES = `with earlier as (
    select exists (select 1 from matches where story_id = $3 and revision = $4) as found
  ), hits as (
    select id, subscriber_id, cadence from subscriptions
    where topic_id = any($1::int[]) and paused = false
    union all
    select id, subscriber_id, cadence from subscriptions
    where id = any($2::int[]) and paused = false
  )
  insert into matches (subscriber_id, story_id, revision, cadence, subscription_ids, digest_id, created_at)
  select h.subscriber_id, $3, $4, ${FASTEST_CADENCE}, jsonb_agg(h.id order by h.id), null, $5
  from hits h join subscribers r on r.id = h.subscriber_id
  where r.status = 'active' and (r.paused_until is null or r.paused_until <= $5)
  group by h.subscriber_id
  on conflict (subscriber_id, story_id, revision) do nothing
  returning subscriber_id, cadence, (select found from earlier) as earlier`;

/** What recording filed, and whether rows of this revision were there before it. */
export interface RecordingOutcome {
  created: RecordedMatch[];
  /** An earlier run recorded some of this revision's matches (a job run again). */
  earlier: boolean;
}

/**
 * Files one match per live reader of the rules a story matched (going by their fastest
 * cadence, with every subscription that matched) and returns the rows filed now. A reader
 * matched to this revision before keeps that row: a job run again adds nothing.
 */
export async function recordStoryMatches(
  db: Db,
  hits: StoryHits,
  now: Date,
): Promise<RecordingOutcome> {
  if (hits.topicIds.length === 0 && hits.subscriptionIds.length === 0)
    return { created: [], earlier: await hasStoryMatches(db, hits) };
  const at = toIso(now);
  if (isPostgres(db)) {
    // Whether rows were there before is read in the same statement (its snapshot does not
    // see its own rows): one round trip less a story. Nothing filed tells nothing, so ask.
    const { rows } = await run<{ subscriber_id: number; cadence: Cadence; earlier: boolean }>(
      db,
      RECORD_POSTGRES,
      [hits.topicIds, hits.subscriptionIds, hits.storyId, hits.revision, at],
    );
    return {
      created: rows.map((r) => ({ readerId: r.subscriber_id, cadence: r.cadence })),
      earlier: rows.length > 0 ? rows[0]!.earlier : await hasStoryMatches(db, hits),
    };
  }
  // SQLite computes RETURNING as it goes, so whether rows were there is asked first.
  const earlier = await hasStoryMatches(db, hits);
  const { rows } = await run<{ subscriber_id: number; cadence: Cadence }>(db, RECORD_SQLITE, [
    JSON.stringify(hits.topicIds),
    JSON.stringify(hits.subscriptionIds),
    hits.storyId,
    hits.revision,
    at,
    at,
  ]);
  return { created: rows.map((r) => ({ readerId: r.subscriber_id, cadence: r.cadence })), earlier };
}

/** Marks story revisions matched; one statement on PostgreSQL, a prepared one each on SQLite. */
export async function markStoriesMatched(
  db: Db,
  stories: readonly { id: number; revision: number }[],
): Promise<void> {
  if (stories.length === 0) return;
  if (isPostgres(db)) {
    await run(
      db,
      `update stories set matched_revision = v.revision
       from unnest($1::int[], $2::int[]) as v(id, revision)
       where stories.id = v.id and stories.matched_revision < v.revision`,
      [stories.map((s) => s.id), stories.map((s) => s.revision)],
    );
    return;
  }
  for (const story of stories)
    await run(db, 'update stories set matched_revision = ? where id = ? and matched_revision < ?', [
      story.revision,
      story.id,
      story.revision,
    ]);
}

/** Whether any match of this story revision is recorded (a job that ran before, in part). */
export async function hasStoryMatches(
  db: Db,
  story: { storyId: number; revision: number },
): Promise<boolean> {
  const text = isPostgres(db)
    ? 'select 1 as found from matches where story_id = $1 and revision = $2 limit 1'
    : 'select 1 as found from matches where story_id = ? and revision = ? limit 1';
  const { rows } = await run(db, text, [story.storyId, story.revision]);
  return rows.length > 0;
}

/**
 * This story revision's matches: how many readers it has, and the readers whose instant match
 * is still unclaimed (each owed an alert). For a job run again, where RETURNING sees only what
 * this run added.
 */
export async function findStoryMatchSummary(
  db: Db,
  story: { storyId: number; revision: number },
): Promise<{ readers: number; instantUnclaimed: number[] }> {
  const text = isPostgres(db)
    ? 'select subscriber_id, cadence, digest_id from matches where story_id = $1 and revision = $2'
    : 'select subscriber_id, cadence, digest_id from matches where story_id = ? and revision = ?';
  const { rows } = await run<{ subscriber_id: number; cadence: Cadence; digest_id: number | null }>(
    db,
    text,
    [story.storyId, story.revision],
  );
  return {
    readers: rows.length,
    instantUnclaimed: rows
      .filter((r) => r.cadence === 'instant' && r.digest_id === null)
      .map((r) => r.subscriber_id),
  };
}

/**
 * When each of these readers last had an alert with stories in it (as `findLastAlertAt` for
 * one), for all of them in a statement per few thousand: readers without one are left out.
 */
export async function findLastAlertTimes(
  db: Db,
  readerIds: readonly number[],
): Promise<Map<number, Date>> {
  const last = new Map<number, Date>();
  const postgres = isPostgres(db);
  const text = postgres
    ? `select subscriber_id, max(created_at) as at from digests
       where subscriber_id = any($1::int[]) and cadence = 'instant' and story_count > 0
       group by subscriber_id`
    : `select subscriber_id, max(created_at) as at from digests
       where subscriber_id in (select value from json_each(?)) and cadence = 'instant'
         and story_count > 0
       group by subscriber_id`;
  for (const ids of chunk(readerIds, 5000)) {
    const { rows } = await run<{ subscriber_id: number; at: string | Date }>(db, text, [
      postgres ? ids : JSON.stringify(ids),
    ]);
    for (const row of rows) last.set(row.subscriber_id, toDate(row.at));
  }
  return last;
}

async function run<Row>(db: Db, text: string, parameters: readonly unknown[]) {
  prepareOnServer(text);
  return db.executeQuery<Row>(CompiledQuery.raw(text, [...parameters]));
}
