/**
 * A database the size the reports must stay fast at, written in SQL inside the database
 * (a recursive series in SQLite, generate_series in PostgreSQL), never row by row from here:
 * 100k readers following 20 topics, `deliveries` emails over the last 400 days (the default
 * RETENTION), 2% of them invitations of 100 finished campaigns, and what came back (bounces,
 * complaints, opt-outs, trial clicks, suppressions), with the last 90 days' digests.
 */
import { sql } from 'kysely';
import { type Db, isPostgres } from '../db/connection.js';

export interface ReportPopulation {
  readers: number;
  deliveries: number;
  campaigns: number;
}

/** Days the deliveries are spread over: the default RETENTION. */
const SPAN_DAYS = 400;
const TOPICS = 20;

/** The tables filled in bulk, whose secondary indexes are dropped and built again after. */
const BULK_TABLES = [
  'subscribers',
  'subscriptions',
  'deliveries',
  'campaign_recipients',
  'trial_clicks',
  'bounces',
  'suppressions',
  'digests',
];

/**
 * Drops the tables' indexes that no constraint owns; gives the statements that make them again.
 */
async function dropSecondaryIndexes(db: Db, tables: readonly string[]): Promise<string[]> {
  const list = tables.map((t) => `'${t}'`).join(', ');
  const rows = isPostgres(db)
    ? await sql
        .raw<{ name: string; definition: string }>(
          `SELECT indexname AS name, indexdef AS definition FROM pg_indexes i WHERE tablename IN (${list}) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
        )
        .execute(db)
    : await sql
        .raw<{ name: string; definition: string }>(
          `SELECT name, sql AS definition FROM sqlite_master WHERE type = 'index' AND tbl_name IN (${list}) AND sql IS NOT NULL`,
        )
        .execute(db);
  for (const row of rows.rows) await sql.raw(`DROP INDEX ${row.name}`).execute(db);
  return rows.rows.map((row) => row.definition);
}

/** Fills an empty, migrated database; gives how long each table took, seconds. */
export async function seedReportPopulation(
  db: Db,
  size: ReportPopulation,
  now: Date,
): Promise<Record<string, number>> {
  const pg = isPostgres(db);
  /** `SELECT … FROM` a series `n` = 1..count. */
  const series = (count: number, select: string) =>
    pg
      ? `SELECT ${select} FROM generate_series(1, ${count}) AS s(n)`
      : `WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${count}) SELECT ${select} FROM s`;
  /** A timestamp column's value from seconds since the epoch. */
  const ts = (seconds: string) =>
    pg ? `to_timestamp(${seconds})` : `strftime('%Y-%m-%dT%H:%M:%fZ', ${seconds}, 'unixepoch')`;
  const yes = pg ? 'true' : '1';
  const no = pg ? 'false' : '0';
  const bytes = pg ? `'\\x00'::bytea` : `x'00'`;
  const today = Math.floor(now.getTime() / 86_400_000) * 86_400;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const R = size.readers;
  const D = size.deliveries;
  const perDay = Math.max(1, Math.floor(D / SPAN_DAYS));
  // Delivery n goes out on day (n-1) / perDay before today, from 07:00 UTC on.
  const sentAt = `${today} - ((n - 1) / ${perDay}) * 86400 + 25200 + (n % 7200)`;
  const timings: Record<string, number> = {};
  // Secondary indexes are built once, after the rows, from a sort: far faster than keeping
  // them up to date row by row.
  const indexes = await dropSecondaryIndexes(db, BULK_TABLES);
  if (!pg) await sql.raw('PRAGMA cache_size = -262144').execute(db);
  const run = async (table: string, text: string) => {
    const started = performance.now();
    await sql.raw(text).execute(db);
    timings[table] = (performance.now() - started) / 1000;
  };

  await run(
    'topics',
    `INSERT INTO topics (slug, name, query, created_at, updated_at) ${series(
      TOPICS,
      `'topic-' || n, 'Topic ' || n, 'topic' || n, ${ts(String(nowSeconds))}, ${ts(String(nowSeconds))}`,
    )}`,
  );
  await run(
    'subscribers',
    `INSERT INTO subscribers (email, name, plan, tz, status, marketing_consent, created_at, updated_at) ${series(
      R,
      `'reader-' || n || '@bench.example', NULL, CASE WHEN n % 3 = 0 THEN 'prospect' ELSE 'subscriber' END, 'UTC', 'active', ${yes}, ${ts(String(nowSeconds))}, ${ts(String(nowSeconds))}`,
    )}`,
  );
  await run(
    'subscriptions',
    `INSERT INTO subscriptions (subscriber_id, topic_id, cadence, send_at, paused, created_at) ${series(
      R,
      `n, (n % ${TOPICS}) + 1, 'daily', '07:00', ${no}, ${ts(String(nowSeconds))}`,
    )}`,
  );
  // 50 stories a day over the last 30 days, each tagged with one topic's word.
  await run(
    'stories',
    `INSERT INTO stories (external_id, url, headline, summary, body, section, tags, published_at, access, created_at, updated_at) ${series(
      1500,
      `'story-' || n, 'https://news.example/' || n, 'Story ' || n || ' on topic' || (n % ${TOPICS} + 1), 'Teaser', 'Body of topic' || (n % ${TOPICS} + 1), NULL, '[]', ${ts(`${nowSeconds} - n * 1700`)}, 'subscriber', ${ts(String(nowSeconds))}, ${ts(String(nowSeconds))}`,
    )}`,
  );
  await run(
    'campaigns',
    `INSERT INTO campaigns (name, subject, audience, intro, story_count, rate, one_per_domain, status, audience_fixed_at, finished_at, created_at, updated_at) ${series(
      size.campaigns,
      `'Campaign ' || n, 'Read free for 14 days', NULL, NULL, 5, 10, ${no}, 'done', ${ts(`${today} - n * 86400 * 3`)}, ${ts(`${today} - n * 86400 * 3 + 3600`)}, ${ts(`${today} - n * 86400 * 3`)}, ${ts(`${today} - n * 86400 * 3`)}`,
    )}`,
  );
  await run(
    'deliveries',
    `INSERT INTO deliveries (id, kind, digest_id, subscriber_id, recipient, cadence, story_ids, message_id, status, attempts, error, last_reply, created_at, updated_at, sent_at) ${series(
      D,
      `n, CASE WHEN n % 50 = 0 THEN 'campaign' ELSE 'digest' END, NULL, (n % ${R}) + 1, 'reader-' || ((n % ${R}) + 1) || '@bench.example', CASE WHEN n % 50 = 0 THEN NULL ELSE 'daily' END, '[]', NULL,
       CASE WHEN n % 200 = 1 THEN 'failed' WHEN n % 1000 = 2 THEN 'sending' ELSE 'sent' END, 1, NULL, NULL,
       ${ts(sentAt)}, ${ts(sentAt)}, CASE WHEN n % 200 = 1 OR n % 1000 = 2 THEN NULL ELSE ${ts(`${sentAt} + 5`)} END`,
    )}`,
  );
  // Every 50th delivery is an invitation; each campaign has a block of them, one per reader.
  const invitations = Math.floor(D / 50);
  const block = Math.max(1, Math.ceil(invitations / size.campaigns));
  await run(
    'campaign_recipients',
    `INSERT INTO campaign_recipients (campaign_id, subscriber_id, email, domain, status, delivery_id, created_at, updated_at) ${series(
      invitations,
      `((n - 1) / ${block}) + 1, (n % ${R}) + 1, 'reader-' || ((n % ${R}) + 1) || '@bench.example', 'bench.example', 'queued', n * 50, ${ts(String(nowSeconds))}, ${ts(String(nowSeconds))}`,
    )}`,
  );
  const clicks = Math.floor(D / 500);
  await run(
    'trial_clicks',
    `INSERT INTO trial_clicks (email, story_external_id, digest_id, campaign_id, created_at, trial_started_at) ${series(
      clicks,
      `'reader-' || ((n % ${R}) + 1) || '@bench.example', 'story-' || (n % 1500 + 1), NULL, (n % ${size.campaigns}) + 1, ${ts(`${nowSeconds} - n * ${Math.floor((SPAN_DAYS * 86400) / clicks)}`)}, CASE WHEN n % 10 = 0 THEN ${ts(String(nowSeconds))} ELSE NULL END`,
    )}`,
  );
  const bounces = Math.floor(D / 200);
  await run(
    'inbound_messages',
    `INSERT INTO inbound_messages (source, fingerprint, received_at, subject, sender, raw, raw_bytes, format, reason) ${series(
      bounces,
      `'smtp', 'fp-' || n, ${ts(`${nowSeconds} - n * ${Math.floor((SPAN_DAYS * 86400) / bounces)}`)}, NULL, NULL, ${bytes}, 1, 'dsn', 'bench'`,
    )}`,
  );
  await run(
    'bounces',
    `INSERT INTO bounces (inbound_id, delivery_id, kind, recipient, status, diagnostic, source, received_at, suppressed) ${series(
      bounces,
      `n, n * 200 - 3, CASE n % 10 WHEN 0 THEN 'complaint' WHEN 1 THEN 'unsubscribe' WHEN 2 THEN 'soft' WHEN 3 THEN 'soft' ELSE 'hard' END, 'reader-' || ((n % ${R}) + 1) || '@bench.example', NULL, NULL, 'smtp', ${ts(`${nowSeconds} - n * ${Math.floor((SPAN_DAYS * 86400) / bounces)}`)}, NULL`,
    )}`,
  );
  await run(
    'suppressions',
    `INSERT INTO suppressions (email, reason, created_at) ${series(
      Math.floor(R / 10),
      `'reader-' || (n * 10) || '@bench.example', CASE n % 4 WHEN 0 THEN 'unsubscribed' WHEN 1 THEN 'hard-bounce' WHEN 2 THEN 'complaint' ELSE 'manual' END, ${ts(`${nowSeconds} - n * 300`)}`,
    )}`,
  );
  // The last 90 days' scheduled digests: one per digest email of those days.
  const digestDays = Math.min(90, SPAN_DAYS);
  await run(
    'digests',
    `INSERT INTO digests (subscriber_id, cadence, period_key, period_start, period_end, story_count, created_at, built_at) ${series(
      perDay * digestDays,
      `(n % ${R}) + 1, 'daily', 'd' || ((n - 1) / ${perDay}) || '-' || n, ${ts(sentAt)}, ${ts(sentAt)}, 3, ${ts(sentAt)}, ${ts(sentAt)}`,
    )}`,
  );
  let started = performance.now();
  for (const definition of indexes) await sql.raw(definition).execute(db);
  timings.indexes = (performance.now() - started) / 1000;
  started = performance.now();
  await sql.raw('ANALYZE').execute(db);
  timings.analyze = (performance.now() - started) / 1000;
  return timings;
}
