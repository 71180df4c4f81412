import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportDigests } from '../../../src/services/reports/index.js';
import { addTopic } from '../../../src/services/topics/topics.service.js';
import { addDailyReaders, sendDailyDigests } from '../../support/bounce-helpers.js';
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp-test-server.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { DIALECTS } from '../../support/test-database.js';

/**
 * Closed days of a report are counted once and kept; open days (yesterday, today) and days
 * with an email still unsettled are counted from the rows each time.
 */
describe.each(DIALECTS)('the reports keep closed days (%s)', { timeout: 120_000 }, (dialect) => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  const run = async (day: string) =>
    (await reportDigests(t.app, { days: 30 })).runs.find((r) => r.day === day)!;
  const kept = async () =>
    (
      await t.app.db
        .selectFrom('report_days')
        .select('day')
        .where('series', '=', 'digest-runs')
        .orderBy('day')
        .execute()
    ).map((r) => r.day);

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp(dialect, { smtpUrl: smtp.url });
    t.setNow(new Date('2026-11-24T12:00:00Z'));
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
    await addDailyReaders(t, ['ann@corp.example', 'bo@corp.example']);
    await sendDailyDigests(t, '2026-11-25');
    await sendDailyDigests(t, '2026-11-26');
    await sendDailyDigests(t, '2026-11-27');
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('keeps settled closed days, counts the open ones and the unsettled ones live', async () => {
    // One of the 26th's emails is left with the mail server: that day is not final yet.
    const unsettled = await t.app.db
      .selectFrom('deliveries')
      .select('id')
      .where('created_at', '>=', '2026-11-26T00:00:00.000Z')
      .where('created_at', '<', '2026-11-27T00:00:00.000Z')
      .executeTakeFirstOrThrow();
    await t.app.db
      .updateTable('deliveries')
      .set({ status: 'sending' })
      .where('id', '=', unsettled.id)
      .execute();
    t.setNow(new Date('2026-11-28T12:00:00Z'));
    expect(await run('2026-11-25')).toMatchObject({ due: 2, sent: 2, unknown: 0 });
    expect(await run('2026-11-26')).toMatchObject({ due: 2, sent: 1, unknown: 1 });
    expect(await run('2026-11-27')).toMatchObject({ due: 2, sent: 2 });
    // Days before the 25th had nothing and are kept as such; the 26th waits; the 27th is open.
    const days = await kept();
    expect(days).toContain('2026-11-25');
    expect(days).not.toContain('2026-11-26');
    expect(days).not.toContain('2026-11-27');

    // Settled, the 26th is counted again and kept; yesterday stays live.
    await t.app.db
      .updateTable('deliveries')
      .set({ status: 'sent' })
      .where('id', '=', unsettled.id)
      .execute();
    expect(await run('2026-11-26')).toMatchObject({ sent: 2, unknown: 0 });
    expect(await kept()).toContain('2026-11-26');
  });

  it('a kept day stays as it was when its rows are deleted (retention); today is live', async () => {
    const before = await run('2026-11-25');
    await t.app.db
      .deleteFrom('deliveries')
      .where('created_at', '<', '2026-11-26T00:00:00.000Z')
      .execute();
    expect(await run('2026-11-25')).toEqual(before);
    await sendDailyDigests(t, '2026-11-28');
    t.setNow(new Date('2026-11-28T12:00:00Z'));
    expect(await run('2026-11-28')).toMatchObject({ due: 2, sent: 2 });
  });
});
