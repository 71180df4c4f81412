import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, isPostgres, openDatabase } from '../../db/connection.js';
import { DirectWorkQueue } from '../../jobs/direct-work-queue.js';
import { sendContextOf } from '../../src/app.js';
import {
  findDeliveryBounces,
  guardCampaignOfDelivery,
  listBounces,
  processInboundMessage,
  reportDeliveryStats,
  STATS_GROUPINGS,
} from '../../src/services/bounces/index.js';
import { runScheduleTick } from '../../src/services/digests/schedule-tick.service.js';
import { saveReader } from '../../src/services/readers/readers.service.js';
import { subscribe } from '../../src/services/readers/subscriptions.service.js';
import { pruneOldData } from '../../src/services/retention/index.js';
import { RuleCatalog } from '../../src/services/topics/rule-catalog.js';
import { addTopic } from '../../src/services/topics/topics.service.js';
import { bounceOf } from '../support/bounce-helpers.js';
import { makeStory, publish } from '../support/flow-helpers.js';
import { planLines } from '../support/query-plan.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-test-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';

/** The tables that grow with readers and stories: a full scan of one is a bug at 100,000. */
const BIG_TABLES = [
  'matches',
  'subscriptions',
  'deliveries',
  'digests',
  'bounces',
  'inbound_messages',
  'suppressions',
];

interface Statement {
  sql: string;
  parameters: readonly unknown[];
}

/** The plan's lines that read a big table in full, with no index that fits. */
async function fullScans(db: Db, statement: Statement): Promise<string[]> {
  if (isPostgres(db)) {
    // Tiny tables make a sequential scan the cheap choice; forbidding it shows whether an
    // index fits at all (the planner falls back to one only when none does).
    return db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      const plan = await trx.executeQuery<{ 'QUERY PLAN': string }>(
        CompiledQuery.raw(`explain ${statement.sql}`, [...statement.parameters]),
      );
      return plan.rows
        .map((row) => row['QUERY PLAN'])
        .filter((line) => BIG_TABLES.some((table) => line.includes(`Seq Scan on ${table}`)));
    });
  }
  const plan = await db.executeQuery<{ detail: string }>(
    CompiledQuery.raw(`explain query plan ${statement.sql}`, [...statement.parameters]),
  );
  // Walking a partial index reads only the rows it holds: the rows the query wants.
  const partial = await partialIndexes(db);
  return plan.rows
    .map((row) => row.detail)
    .filter((detail) => BIG_TABLES.some((table) => new RegExp(`^SCAN ${table}\\b`).test(detail)))
    .filter((detail) => !partial.some((index) => detail.endsWith(`USING INDEX ${index}`)));
}

/** SQLite's partial indexes, by name. */
async function partialIndexes(db: Db): Promise<string[]> {
  const rows = await db.executeQuery<{ name: string }>(
    CompiledQuery.raw(
      "select name from sqlite_master where type = 'index' and lower(sql) like '% where %'",
    ),
  );
  return rows.rows.map((row) => row.name);
}

