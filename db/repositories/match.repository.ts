import { sql } from 'kysely';
import type { PendingMatch } from '../../src/domain/match.js';
import type { Cadence } from '../../src/domain/subscription.js';
import { chunk } from '../chunk.js';
import type { Db } from '../connection.js';
import { fromJson, toDate, toIso } from '../mappers.js';
import { isActiveReader } from './active-reader-filter.js';

export interface NewMatch {
  readerId: number;
  storyId: number;
  revision: number;
  cadence: Cadence;
  subscriptionIds: number[];
}

/**
 * Records matches; a reader already matched to this story revision keeps the first record (the
 * unique key makes a repeated match job harmless). Returns the matches that are new.
 */
export async function insertMatches(db: Db, matches: NewMatch[], now: Date): Promise<NewMatch[]> {
  const created: NewMatch[] = [];
  // Seven parameters a row: 500 rows stay well under the limit.
  for (const rows of chunk(matches, 500)) {
    const inserted = await db
      .insertInto('matches')
      .values(
        rows.map((m) => ({
          subscriber_id: m.readerId,
          story_id: m.storyId,
          revision: m.revision,
          cadence: m.cadence,
          subscription_ids: JSON.stringify(m.subscriptionIds),
          digest_id: null,
          created_at: toIso(now),
        })),
      )
      .onConflict((oc) => oc.columns(['subscriber_id', 'story_id', 'revision']).doNothing())
      .returning(['subscriber_id', 'story_id'])
      .execute();
    const fresh = new Set(inserted.map((r) => `${r.subscriber_id}:${r.story_id}`));
    created.push(...rows.filter((m) => fresh.has(`${m.readerId}:${m.storyId}`)));
  }
  return created;
}

/**
 * Of these readers, those whose match of this story revision is recorded and not yet claimed
 * by a digest: a match job run again after its first run recorded them still owes their alerts.
 */
export async function findUnclaimedReaders(
  db: Db,
  story: { storyId: number; revision: number },
  readerIds: number[],
): Promise<number[]> {
  const found: number[] = [];
  for (const ids of chunk(readerIds, 500)) {
    const rows = await db
      .selectFrom('matches')
      .select('subscriber_id')
      .where('subscriber_id', 'in', ids)
      .where('story_id', '=', story.storyId)
      .where('revision', '=', story.revision)
      .where('digest_id', 'is', null)
      .execute();
    found.push(...rows.map((r) => r.subscriber_id));
  }
  return found;
}

/** Matches not yet in any digest, for previews. */
export async function findPendingMatches(
  db: Db,
  readerId: number,
  cadence?: Cadence,
): Promise<PendingMatch[]> {
  let query = db
    .selectFrom('matches')
    .select(['story_id', 'cadence', 'subscription_ids', 'created_at'])
    .where('subscriber_id', '=', readerId)
    .where('digest_id', 'is', null);
  if (cadence) query = query.where('cadence', '=', cadence);
  const rows = await query.execute();
  return rows.map((r) => ({
    storyId: r.story_id,
    cadence: r.cadence,
    subscriptionIds: fromJson<number[]>(r.subscription_ids),
    createdAt: toDate(r.created_at),
  }));
}

/**
 * Active readers with instant matches waiting, for the alert sweep (every tick): the waiting
 * matches from their partial index, `matches_waiting`, made distinct here (with `distinct`
 * SQLite walked the unclaimed index instead).
 */
export async function findReadersWithPendingAlerts(db: Db, before: Date): Promise<number[]> {
  const rows = await db
    .selectFrom('matches')
    .select('matches.subscriber_id')
    // A literal, not a parameter: only then can SQLite see the partial index fits.
    .where('matches.cadence', '=', sql.lit('instant'))
    .where('matches.digest_id', 'is', null)
    .where('matches.created_at', '<=', toIso(before))
    .where(isActiveReader(db, 'matches.subscriber_id'))
    .execute();
  return [...new Set(rows.map((r) => r.subscriber_id))];
}

/**
 * Sends a reader's waiting matches of one cadence elsewhere, when that cadence stopped (the
 * reader unsubscribed from it): `route` gives each match's new cadence and subscriptions, or
 * null to drop it. Only unclaimed matches move, so no digest already built changes.
 */
export async function reroutePendingMatches(
  db: Db,
  readerId: number,
  cadence: Cadence,
  route: (subscriptionIds: number[]) => { cadence: Cadence; subscriptionIds: number[] } | null,
): Promise<{ moved: number; dropped: number }> {
  const rows = await db
    .selectFrom('matches')
    .select(['id', 'subscription_ids'])
    .where('subscriber_id', '=', readerId)
    .where('cadence', '=', cadence)
    .where('digest_id', 'is', null)
    .execute();
  let moved = 0;
  let dropped = 0;
  for (const row of rows) {
    const target = route(fromJson<number[]>(row.subscription_ids));
    if (target === null) {
      await db
        .deleteFrom('matches')
        .where('id', '=', row.id)
        .where('digest_id', 'is', null)
        .execute();
      dropped++;
    } else {
      await db
        .updateTable('matches')
        .set({
          cadence: target.cadence,
          subscription_ids: JSON.stringify(target.subscriptionIds),
        })
        .where('id', '=', row.id)
        .where('digest_id', 'is', null)
        .execute();
      moved++;
    }
  }
  return { moved, dropped };
}

/**
 * Every story whose current revision is not matched yet (published while no worker ran, a
 * lost match job), in id order: ids and revisions only, so a long backlog is one read.
 */
export async function findAllStoriesToMatch(db: Db): Promise<{ id: number; revision: number }[]> {
  return db
    .selectFrom('stories')
    .select(['id', 'revision'])
    .whereRef('matched_revision', '<', 'revision')
    .orderBy('id')
    .execute();
}
