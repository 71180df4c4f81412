import { sql } from 'kysely';
import type { Db } from '../connection.js';

/*
 * The statements of retention (RETENTION): each deletes, or clears, at most one batch of rows
 * older than the cutoff, so no statement holds a lock for long, and each batch commits on its
 * own. Run again after being stopped half-way, they take up where the last commit left.
 *
 * Order matters, for the foreign keys and for pending work: matches go before the digests
 * they name (deleting a digest first would set their digest_id to null, and a match without a
 * digest is one still to be sent); a delivery's campaign recipient goes with it, in the same
 * transaction (campaign_recipients.delivery_id references it). Bounces name their delivery
 * without a foreign key: each goes by its own age.
 */

/** What retention deletes or clears, in the order it does. */
export const PRUNED_TABLES = [
  'matches',
  'trial_clicks',
  'deliveries',
  'digests',
  'bounces',
  'inbound_messages',
  'story_bodies',
] as const;
export type PrunedTable = (typeof PRUNED_TABLES)[number];

export interface PruneBatch {
  /** Rows deleted (or bodies cleared) by this batch. */
  rows: number;
  /** Where the next batch starts (an id); meaningful only while `done` is false. */
  cursor: number;
  /** Nothing older than the cutoff is left after this batch. */
  done: boolean;
}

/**
 * One batch of `table` after `cursor`: at most `size` rows deleted (or cleared). `cutoff` is
 * an ISO instant; rows stamped before it go.
 */
export async function pruneBatch(
  db: Db,
  table: PrunedTable,
  cutoff: string,
  cursor: number,
  size: number,
): Promise<PruneBatch> {
  switch (table) {
    case 'matches':
    case 'trial_clicks':
      return walkById(db, table, cutoff, cursor, size, (lo, hi) =>
        affected(
          sql`delete from ${sql.table(table)} where id > ${lo} and id <= ${hi} and created_at < ${cutoff}`.execute(
            db,
          ),
        ),
      );
    case 'deliveries':
      return walkById(db, table, cutoff, cursor, size, (lo, hi) =>
        inTransaction(db, async (trx) => {
          const old = sql`select id from deliveries where id > ${lo} and id <= ${hi} and created_at < ${cutoff}`;
          await sql`delete from campaign_recipients where delivery_id in (${old})`.execute(trx);
          return affected(
            sql`delete from deliveries where id > ${lo} and id <= ${hi} and created_at < ${cutoff}`.execute(
              trx,
            ),
          );
        }),
      );
    case 'digests':
      // Only a digest no delivery or match names any more: its email is gone, and none of
      // its matches can lose its digest. One still owed (unbuilt) is the scheduler's.
      return walkById(db, table, cutoff, cursor, size, (lo, hi) =>
        affected(
          sql`delete from digests where id > ${lo} and id <= ${hi} and created_at < ${cutoff}
            and built_at is not null
            and not exists (select 1 from deliveries d where d.digest_id = digests.id)
            and not exists (select 1 from matches m where m.digest_id = digests.id)`.execute(db),
        ),
      );
    case 'bounces':
      return byTimeIndex(
        size,
        await affected(
          sql`delete from bounces where id in (select id from bounces where received_at < ${cutoff} order by received_at limit ${size})`.execute(
            db,
          ),
        ),
      );
    case 'inbound_messages': {
      // A message is kept whole up to 256 KB: a tenth of the batch keeps a statement short.
      const messages = Math.max(1, Math.ceil(size / 10));
      const rows = await inTransaction(db, async (trx) => {
        const ids = sql`select id from inbound_messages where received_at < ${cutoff} order by received_at limit ${messages}`;
        // Its bounces would go by the foreign key's cascade; said here, they are counted apart.
        await sql`delete from bounces where inbound_id in (${ids})`.execute(trx);
        return affected(sql`delete from inbound_messages where id in (${ids})`.execute(trx));
      });
      return byTimeIndex(messages, rows);
    }
    case 'story_bodies':
      // The row stays (old deliveries and reports name the story); only the body, which is
      // for matching, goes. A story stored lately with an old date keeps it until it is old
      // here too.
      return byTimeIndex(
        size,
        await affected(
          sql`update stories set body = '' where id in (select id from stories
            where body <> '' and published_at < ${cutoff} and created_at < ${cutoff}
            order by published_at limit ${size})`.execute(db),
        ),
      );
  }
}

/** How many rows of `table` a prune with this cutoff would delete (or clear) now. */
export async function countPrunable(db: Db, table: PrunedTable, cutoff: string): Promise<number> {
  const count = (query: ReturnType<typeof sql>) =>
    query.execute(db).then((result) => Number((result.rows[0] as { n: unknown }).n));
  switch (table) {
    case 'matches':
    case 'trial_clicks':
    case 'deliveries':
      return count(sql`select count(*) as n from ${sql.table(table)} where created_at < ${cutoff}`);
    case 'digests':
      // What would be left unnamed once older deliveries and matches are gone.
      return count(sql`select count(*) as n from digests where created_at < ${cutoff}
        and built_at is not null
        and not exists (select 1 from deliveries d where d.digest_id = digests.id and d.created_at >= ${cutoff})
        and not exists (select 1 from matches m where m.digest_id = digests.id and m.created_at >= ${cutoff})`);
    case 'bounces':
      return count(sql`select count(*) as n from bounces where received_at < ${cutoff}
        or inbound_id in (select id from inbound_messages where received_at < ${cutoff})`);
    case 'inbound_messages':
      return count(sql`select count(*) as n from inbound_messages where received_at < ${cutoff}`);
    case 'story_bodies':
      return count(sql`select count(*) as n from stories
        where body <> '' and published_at < ${cutoff} and created_at < ${cutoff}`);
  }
}

/**
 * A batch over a table whose rows are stamped (`created_at`) when written, so ids follow time:
 * the next `size` ids after the cursor are looked at, and those among them older than the
 * cutoff deleted by `deleteRange(lo, hi)`. The walk ends at a window with no old row in it.
 * A row younger than the cutoff amid old ones (clocks a second apart on two machines) is
 * stepped over and stays.
 */
async function walkById(
  db: Db,
  table: 'matches' | 'trial_clicks' | 'deliveries' | 'digests',
  cutoff: string,
  cursor: number,
  size: number,
  deleteRange: (lo: number, hi: number) => Promise<number>,
): Promise<PruneBatch> {
  const window = await sql<{ hi: unknown; old: unknown }>`
    select max(id) as hi, sum(case when created_at < ${cutoff} then 1 else 0 end) as old
    from (select id, created_at from ${sql.table(table)} where id > ${cursor} order by id limit ${size}) as w`.execute(
    db,
  );
  const row = window.rows[0];
  const hi = row?.hi === null || row?.hi === undefined ? null : Number(row.hi);
  if (hi === null || Number(row?.old ?? 0) === 0) return { rows: 0, cursor, done: true };
  return { rows: await deleteRange(cursor, hi), cursor: hi, done: false };
}

/** A batch taken through a time index: a short one was the last. */
function byTimeIndex(size: number, rows: number): PruneBatch {
  return { rows, cursor: 0, done: rows < size };
}

/** Its own transaction, or the caller's when it runs in one (a bench's rolled-back rehearsal). */
function inTransaction<T>(db: Db, run: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

async function affected(result: Promise<{ numAffectedRows?: bigint }>): Promise<number> {
  return Number((await result).numAffectedRows ?? 0n);
}
