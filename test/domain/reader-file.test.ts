import { describe, expect, it } from 'vitest';
import {
  conflictingColumns,
  parseReaderRecord,
  ReaderHeaderError,
  readerFileRows,
  readReaderHeader,
} from '../../src/domain/reader-file.js';
import { applyScheduleRequest, parseWeekday } from '../../src/domain/subscription.js';

describe('weekday names', () => {
  it('takes mon..sun and full English names in any case, nothing else', () => {
    expect(['mon', 'TUE', 'Wednesday', 'sunday', ' fri '].map(parseWeekday)).toEqual([
      1, 2, 3, 7, 5,
    ]);
    for (const wrong of ['monkey', 'mo', 'thurs', '1', '']) expect(parseWeekday(wrong)).toBeNull();
  });
});

describe('applying a schedule request', () => {
  const daily = { cadence: 'daily' as const, sendAt: '08:00', weekday: null, weekdays: true };

  it('keeps what the request does not give', () => {
    expect(applyScheduleRequest(daily, { sendAt: '06:30' })).toEqual({ ...daily, sendAt: '06:30' });
    expect(applyScheduleRequest(daily, { cadence: 'weekly', weekday: 5 })).toEqual({
      cadence: 'weekly',
      sendAt: '08:00',
      weekday: 5,
      weekdays: false,
    });
  });

  it('refuses what does not fit the cadence, naming the option', () => {
    expect(applyScheduleRequest(daily, { cadence: 'instant', sendAt: '07:00' })).toMatchObject({
      conflict: { field: 'sendAt' },
    });
    expect(applyScheduleRequest(daily, { weekday: 2 })).toMatchObject({
      conflict: { field: 'weekday' },
    });
    expect(applyScheduleRequest(null, { cadence: 'weekly', weekdays: true })).toMatchObject({
      conflict: { field: 'weekdays' },
    });
  });

  it('gives a new follow daily 07:00, or weekly on Mondays when only a day is asked for', () => {
    expect(applyScheduleRequest(null, {})).toEqual({
      cadence: 'daily',
      sendAt: '07:00',
      weekday: null,
      weekdays: false,
    });
    expect(applyScheduleRequest(null, { weekday: 3 })).toMatchObject({
      cadence: 'weekly',
      weekday: 3,
    });
  });
});

describe("a readers' file", () => {
  it('matches header names without case and names the unknown ones', () => {
    const header = readReaderHeader([' Email', 'NAME', 'shoe_size']);
    expect(header).toEqual({ columns: ['email', 'name', null], unknown: ['shoe_size'] });
    expect(() => readReaderHeader(['name'])).toThrow(ReaderHeaderError);
    expect(() => readReaderHeader(['email', 'Email'])).toThrow(/appears twice/);
  });

  it('leaves out what a row does not give, so an update never changes it', () => {
    const parsed = parseReaderRecord(
      { line: 2, values: { email: ' Ann@Corp.Example ', name: 'Ann\u001b[31m' } },
      () => true,
    );
    expect(parsed).toEqual({
      ok: true,
      row: { line: 2, email: 'ann@corp.example', name: 'Ann', topics: [], schedule: {} },
    });
  });

  it('refuses consent details without consent, and a schedule without topics', () => {
    const known = () => true;
    expect(
      parseReaderRecord({ line: 3, values: { email: 'a@b.example', consent_source: 'x' } }, known),
    ).toMatchObject({ ok: false, problem: { line: 3, column: 'consent_source' } });
    expect(
      parseReaderRecord({ line: 4, values: { email: 'a@b.example', cadence: 'daily' } }, known),
    ).toMatchObject({ ok: false, problem: { line: 4, column: 'cadence' } });
  });

  it('writes one row per schedule, reading back to the same follows', () => {
    const reader = {
      email: 'ann@corp.example',
      name: 'Smith, Ann',
      plan: 'subscriber' as const,
      trialEndsAt: null,
      tz: 'Europe/Berlin',
      marketingConsent: true,
      consentSource: 'webinar',
      consentAt: new Date('2026-10-01T10:00:00Z'),
    };
    const rows = readerFileRows(reader, [
      { topicSlug: 'customs', cadence: 'daily', sendAt: '07:00', weekday: null, weekdays: true },
      { topicSlug: 'sanctions', cadence: 'daily', sendAt: '07:00', weekday: null, weekdays: true },
      { topicSlug: 'tariffs', cadence: 'weekly', sendAt: '09:00', weekday: 5, weekdays: false },
      { topicSlug: null, cadence: 'instant', sendAt: '07:00', weekday: null, weekdays: false },
    ]);
    expect(rows.map((r) => [r.topics, r.cadence, r.at, r.day])).toEqual([
      ['customs;sanctions', 'daily', '07:00', 'weekdays'],
      ['tariffs', 'weekly', '09:00', 'fri'],
    ]);
    const back = rows.map((values, i) =>
      parseReaderRecord(
        { line: i + 2, values: Object.fromEntries(Object.entries(values).filter(([, v]) => v)) },
        () => true,
      ),
    );
    expect(back.map((b) => (b.ok ? b.row.schedule : b.problem))).toEqual([
      { cadence: 'daily', sendAt: '07:00', weekdays: true },
      { cadence: 'weekly', sendAt: '09:00', weekday: 5 },
    ]);
  });
});

describe('further rows of a new reader', () => {
  const first = {
    name: 'Dee',
    plan: 'trial' as const,
    trialEndsAt: new Date('2026-12-31T00:00:00Z'),
    tz: 'Europe/Berlin',
    marketingConsent: true,
    consentSource: 'form',
    consentAt: new Date('2026-11-01T10:00:00Z'),
  };
  const columnsOf = (values: Record<string, string>) => {
    const parsed = parseReaderRecord(
      { line: 3, values: { email: 'dee@x.example', ...values } },
      () => true,
    );
    if (!parsed.ok) throw new Error(parsed.problem.message);
    return conflictingColumns(first, parsed.row);
  };

  it('agree when they leave the fields blank or repeat them, whatever their topics and schedule', () => {
    expect(columnsOf({ topics: 'a', cadence: 'instant' })).toEqual([]);
    expect(
      columnsOf({
        name: 'Dee',
        plan: 'trial',
        trial_ends: '2026-12-31',
        tz: 'Europe/Berlin',
        marketing_consent: 'yes',
        consent_source: 'form',
        consent_at: '2026-11-01T11:00:00+01:00',
        topics: 'b',
        day: 'mon',
      }),
    ).toEqual([]);
    // Consent without a source or time agrees with consent on record.
    expect(columnsOf({ marketing_consent: 'yes' })).toEqual([]);
  });

  it('name each column that disagrees', () => {
    expect(
      columnsOf({ name: 'D', plan: 'subscriber', trial_ends: '2027-01-31', tz: 'UTC' }),
    ).toEqual(['name', 'plan', 'trial_ends', 'tz']);
    expect(columnsOf({ marketing_consent: 'no' })).toEqual(['marketing_consent']);
    expect(
      columnsOf({ marketing_consent: 'yes', consent_source: 'cli', consent_at: '2026-11-02' }),
    ).toEqual(['consent_source', 'consent_at']);
  });
});
