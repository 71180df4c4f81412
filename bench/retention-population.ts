/**
 * The retention bench's population, written by SQL itself (a recursive CTE on SQLite, one
 * transaction; generate_series on PostgreSQL): two years of an installation, rows stamped in
 * id order as the services stamp them, so a RETENTION of 400 days finds the older 45 % of each
 * table. Per `size` matches: a reader per 100, a story per 100 (1 KB body each), a digest and
 * its delivery per 10 matches, a trial click per 100, an inbound message and its bounce per
 * 1,000; the newest 1 % of matches wait for their digest.
 *
 * The big tables' secondary indexes are dropped while seeding and made again after: building
 * an index from sorted rows is many times faster than growing it row by row.
 */
import { sql } from 'kysely';
import { type Db, isPostgres } from '../db/connection.js';

export const SPAN_DAYS = 730;
const DAY_MS = 86_400_000;
const SEEDED = ['matches', 'digests', 'deliveries', 'trial_clicks', 'bounces', 'inbound_messages'];

export interface PopulationShape {
  rows: Record<string, number>;
  /** Share of each table's rows older than the cutoff. */
  olderShare: number;
}

export async function seedRetentionPopulation(
  db: Db,
  size: number,
  now: Date,
  retentionDays: number,
): Promise<PopulationShape> {
  const readers = Math.max(100 * 100, Math.ceil(size / 100 / 100) * 100);
  const n = {
    subscribers: readers,
    stories: Math.max(1, Math.floor(size / 100)),
    matches: size,
    digests: Math.max(1, Math.floor(size / 10)),
    deliveries: Math.max(1, Math.floor(size / 10)),
    trial_clicks: Math.max(1, Math.floor(size / 100)),
    inbound_messages: Math.max(1, Math.floor(size / 1000)),
    bounces: Math.max(1, Math.floor(size / 1000)),
  };
  const startMs = now.getTime() - SPAN_DAYS * DAY_MS;
  const indexes = await dropSecondaryIndexes(db);
  const postgres = isPostgres(db);
  // Room for the indexes being built (SQLite's default cache is 2 MB).
  if (!postgres) await sql.raw('pragma cache_size = -1000000').execute(db);
  const statements = postgres ? postgresInserts(n, startMs) : sqliteInserts(n, startMs);
  if (postgres) for (const statement of statements) await statement.execute(db);
  else
    await db.transaction().execute(async (trx) => {
      for (const statement of statements) await statement.execute(trx);
    });
  for (const definition of indexes) await sql.raw(definition).execute(db);
  // The planners see the tables as they are, as a live installation's would.
  await sql.raw('analyze').execute(db);
  return { rows: n, olderShare: (SPAN_DAYS - retentionDays) / SPAN_DAYS };
}

/** `(i * span / count)` ms after the start, as an ISO instant in each dialect. */
function sqliteTime(startMs: number, count: number, i = 'i'): string {
  const step = (SPAN_DAYS * DAY_MS) / count / 1000;
  return `strftime('%Y-%m-%dT%H:%M:%fZ', ${startMs / 1000} + ${i} * ${step}, 'unixepoch')`;
}

function postgresTime(startMs: number, count: number, i = 'i'): string {
  const step = (SPAN_DAYS * DAY_MS) / count;
  return `(to_timestamp(${startMs / 1000}) + ${i} * ${step}::float8 * interval '1 millisecond')`;
}

type Counts = Record<string, number>;

function rowsOf(count: number): string {
  return `with recursive n(i) as (select 0 union all select i + 1 from n where i < ${count - 1})`;
}

function sqliteInserts(n: Counts, start: number) {
  const t = (table: string, i = 'i') => sqliteTime(start, n[table] as number, i);
  const readers = n.subscribers as number;
  const pendingFrom = Math.floor((n.matches as number) * 0.99);
  return [
    `${rowsOf(readers)} insert into subscribers (email, name, plan, trial_ends_at, tz, status, marketing_consent, created_at, updated_at)
       select 'reader-' || i || '@example.com', null, 'free', null, 'UTC', 'active', 0, ${t('subscribers', '0')}, ${t('subscribers', '0')} from n`,
    `${rowsOf(n.stories as number)} insert into stories (external_id, url, headline, summary, body, section, tags, published_at, access, created_at, updated_at)
       select 's-' || i, 'https://news.example/s-' || i, 'Headline ' || i, 'A teaser', printf('%.1000c', 'x'), null, '[]', ${t('stories')}, 'subscriber', ${t('stories')}, ${t('stories')} from n`,
    `${rowsOf(n.digests as number)} insert into digests (subscriber_id, cadence, period_key, period_start, period_end, story_count, created_at, built_at)
       select i % ${readers} + 1, 'daily', 'p' || i, ${t('digests')}, ${t('digests')}, 10, ${t('digests')}, ${t('digests')} from n`,
    `${rowsOf(n.matches as number)} insert into matches (subscriber_id, story_id, revision, cadence, subscription_ids, digest_id, created_at)
       select ((i % 100) * ${readers / 100} + i / 100) % ${readers} + 1, i / 100 + 1, 0, 'daily', '[]',
         case when i < ${pendingFrom} then i / 10 + 1 end, ${t('matches')} from n`,
    `${rowsOf(n.deliveries as number)} insert into deliveries (kind, digest_id, subscriber_id, recipient, cadence, story_ids, message_id, status, attempts, error, last_reply, created_at, updated_at, sent_at)
       select 'digest', i + 1, i % ${readers} + 1, 'reader-' || (i % ${readers}) || '@example.com', 'daily', '[]', null, 'sent', 1, null, '250 ok', ${t('deliveries')}, ${t('deliveries')}, ${t('deliveries')} from n`,
    `${rowsOf(n.trial_clicks as number)} insert into trial_clicks (email, story_external_id, digest_id, campaign_id, created_at)
       select 'reader-' || (i % ${readers}) || '@example.com', 's-' || i, i * 10 + 1, null, ${t('trial_clicks')} from n`,
    `${rowsOf(n.inbound_messages as number)} insert into inbound_messages (source, fingerprint, received_at, subject, sender, raw, raw_bytes, format, reason)
       select 'file', 'f' || i, ${t('inbound_messages')}, 'Undelivered', 'MAILER-DAEMON@mx.example', zeroblob(1024), 1024, 'dsn', 'hard bounce' from n`,
    `${rowsOf(n.bounces as number)} insert into bounces (inbound_id, delivery_id, kind, recipient, status, diagnostic, source, received_at, suppressed)
       select i + 1, i * 100 + 1, 'hard', 'reader-' || i || '@example.com', '5.1.1', 'user unknown', 'file', ${t('bounces')}, null from n`,
  ].map((text) => sql.raw(text));
}

