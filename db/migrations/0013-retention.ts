import { type Kysely, sql } from 'kysely';

/**
 * Retention (RETENTION) clears the bodies of stories older than it. The stories whose body is
 * still there, by publication time, are what each night's prune walks: cleared ones leave
 * this index, so a prune never reads the years of stories it cleared before.
 *
 * Matches, deliveries, digests and trial clicks need no index of their own: rows are stamped
 * when they are written, so the prune walks them by primary key, oldest first, and stops at
 * the first stretch of rows younger than the cutoff. Bounces and inbound messages already have
 * their index by time (0010-bounces).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('stories_body_kept')
    .on('stories')
    .column('published_at')
    // A literal, not a parameter: both planners use a partial index only for a predicate they
    // can match to its own.
    .where(sql.ref('body'), '<>', sql.lit(''))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('stories_body_kept').execute();
}
