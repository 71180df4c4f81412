import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findReaderByEmail } from '../../../db/repositories/reader.repository.js';
import type { ReaderColumn, ReaderRecord, RowProblem } from '../../../src/domain/reader-file.js';
import { readerFileRows } from '../../../src/domain/reader-file.js';
import { exportReaders } from '../../../src/services/readers/export-readers.service.js';
import { importReaders } from '../../../src/services/readers/import-readers.service.js';
import { addReader, updateReader } from '../../../src/services/readers/reader-edits.service.js';
import { listSubscriptions } from '../../../src/services/readers/subscriptions.service.js';
import { addTopic } from '../../../src/services/topics/topics.service.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { DIALECTS } from '../../support/test-database.js';

/** Records as the CSV reader hands them over: line numbers from 2, blank cells left out. */
function records(rows: Partial<Record<ReaderColumn, string>>[], firstLine = 2): ReaderRecord[] {
  return rows.map((values, i) => ({
    line: firstLine + i,
    values: Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '')),
  }));
}

async function* stream(items: ReaderRecord[]): AsyncGenerator<ReaderRecord> {
  yield* items;
}

describe.each(DIALECTS)('importing readers (%s)', (dialect) => {
  let t: TestApp;
  const NOW = new Date('2026-11-28T12:00:00Z');

  beforeAll(async () => {
    t = await createTestApp(dialect);
    t.setNow(NOW);
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
    await addTopic(t.app, { slug: 'sanctions', name: 'Sanctions', query: 'sanction*' });
  });
  afterAll(async () => t.close());

  const run = async (
    rows: ReaderRecord[],
    options: { update?: boolean; dryRun?: boolean; batchSize?: number } = {},
  ) => {
    const problems: RowProblem[] = [];
    const report = await importReaders(t.app, stream(rows), {
      update: options.update ?? false,
      dryRun: options.dryRun ?? false,
      consentSource: 'import:readers.csv',
      batchSize: options.batchSize ?? 2,
      onRejected: (p) => problems.push(p),
    });
    return { report, problems };
  };

  it('imports the good rows and reports each bad one with its line and column', async () => {
    const { report, problems } = await run(
      records([
        {
          email: 'Ann@Corp.example',
          name: 'Ann',
          plan: 'subscriber',
          tz: 'Europe/Berlin',
          topics: 'customs;sanctions',
          cadence: 'weekly',
          day: 'friday',
          at: '08:00',
        },
        { email: 'not-an-address' },
        { email: 'bo@corp.example', plan: 'gold' },
        { email: 'cy@corp.example', tz: 'Mars/Olympus' },
        { email: 'di@corp.example', topics: 'nope' },
        { email: 'ed@corp.example', topics: 'customs', cadence: 'instant', at: '07:00' },
        { email: 'fa@corp.example', topics: 'customs', day: 'monkey' },
        { email: 'gu@corp.example', plan: 'trial' },
        { email: 'ha@corp.example', marketing_consent: 'maybe' },
        { email: 'io@corp.example', trial_ends: '31/12/2026', plan: 'trial' },
        { email: 'ju@corp.example', marketing_consent: 'yes' },
      ]),
    );
    expect(problems.map((p) => [p.line, p.column])).toEqual([
      [3, 'email'],
      [4, 'plan'],
      [5, 'tz'],
      [6, 'topics'],
      [7, 'at'],
      [8, 'day'],
      [9, 'trial_ends'],
      [10, 'marketing_consent'],
      [11, 'trial_ends'],
    ]);
    expect(problems[3]?.message).toMatch(/no topic "nope"/);
    expect(problems[5]?.message).toMatch(/monkey/);
    expect(report).toMatchObject({ rows: 11, added: 2, rejected: 9, subscriptionsAdded: 2 });
    const ann = await findReaderByEmail(t.app.db, 'ann@corp.example');
    expect(ann).toMatchObject({ name: 'Ann', plan: 'subscriber', tz: 'Europe/Berlin' });
    const subs = await listSubscriptions(t.app, 'ann@corp.example');
    expect(subs.map((s) => [s.topicSlug, s.cadence, s.sendAt, s.weekday])).toEqual([
      ['customs', 'weekly', '08:00', 5],
      ['sanctions', 'weekly', '08:00', 5],
    ]);
    // Friday 4 December 2026, 08:00 in Berlin.
    expect(subs[0]?.nextDueAt?.toISOString()).toBe('2026-12-04T07:00:00.000Z');
    expect(await findReaderByEmail(t.app.db, 'bo@corp.example')).toBeUndefined();
  });

  it('records consent given without a source as the import, at the time of the import', async () => {
    const ju = await findReaderByEmail(t.app.db, 'ju@corp.example');
    expect(ju).toMatchObject({ marketingConsent: true, consentSource: 'import:readers.csv' });
    expect(ju?.consentAt?.toISOString()).toBe(NOW.toISOString());
    await run(
      records([
        {
          email: 'ki@corp.example',
          marketing_consent: 'yes',
          consent_source: 'webinar',
          consent_at: '2026-10-01T10:00:00Z',
        },
      ]),
    );
    const ki = await findReaderByEmail(t.app.db, 'ki@corp.example');
    expect(ki).toMatchObject({ consentSource: 'webinar' });
    expect(ki?.consentAt?.toISOString()).toBe('2026-10-01T10:00:00.000Z');
  });

  it('changes nothing when the same rows come again, with or without --update', async () => {
    const rows = records([
      {
        email: 'ann@corp.example',
        name: 'Ann',
        plan: 'subscriber',
        tz: 'Europe/Berlin',
        topics: 'customs;sanctions',
        cadence: 'weekly',
        day: 'fri',
        at: '08:00',
      },
      { email: 'ju@corp.example', marketing_consent: 'yes' },
    ]);
    const before = await exportAll();
    expect((await run(rows)).report).toMatchObject({ added: 0, skipped: 2, updated: 0 });
    expect((await run(rows, { update: true })).report).toMatchObject({
      added: 0,
      updated: 0,
      unchanged: 2,
      subscriptionsAdded: 0,
      subscriptionsChanged: 0,
    });
    expect(await exportAll()).toEqual(before);
  });

  it('leaves an existing reader as is without --update, and with it changes only the columns given', async () => {
    t.setNow(new Date('2026-11-28T13:00:00Z'));
    await addReader(t.app, 'lu@corp.example', { name: 'Lu', plan: 'subscriber', tz: 'Asia/Tokyo' });
    const skipped = await run(records([{ email: 'lu@corp.example', name: 'Lucy' }]));
    expect(skipped.report).toMatchObject({ skipped: 1, updated: 0 });
    expect(await findReaderByEmail(t.app.db, 'lu@corp.example')).toMatchObject({ name: 'Lu' });

    const updated = await run(
      records([{ email: 'lu@corp.example', name: 'Lucy', topics: 'customs' }]),
      {
        update: true,
      },
    );
    expect(updated.report).toMatchObject({ updated: 1, subscriptionsAdded: 1 });
    // Plan, zone and consent were not in the row: they stay.
    expect(await findReaderByEmail(t.app.db, 'lu@corp.example')).toMatchObject({
      name: 'Lucy',
      plan: 'subscriber',
      tz: 'Asia/Tokyo',
      marketingConsent: false,
    });
    // A followed topic's schedule changes only in what the row gives, its next send with it.
    await run(records([{ email: 'lu@corp.example', topics: 'customs', at: '06:15' }]), {
      update: true,
    });
    const [sub] = await listSubscriptions(t.app, 'lu@corp.example');
    expect(sub).toMatchObject({ cadence: 'daily', sendAt: '06:15' });
    expect(sub?.nextDueAt?.toISOString()).toBe('2026-11-28T21:15:00.000Z');
    // An existing follow's schedule that makes no sense is refused, and nothing of the row lands.
    const bad = await run(
      records([
        {
          email: 'lu@corp.example',
          name: 'Lucinda',
          topics: 'customs',
          cadence: 'instant',
          at: '05:00',
        },
      ]),
      { update: true },
    );
    expect(bad.problems.map((p) => p.column)).toEqual(['at']);
    expect(await findReaderByEmail(t.app.db, 'lu@corp.example')).toMatchObject({ name: 'Lucy' });
  });

  it('moves every send time when a new zone comes in', async () => {
    await run(records([{ email: 'lu@corp.example', tz: 'America/New_York' }]), { update: true });
    const [sub] = await listSubscriptions(t.app, 'lu@corp.example');
    expect(sub?.nextDueAt?.toISOString()).toBe('2026-11-29T11:15:00.000Z');
  });

  it('writes nothing on a dry run, yet counts as the real run would', async () => {
    const rows = records([
      { email: 'mo@corp.example', topics: 'customs' },
      { email: 'mo@corp.example', topics: 'sanctions', cadence: 'instant' },
      { email: 'lu@corp.example', name: 'Someone else' },
      { email: 'bad' },
    ]);
    const dry = await run(rows, { dryRun: true, update: true, batchSize: 1 });
    expect(dry.report).toMatchObject({ added: 2, updated: 1, rejected: 1, subscriptionsAdded: 2 });
    expect(await findReaderByEmail(t.app.db, 'mo@corp.example')).toBeUndefined();
    expect(await findReaderByEmail(t.app.db, 'lu@corp.example')).toMatchObject({ name: 'Lucy' });
  });

  it('takes several rows of one new reader (one per schedule), across batches too', async () => {
    const { report } = await run(
      records([
        { email: 'mo@corp.example', name: 'Mo', topics: 'customs' },
        { email: 'mo@corp.example', name: 'Mo', topics: 'sanctions', cadence: 'instant' },
      ]),
      { batchSize: 1 },
    );
    expect(report).toMatchObject({ added: 2, readersAdded: 1, subscriptionsAdded: 2 });
    expect(await findReaderByEmail(t.app.db, 'mo@corp.example')).toMatchObject({ name: 'Mo' });
    const subs = await listSubscriptions(t.app, 'mo@corp.example');
    expect(subs.map((s) => [s.topicSlug, s.cadence])).toEqual([
      ['customs', 'daily'],
      ['sanctions', 'instant'],
    ]);
  });

  it.each([
    ['one batch', 100, false],
    ['batches apart', 1, false],
    ['a dry run, batches apart', 1, true],
  ])(
    'rejects a further row of a new reader whose fields disagree with the first (%s)',
    async (_what, batchSize, dryRun) => {
      const tag = `${batchSize}${dryRun ? 'd' : ''}`;
      const dup = `dup${tag}@corp.example`;
      const { report, problems } = await run(
        records(
          [
            { email: dup, plan: 'subscriber', tz: 'Europe/Berlin', topics: 'customs' },
            { email: `other${tag}@corp.example` },
            { email: dup, plan: 'free', tz: 'Asia/Tokyo', topics: 'sanctions' },
            // Blank or the same reader fields, another schedule: the export's form, merged.
            { email: dup, tz: 'Europe/Berlin', topics: 'sanctions', cadence: 'weekly', day: 'mon' },
            { email: dup.toUpperCase(), name: 'Dee', marketing_consent: 'yes' },
          ],
          1,
        ),
        { batchSize, dryRun },
      );
      expect(problems).toEqual([
        {
          line: 3,
          column: 'email',
          message: expect.stringMatching(
            new RegExp(`^${dup} is already on line 1 with a different plan and tz \\(`),
          ),
        },
        {
          line: 5,
          column: 'email',
          message: expect.stringMatching(
            /is already on line 1 with a different name and marketing_consent/,
          ),
        },
      ]);
      expect(report).toMatchObject({
        rows: 5,
        added: 3,
        readersAdded: 2,
        rejected: 2,
        subscriptionsAdded: 2,
      });
      const stored = await findReaderByEmail(t.app.db, dup);
      if (dryRun) {
        expect(stored).toBeUndefined();
        return;
      }
      expect(stored).toMatchObject({ plan: 'subscriber', tz: 'Europe/Berlin', name: null });
      const subs = await listSubscriptions(t.app, dup);
      expect(subs.map((s) => [s.topicSlug, s.cadence])).toEqual([
        ['customs', 'daily'],
        ['sanctions', 'weekly'],
      ]);
    },
  );

  it('exports rows that import back into a fresh database as the same readers', async () => {
    const exported = await exportAll();
    const other = await createTestApp(dialect);
    try {
      other.setNow(NOW);
      await addTopic(other.app, { slug: 'customs', name: 'Customs', query: 'customs' });
      await addTopic(other.app, { slug: 'sanctions', name: 'Sanctions', query: 'sanction*' });
      const fileRows = exported.flatMap((e) => e.rows);
      const report = await importReaders(other.app, stream(records(fileRows)), {
        update: false,
        dryRun: false,
        consentSource: 'import:x',
        batchSize: 3,
      });
      expect(report.rejected).toBe(0);
      const again: typeof exported = [];
      for await (const e of exportReaders(other.app))
        again.push({ email: e.reader.email, rows: readerFileRows(e.reader, e.subscriptions) });
      expect(again).toEqual(exported);
    } finally {
      await other.close();
    }
  });

  it('edits by hand change only what is given; consent by hand is recorded as cli', async () => {
    t.setNow(new Date('2026-11-28T14:00:00Z'));
    const { changed } = await updateReader(t.app, 'lu@corp.example', {
      consent: { given: true, source: null, at: null },
    });
    expect(changed.sort()).toEqual(['consentAt', 'consentSource', 'marketingConsent']);
    expect(await findReaderByEmail(t.app.db, 'lu@corp.example')).toMatchObject({
      name: 'Lucy',
      plan: 'subscriber',
      tz: 'America/New_York',
      consentSource: 'cli',
    });
    await expect(addReader(t.app, 'lu@corp.example', {})).rejects.toThrow(/already a reader/);
    await expect(updateReader(t.app, 'lu@corp.example', { plan: 'trial' })).rejects.toThrow(
      /trial ends/,
    );
  });

  async function exportAll() {
    const out: { email: string; rows: ReturnType<typeof readerFileRows> }[] = [];
    for await (const e of exportReaders(t.app))
      out.push({ email: e.reader.email, rows: readerFileRows(e.reader, e.subscriptions) });
    return out.sort((a, b) => a.email.localeCompare(b.email));
  }
});
