import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { findCoveredDates } from '../../src/domain/covered-dates.js';

/** An ISO instant given as local wall time in `zone`. */
function local(zone: string, wall: string): string {
  return DateTime.fromISO(wall, { zone }).toUTC().toISO() as string;
}

describe('findCoveredDates', () => {
  it('is the period’s dates when every story lies inside it', () => {
    const zone = 'Europe/London';
    const period = { start: local(zone, '2026-11-23T07:00'), end: local(zone, '2026-11-30T07:00') };
    const stories = [local(zone, '2026-11-24T09:00'), local(zone, '2026-11-29T18:00')];
    expect(findCoveredDates(period, stories, zone)).toEqual({
      first: '2026-11-23',
      last: '2026-11-30',
    });
  });

  it('reads a story time by its written offset, whatever form it takes', () => {
    const zone = 'Europe/Berlin';
    const period = { start: local(zone, '2026-11-27T07:00'), end: local(zone, '2026-11-28T07:00') };
    // 23:30 in New York on the 28th is 05:30 on the 29th in Berlin: after the period.
    for (const late of [
      '2026-11-28T23:30:00-05:00',
      '2026-11-29T04:30:00.250Z',
      '2026-11-29T04:30Z',
    ])
      expect(findCoveredDates(period, [late], zone)).toEqual({
        first: '2026-11-28',
        last: '2026-11-29',
      });
    // Without an offset, the time is the reader's own wall time.
    expect(findCoveredDates(period, ['2026-11-27T06:59:00'], zone)).toEqual({
      first: '2026-11-27',
      last: '2026-11-28',
    });
  });

  it('reaches the stories of a weekly digest sent late', () => {
    const zone = 'Europe/London';
    const period = { start: local(zone, '2026-11-23T07:00'), end: local(zone, '2026-11-30T07:00') };
    // Built after downtime: it also holds what was published until then.
    const stories = [local(zone, '2026-11-25T10:00'), local(zone, '2026-12-01T08:15')];
    expect(findCoveredDates(period, stories, zone)).toEqual({
      first: '2026-11-23',
      last: '2026-12-01',
    });
  });

  it('names a daily digest by the date it is sent for, when its stories lie inside its period', () => {
    const zone = 'Europe/Berlin';
    const period = { start: local(zone, '2026-11-27T07:00'), end: local(zone, '2026-11-28T07:00') };
    const stories = [local(zone, '2026-11-27T09:00'), local(zone, '2026-11-28T06:30')];
    expect(findCoveredDates(period, stories, zone)).toEqual({
      first: '2026-11-28',
      last: '2026-11-28',
    });
  });

  it('reaches back to a story published before the period', () => {
    const zone = 'UTC';
    const period = { start: '2026-11-27T07:00:00Z', end: '2026-11-28T07:00:00Z' };
    expect(findCoveredDates(period, ['2026-11-20T12:00:00Z'], zone)).toEqual({
      first: '2026-11-20',
      last: '2026-11-28',
    });
  });

  it('does not count the exclusive end: a period ending at local midnight stops the day before', () => {
    const zone = 'America/New_York';
    const period = { start: local(zone, '2026-11-27T00:00'), end: local(zone, '2026-11-28T00:00') };
    expect(findCoveredDates(period, [], zone)).toEqual({ first: '2026-11-27', last: '2026-11-27' });
  });

  it('reads every date in the reader’s zone, not in UTC', () => {
    const period = { start: '2026-11-27T20:00:00Z', end: '2026-11-28T20:00:00Z' };
    // The period ends at 07:00 on the 29th in Sydney, 21:00 on the 28th in Berlin, 12:00 on
    // the 28th in Los Angeles. The story, 23:30 UTC on the 28th, comes after it: the 29th in
    // Sydney and Berlin, still the 28th in Los Angeles.
    const story = '2026-11-28T23:30:00Z';
    expect(findCoveredDates(period, [story], 'Australia/Sydney')).toEqual({
      first: '2026-11-29',
      last: '2026-11-29',
    });
    expect(findCoveredDates(period, [story], 'Europe/Berlin')).toEqual({
      first: '2026-11-28',
      last: '2026-11-29',
    });
    expect(findCoveredDates(period, [story], 'America/Los_Angeles')).toEqual({
      first: '2026-11-28',
      last: '2026-11-28',
    });
    // Half-hour offset: the period ends at 01:30 on the 29th in India; a story inside it, at
    // 00:15 on the 29th there, names no other date.
    expect(findCoveredDates(period, ['2026-11-28T18:45:00Z'], 'Asia/Kolkata')).toEqual({
      first: '2026-11-29',
      last: '2026-11-29',
    });
  });

  it.each([
    // Fall back: the local day of 25 October has 25 hours in London.
    ['Europe/London', '2026-10-25T00:00', '2026-10-26T00:00', '2026-10-25T23:30', '2026-10-25'],
    // Spring forward: 8 March has 23 hours in New York.
    ['America/New_York', '2026-03-08T00:00', '2026-03-09T00:00', '2026-03-08T23:30', '2026-03-08'],
    ['Australia/Sydney', '2026-10-04T00:00', '2026-10-05T00:00', '2026-10-04T23:59', '2026-10-04'],
  ])(
    '%s: a day across a DST change is one date, up to its last local minute',
    (zone, start, end, story, date) => {
      const period = { start: local(zone, start), end: local(zone, end) };
      expect(findCoveredDates(period, [local(zone, story)], zone)).toEqual({
        first: date,
        last: date,
      });
      // One minute past that local midnight is the next date, whatever the day’s length.
      const next = DateTime.fromISO(end, { zone }).plus({ minutes: 1 }).toUTC().toISO() as string;
      expect(findCoveredDates(period, [next], zone)?.last).not.toBe(date);
    },
  );

  it('skips dates it cannot read, and gives null when none is left', () => {
    const period = { start: '2026-11-27T07:00:00Z', end: '2026-11-28T07:00:00Z' };
    expect(findCoveredDates(period, ['yesterday'], 'UTC')).toEqual({
      first: '2026-11-28',
      last: '2026-11-28',
    });
    expect(findCoveredDates({ start: '', end: 'soon' }, ['2026-11-20T12:00:00Z'], 'UTC')).toEqual({
      first: '2026-11-20',
      last: '2026-11-20',
    });
    expect(findCoveredDates({ start: '', end: '' }, [], 'UTC')).toBeNull();
    expect(findCoveredDates(period, [], 'Mars/Olympus')).toBeNull();
  });
});