function postgresInserts(n: Counts, start: number) {
  const t = (table: string, i = 'i') => postgresTime(start, n[table] as number, i);
  const readers = n.subscribers as number;
  const pendingFrom = Math.floor((n.matches as number) * 0.99);
  const series = (table: string) => `from generate_series(0, ${(n[table] as number) - 1}) as i`;
  return [
    `insert into subscribers (email, name, plan, trial_ends_at, tz, status, marketing_consent, created_at, updated_at)
       select 'reader-' || i || '@example.com', null, 'free', null, 'UTC', 'active', false, ${t('subscribers', '0')}, ${t('subscribers', '0')} ${series('subscribers')}`,
    `insert into stories (external_id, url, headline, summary, body, section, tags, published_at, access, created_at, updated_at)
       select 's-' || i, 'https://news.example/s-' || i, 'Headline ' || i, 'A teaser', repeat('x', 1000), null, '[]', ${t('stories')}, 'subscriber', ${t('stories')}, ${t('stories')} ${series('stories')}`,
    `insert into digests (subscriber_id, cadence, period_key, period_start, period_end, story_count, created_at, built_at)
       select i % ${readers} + 1, 'daily', 'p' || i, ${t('digests')}, ${t('digests')}, 10, ${t('digests')}, ${t('digests')} ${series('digests')}`,
    `insert into matches (subscriber_id, story_id, revision, cadence, subscription_ids, digest_id, created_at)
       select ((i % 100) * ${readers / 100} + i / 100) % ${readers} + 1, i / 100 + 1, 0, 'daily', '[]',
         case when i < ${pendingFrom} then i / 10 + 1 end, ${t('matches')} ${series('matches')}`,
    `insert into deliveries (kind, digest_id, subscriber_id, recipient, cadence, story_ids, message_id, status, attempts, error, last_reply, created_at, updated_at, sent_at)
       select 'digest', i + 1, i % ${readers} + 1, 'reader-' || (i % ${readers}) || '@example.com', 'daily', '[]', null, 'sent', 1, null, '250 ok', ${t('deliveries')}, ${t('deliveries')}, ${t('deliveries')} ${series('deliveries')}`,
    `insert into trial_clicks (email, story_external_id, digest_id, campaign_id, created_at)
       select 'reader-' || (i % ${readers}) || '@example.com', 's-' || i, i * 10 + 1, null, ${t('trial_clicks')} ${series('trial_clicks')}`,
    `insert into inbound_messages (source, fingerprint, received_at, subject, sender, raw, raw_bytes, format, reason)
       select 'file', 'f' || i, ${t('inbound_messages')}, 'Undelivered', 'MAILER-DAEMON@mx.example', convert_to(repeat('x', 1024), 'UTF8'), 1024, 'dsn', 'hard bounce' ${series('inbound_messages')}`,
    `insert into bounces (inbound_id, delivery_id, kind, recipient, status, diagnostic, source, received_at, suppressed)
       select i + 1, i * 100 + 1, 'hard', 'reader-' || i || '@example.com', '5.1.1', 'user unknown', 'file', ${t('bounces')}, null ${series('bounces')}`,
  ].map((text) => sql.raw(text));
}

/**
 * Drops the seeded tables' indexes other than primary keys and unique constraints, and
 * returns the statements that make them again.
 */
async function dropSecondaryIndexes(db: Db): Promise<string[]> {
  const list = SEEDED.map((table) => `'${table}'`).join(', ');
  const rows = isPostgres(db)
    ? await sql<{
        name: string;
        definition: string;
      }>`select indexname as name, indexdef as definition
        from pg_indexes where tablename in (${sql.raw(list)})
        and indexname not in (select conname from pg_constraint)`.execute(db)
    : await sql<{
        name: string;
        definition: string;
      }>`select name, sql as definition from sqlite_master
        where type = 'index' and sql is not null and tbl_name in (${sql.raw(list)})`.execute(db);
  for (const row of rows.rows) await sql.raw(`drop index ${row.name}`).execute(db);
  return rows.rows.map((row) => row.definition);
}
