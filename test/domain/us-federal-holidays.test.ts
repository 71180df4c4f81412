import { describe, expect, it } from 'vitest';
import {
  isObservedUsFederalHoliday,
  listUsFederalHolidays,
} from '../../src/domain/us-federal-holidays.js';

/** Observed dates as OPM publishes them (opm.gov, "Federal Holidays"). */
const OBSERVED: Record<number, string[]> = {
  2021: [
    '2021-01-01',
    '2021-01-18',
    '2021-02-15',
    '2021-05-31',
    '2021-06-18', // Juneteenth, a Saturday
    '2021-07-05', // Independence Day, a Sunday
    '2021-09-06',
    '2021-10-11',
    '2021-11-11',
    '2021-11-25',
    '2021-12-24', // Christmas, a Saturday
  ],
  2022: [
    '2021-12-31', // New Year's Day 2022, a Saturday: observed in 2021
    '2022-01-17',
    '2022-02-21',
    '2022-05-30',
    '2022-06-20', // Juneteenth, a Sunday
    '2022-07-04',
    '2022-09-05',
    '2022-10-10',
    '2022-11-11',
    '2022-11-24',
    '2022-12-26', // Christmas, a Sunday
  ],
  2023: [
    '2023-01-02', // New Year's Day, a Sunday
    '2023-01-16',
    '2023-02-20',
    '2023-05-29',
    '2023-06-19',
    '2023-07-04',
    '2023-09-04',
    '2023-10-09',
    '2023-11-10', // Veterans Day, a Saturday
    '2023-11-23',
    '2023-12-25',
  ],
  2026: [
    '2026-01-01',
    '2026-01-19',
    '2026-02-16',
    '2026-05-25',
    '2026-06-19',
    '2026-07-03', // Independence Day, a Saturday
    '2026-09-07',
    '2026-10-12',
    '2026-11-11',
    '2026-11-26',
    '2026-12-25',
  ],
};

describe('listUsFederalHolidays', () => {
  it.each(Object.keys(OBSERVED).map(Number))(
    'observes the holidays of %i on OPM’s dates',
    (year) => {
      expect(listUsFederalHolidays(year).map((h) => h.observed)).toEqual(OBSERVED[year]);
    },
  );

  it('keeps the holiday’s own date beside the day it is observed', () => {
    const holidays = listUsFederalHolidays(2026);
    expect(holidays.find((h) => h.name === 'Independence Day')).toEqual({
      name: 'Independence Day',
      date: '2026-07-04',
      observed: '2026-07-03',
    });
    expect(holidays.find((h) => h.name === 'Thanksgiving Day')).toEqual({
      name: 'Thanksgiving Day',
      date: '2026-11-26',
      observed: '2026-11-26',
    });
  });

  it('puts every holiday of a century on its rule and observes it on a weekday', () => {
    const weekday = (iso: string) => new Date(`${iso}T00:00:00Z`).getUTCDay();
    const day = (iso: string) => Number(iso.slice(8));
    for (let year = 2000; year <= 2100; year++) {
      const holidays = new Map(listUsFederalHolidays(year).map((h) => [h.name, h]));
      expect(holidays.size, String(year)).toBe(11);
      for (const { date, observed } of holidays.values()) {
        expect(weekday(observed), observed).toBeGreaterThanOrEqual(1);
        expect(weekday(observed), observed).toBeLessThanOrEqual(5);
        if (weekday(date) >= 1 && weekday(date) <= 5) expect(observed).toBe(date);
      }
      const mlk = holidays.get('Birthday of Martin Luther King, Jr.')!.date;
      expect([weekday(mlk), day(mlk) >= 15 && day(mlk) <= 21], mlk).toEqual([1, true]);
      const memorial = holidays.get('Memorial Day')!.date;
      expect([weekday(memorial), day(memorial) >= 25], memorial).toEqual([1, true]);
      const labor = holidays.get('Labor Day')!.date;
      expect([weekday(labor), day(labor) <= 7], labor).toEqual([1, true]);
      const thanksgiving = holidays.get('Thanksgiving Day')!.date;
      expect([weekday(thanksgiving), day(thanksgiving) >= 22 && day(thanksgiving) <= 28]).toEqual([
        4,
        true,
      ]);
    }
  });
});

describe('isObservedUsFederalHoliday', () => {
  it('is true on the observed date of a shifted holiday, false on the holiday itself', () => {
    expect(isObservedUsFederalHoliday('2026-07-03')).toBe(true);
    expect(isObservedUsFederalHoliday('2026-07-04')).toBe(false);
    expect(isObservedUsFederalHoliday('2022-12-26')).toBe(true);
    expect(isObservedUsFederalHoliday('2022-12-25')).toBe(false);
  });

  it('finds New Year’s Day observed in the year before', () => {
    expect(isObservedUsFederalHoliday('2021-12-31')).toBe(true);
    expect(isObservedUsFederalHoliday('2022-01-01')).toBe(false);
    expect(isObservedUsFederalHoliday('2027-12-31')).toBe(true);
    // 31 December 2026 is a Thursday and 1 January 2027 a Friday: only the latter is off.
    expect(isObservedUsFederalHoliday('2026-12-31')).toBe(false);
    expect(isObservedUsFederalHoliday('2027-01-01')).toBe(true);
  });

  it('is false on ordinary days and on text that is not a date', () => {
    for (const date of ['2026-11-27', '2026-12-24', '2026-05-26', '', '2026-7-3', 'holiday']) {
      expect(isObservedUsFederalHoliday(date), date).toBe(false);
    }
  });

  it('finds exactly the observed days of a calendar year, the next New Year’s included', () => {
    for (const year of [2021, 2022, 2023, 2026]) {
      const days: string[] = [];
      for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; ) {
        const iso = d.toISOString().slice(0, 10);
        if (isObservedUsFederalHoliday(iso)) days.push(iso);
        d = new Date(d.getTime() + 86_400_000);
      }
      const expected = [...OBSERVED[year]!, ...(OBSERVED[year + 1] ?? [])]
        .filter((iso) => iso.startsWith(String(year)))
        .sort();
      expect(days, String(year)).toEqual(expected);
    }
  });
});
