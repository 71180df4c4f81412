import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../db/connection.js';
import { createCampaign } from '../../src/services/campaigns/campaigns.service.js';
import {
  reportCampaignDetail,
  reportCampaigns,
  reportDeliverability,
  reportDigests,
} from '../../src/services/reports/index.js';
import { addTopic } from '../../src/services/topics/topics.service.js';
import { addDailyReaders, sendDailyDigests } from '../support/bounce-helpers.js';
import { addProspect } from '../support/campaign-runner.js';
import { fullScans, type Statement } from '../support/query-plan.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-test-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';

/** The tables that grow with readers, mail and time: none may be read in full by a report. */
const BIG_TABLES = [
  'deliveries',
  'digests',
  'matches',
  'subscriptions',
  'bounces',
  'suppressions',
  'trial_clicks',
  'campaign_recipients',
];
/**
 * Suppressions by reason counts every address suppressed now: the whole of the reason index,
 * never the table.
 */
const WHOLE_INDEX_WANTED = ['suppressions_reason'];

/**
 * Every statement the reports run, explained: each walks an index on its window or key
 * (bench:http --routes admin measures them at 10M deliveries).
 */
describe.each(DIALECTS)('the reports read big tables through an index (%s)', (dialect) => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let watched: Db;
  const statements: Statement[] = [];

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp(dialect, { smtpUrl: smtp.url });
    watched = openDatabase(t.database.config, {
      onQuery: (text, parameters) => statements.push({ sql: text, parameters }),
    });
    t.setNow(new Date('2026-11-26T12:00:00Z'));
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
    await addDailyReaders(t, ['ann@corp.example', 'bo@corp.example']);
    await sendDailyDigests(t, '2026-11-27');
    await addProspect(t.app, 'pat@prospects.example');
    await createCampaign(t.app, { name: 'Winter trial', subject: 'Read free', rate: 10 });
    t.setNow(new Date('2026-11-28T12:00:00Z'));
  });
  afterAll(async () => {
    await watched.destroy();
    await t.close();
    await smtp.close();
  });

  it('campaigns, one campaign, deliverability and digests, over 30 and 90 days', async () => {
    const app = { ...t.app, db: watched };
    for (const days of [30, 90]) {
      await reportCampaigns(app, { days });
      await reportDeliverability(app, { days });
      await reportDigests(app, { days });
    }
    await reportCampaignDetail(app, 1);
    const onBigTables = statements.filter((s) =>
      BIG_TABLES.some((table) => new RegExp(`\\b${table}\\b`).test(s.sql)),
    );
    expect(onBigTables.length).toBeGreaterThan(10);
    const scans: string[] = [];
    for (const statement of new Map(onBigTables.map((s) => [s.sql, s])).values())
      for (const line of await fullScans(t.app.db, statement, BIG_TABLES, WHOLE_INDEX_WANTED))
        scans.push(`${line}\n    in: ${statement.sql}`);
    expect(scans).toEqual([]);
    // The check itself sees a scan when there is one.
    const unindexed = {
      sql: "select count(*) from deliveries where error like '%x'",
      parameters: [],
    };
    expect(await fullScans(t.app.db, unindexed, BIG_TABLES)).not.toEqual([]);
  });
});