describe.each(DIALECTS)('the digest path uses an index on every big table (%s)', (dialect) => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let watched: Db;
  const statements: Statement[] = [];

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp(dialect, { smtpUrl: smtp.url });
    // The same database through a connection that notes every statement it runs.
    watched = openDatabase(t.database.config, {
      onQuery: (text, parameters) => statements.push({ sql: text, parameters }),
    });
    t.setNow(new Date('2026-11-27T05:00:00Z'));
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
    await addTopic(t.app, { slug: 'sanctions', name: 'Sanctions', query: 'sanctions' });
    for (const [email, cadence] of [
      ['ann@corp.example', 'daily'],
      ['bo@corp.example', 'daily'],
      ['cy@corp.example', 'instant'],
    ] as const) {
      await saveReader(t.app, {
        email,
        name: null,
        plan: email.startsWith('ann') ? 'subscriber' : 'free',
        trialEndsAt: null,
        tz: 'Europe/Berlin',
        marketingConsent: false,
      });
      await subscribe(t.app, { email, topic: 'customs', cadence });
      await subscribe(t.app, { email, topic: 'sanctions', cadence });
    }
  });
  afterAll(async () => {
    await watched.destroy();
    await t.close();
    await smtp.close();
  });

  it('from publish through the morning digests to the sent mail', async () => {
    const app = { ...t.app, db: watched };
    const catalog = new RuleCatalog(watched, t.app.log);
    const queue = new DirectWorkQueue();
    await publish(app, queue, [
      makeStory('c-1', { headline: 'Customs rules for steel' }),
      makeStory('s-1', { headline: 'New sanctions on shipping' }),
    ]);
    const ctx = { ...sendContextOf(app), queue };
    await queue.drain(ctx, catalog);
    // The next morning, after the 07:00 send time in Berlin.
    t.setNow(new Date('2026-11-28T06:30:00Z'));
    await runScheduleTick(ctx, { pendingAlertsBefore: t.app.now() });
    await queue.drain(ctx, catalog);
    expect(smtp.received.length).toBeGreaterThanOrEqual(3);

    const onBigTables = statements.filter((s) =>
      BIG_TABLES.some((table) => new RegExp(`\\b${table}\\b`).test(s.sql)),
    );
    expect(onBigTables.length).toBeGreaterThan(10);
    expect(await scansIn(onBigTables)).toEqual([]);
  });

  it.each([
    {
      query: 'the alert sweep',
      shape: /"cadence" = 'instant'.*\+"matches"\."subscriber_id" in/s,
      table: 'matches',
      wanted: 'SEARCH matches USING INDEX matches_waiting (created_at<?)',
    },
    {
      query: 'the owed digests',
      shape: /"built_at" is null.*\+"digests"\."subscriber_id" in/s,
      table: 'digests',
      wanted: 'SEARCH digests USING INDEX digests_unbuilt (created_at<?)',
    },
  ])('$query: read through its partial index, not one probe per active reader', async (c) => {
    const found = statements.find((s) => c.shape.test(s.sql));
    expect(found, `${c.query} ran in the morning above`).toBeDefined();
    const plan = await planLines(t.app.db, found as Statement);
    if (isPostgres(t.app.db)) {
      // On a few rows PostgreSQL's choice of index says little; it must use one.
      expect(plan.join('\n')).toMatch(
        new RegExp(`Index .*Scan using ${c.table}_\\w+ on ${c.table}`),
      );
    } else {
      // Probing by reader was 62-130 ms a tick at 100,000 readers with nothing waiting.
      expect(plan).toContain(c.wanted);
    }
  });

  it('recording bounces: the message known, the delivery found, soft bounces counted', async () => {
    statements.length = 0;
    const app = { ...t.app, db: watched };
    const sent = await listBounceTargets();
    for (const delivery of sent) {
      const soft = bounceOf('dsn-exchange-mailbox-full.eml', t.app.secretKey, delivery);
      await processInboundMessage(app, soft, 'file');
      await processInboundMessage(app, soft, 'file');
    }
    await processInboundMessage(app, bounceOf('arf-abuse.eml', t.app.secretKey, sent[0]!), 'file');
    await listBounces(app, { since: new Date('2026-11-01T00:00:00Z') }, { limit: 100 });
    await listBounces(app, { kind: 'soft' }, { limit: 100 });
    await findDeliveryBounces(
      app,
      sent.map((d) => d.id),
    );
    const onBigTables = statements.filter((s) =>
      BIG_TABLES.some((table) => new RegExp(`\\b${table}\\b`).test(s.sql)),
    );
    expect(onBigTables.length).toBeGreaterThan(10);
    expect(await scansIn(onBigTables)).toEqual([]);
  });

  it('deliveries stats and the campaign guard: each window read through an index', async () => {
    statements.length = 0;
    const app = { ...t.app, db: watched };
    const since = new Date('2026-11-01T00:00:00Z');
    for (const by of STATS_GROUPINGS) await reportDeliveryStats(app, { since, by });
    const [delivery] = await listBounceTargets();
    await guardCampaignOfDelivery(app, delivery!.id);
    const onBigTables = statements.filter((s) =>
      BIG_TABLES.some((table) => new RegExp(`\\b${table}\\b`).test(s.sql)),
    );
    expect(onBigTables.length).toBeGreaterThanOrEqual(12);
    expect(await scansIn(onBigTables)).toEqual([]);
  });

  it('retention: every batch finds its rows by key or index, however big the tables', async () => {
    statements.length = 0;
    const app = { ...t.app, db: watched };
    // Everything is older than a second by the next day: the whole prune runs, batch by batch.
    t.setNow(new Date('2026-11-30T00:00:00Z'));
    const report = await pruneOldData(app, { olderThanMs: 1000, batchSize: 2 });
    expect(report.rows.matches).toBeGreaterThan(2);
    expect(report.rows.deliveries).toBeGreaterThan(2);
    expect(report.rows.bounces).toBeGreaterThan(0);
    const onBigTables = statements.filter((s) =>
      BIG_TABLES.some((table) => new RegExp(`\\b${table}\\b`).test(s.sql)),
    );
    expect(onBigTables.length).toBeGreaterThanOrEqual(10);
    expect(await scansIn(onBigTables)).toEqual([]);
  });

  /** The deliveries sent so far, each one a bounce can be made about. */
  async function listBounceTargets() {
    const rows = await t.app.db
      .selectFrom('deliveries')
      .select(['id', 'recipient'])
      .where('status', '=', 'sent')
      .execute();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    return rows;
  }

  /** Each distinct statement's full scans of a big table, with the statement. */
  async function scansIn(onBigTables: Statement[]): Promise<string[]> {
    const scans: string[] = [];
    const distinct = new Map(onBigTables.map((s) => [s.sql, s]));
    for (const statement of distinct.values()) {
      if (/^\s*insert\b/i.test(statement.sql) && !/\bselect\b/i.test(statement.sql)) continue;
      for (const line of await fullScans(t.app.db, statement))
        scans.push(`${line}\n    in: ${statement.sql}`);
    }
    return scans;
  }
});
