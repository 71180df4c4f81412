import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { columnTypes } from './column-types.js';

/** The first schema: stories, topics, readers and their subscriptions, matches, digests, deliveries. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);

  // Names this database, so two installations never share one set of queues by mistake.
  await db.schema
    .createTable('installation')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db
    .insertInto('installation' as never)
    .values({ id: randomUUID(), created_at: new Date().toISOString() } as never)
    .execute();

  await db.schema
    .createTable('rule_changes')
    .addColumn('id', t.id, t.identity)
    .addColumn('rule_key', 'text', (c) => c.notNull())
    .addColumn('query', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('stories')
    .addColumn('id', t.id, t.identity)
    .addColumn('external_id', 'text', (c) => c.notNull().unique())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('headline', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('section', 'text')
    .addColumn('tags', t.json, (c) => c.notNull())
    .addColumn('published_at', t.timestamp, (c) => c.notNull())
    .addColumn('access', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('matched_revision', 'integer', (c) => c.notNull().defaultTo(-1))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('stories_published_at')
    .on('stories')
    .column('published_at')
    .execute();

  await db.schema
    .createTable('topics')
    .addColumn('id', t.id, t.identity)
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('subscribers')
    .addColumn('id', t.id, t.identity)
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text')
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('trial_ends_at', t.timestamp)
    .addColumn('tz', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('marketing_consent', t.boolean, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('subscriptions')
    .addColumn('id', t.id, t.identity)
    .addColumn('subscriber_id', 'integer', (c) =>
      c.notNull().references('subscribers.id').onDelete('cascade'),
    )
    .addColumn('topic_id', 'integer', (c) => c.references('topics.id').onDelete('cascade'))
    .addColumn('query', 'text')
    .addColumn('cadence', 'text', (c) => c.notNull())
    .addColumn('send_at', 'text', (c) => c.notNull())
    .addColumn('weekday', 'integer')
    .addColumn('paused', t.boolean, (c) => c.notNull())
    .addColumn('next_due_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addCheckConstraint('subscription_has_one_rule', sql`(topic_id is null) <> (query is null)`)
    .execute();
  await db.schema
    .createIndex('subscriptions_subscriber')
    .on('subscriptions')
    .column('subscriber_id')
    .execute();
  await db.schema
    .createIndex('subscriptions_topic')
    .on('subscriptions')
    .column('topic_id')
    .execute();
  await db.schema
    .createIndex('subscriptions_due')
    .on('subscriptions')
    .columns(['paused', 'next_due_at'])
    .execute();

  await db.schema
    .createTable('digests')
    .addColumn('id', t.id, t.identity)
    .addColumn('subscriber_id', 'integer', (c) =>
      c.notNull().references('subscribers.id').onDelete('cascade'),
    )
    .addColumn('cadence', 'text', (c) => c.notNull())
    .addColumn('period_key', 'text', (c) => c.notNull())
    .addColumn('period_start', t.timestamp, (c) => c.notNull())
    .addColumn('period_end', t.timestamp, (c) => c.notNull())
    .addColumn('story_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('digests_one_per_period', ['subscriber_id', 'cadence', 'period_key'])
    .execute();

  await db.schema
    .createTable('matches')
    .addColumn('id', t.id, t.identity)
    .addColumn('subscriber_id', 'integer', (c) =>
      c.notNull().references('subscribers.id').onDelete('cascade'),
    )
    .addColumn('story_id', 'integer', (c) =>
      c.notNull().references('stories.id').onDelete('cascade'),
    )
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('cadence', 'text', (c) => c.notNull())
    .addColumn('subscription_ids', t.json, (c) => c.notNull())
    .addColumn('digest_id', 'integer', (c) => c.references('digests.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('matches_once_per_reader', ['subscriber_id', 'story_id', 'revision'])
    .execute();
  await db.schema
    .createIndex('matches_pending')
    .on('matches')
    .columns(['subscriber_id', 'digest_id'])
    .execute();
  // The minute sweep looks for instant matches still waiting; only unclaimed rows are indexed.
  await db.schema
    .createIndex('matches_waiting')
    .on('matches')
    .columns(['cadence', 'created_at'])
    .where(sql.ref('digest_id'), 'is', null)
    .execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', t.id, t.identity)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('digest_id', 'integer', (c) => c.unique().references('digests.id'))
    .addColumn('subscriber_id', 'integer', (c) =>
      c.references('subscribers.id').onDelete('set null'),
    )
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('cadence', 'text')
    .addColumn('story_ids', t.json, (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('last_reply', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('sent_at', t.timestamp)
    .execute();
  await db.schema
    .createIndex('deliveries_status')
    .on('deliveries')
    .columns(['status', 'updated_at'])
    .execute();
  await db.schema
    .createIndex('deliveries_recipient')
    .on('deliveries')
    .column('recipient')
    .execute();

  await db.schema
    .createTable('suppressions')
    .addColumn('email', 'text', (c) => c.primaryKey())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('trial_clicks')
    .addColumn('id', t.id, t.identity)
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('story_external_id', 'text', (c) => c.notNull())
    .addColumn('digest_id', 'integer')
    .addColumn('campaign_id', 'integer')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('site_licenses')
    .addColumn('domain', 'text', (c) => c.primaryKey())
    .addColumn('until', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'site_licenses',
    'trial_clicks',
    'suppressions',
    'deliveries',
    'matches',
    'digests',
    'subscriptions',
    'subscribers',
    'topics',
    'stories',
    'rule_changes',
    'installation',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
