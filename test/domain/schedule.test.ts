import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  digestPeriod,
  isValidSendAt,
  isValidTimeZone,
  latestSendTime,
  nextSendTime,
  type SendSchedule,
} from '../../src/domain/schedule.js';

const ZONES = ['Europe/London', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'UTC'];

function daily(tz: string, sendAt: string): SendSchedule {
  return { cadence: 'daily', sendAt, weekday: null, weekdays: false, tz };
}

/** A daily digest that skips weekends and US federal holidays. */
function weekdaysOnly(tz: string, sendAt: string): SendSchedule {
  return { ...daily(tz, sendAt), weekdays: true };
}

function weekly(tz: string, sendAt: string, weekday: number | null): SendSchedule {
  return { cadence: 'weekly', sendAt, weekday, weekdays: false, tz };
}

/** An instant given as local wall time in `tz` (never inside a DST gap in these tests). */
function at(tz: string, localIso: string): Date {
  return DateTime.fromISO(localIso, { zone: tz }).toJSDate();
}

/** How a reader in `tz` reads an instant: `2026-03-08 03:00 -04:00`. */
function local(tz: string, instant: Date): string {
  return DateTime.fromJSDate(instant, { zone: tz }).toFormat('yyyy-MM-dd HH:mm ZZ');
}

/** Every send of a schedule from local `fromIso` (inclusive) to local `untilIso` (exclusive). */
function sendsBetween(schedule: SendSchedule, fromIso: string, untilIso: string): Date[] {
  const until = at(schedule.tz, untilIso).getTime();
  const sends: Date[] = [];
  let cursor = new Date(at(schedule.tz, fromIso).getTime() - 1);
  for (;;) {
    cursor = nextSendTime(schedule, cursor);
    if (cursor.getTime() >= until) return sends;
    sends.push(cursor);
  }
}

describe('isValidSendAt', () => {
  it('accepts 24-hour HH:MM from 00:00 to 23:59', () => {
    for (const text of ['00:00', '07:00', '09:30', '12:05', '19:59', '23:59']) {
      expect(isValidSendAt(text), text).toBe(true);
    }
  });

  it('refuses other shapes and out-of-range values', () => {
    for (const text of [
      '24:00',
      '7:00',
      '07:0',
      '07:60',
      '7am',
      '07:00:00',
      ' 07:00',
      '',
      '0700',
    ]) {
      expect(isValidSendAt(text), text).toBe(false);
    }
  });
});

describe('isValidTimeZone', () => {
  it('accepts IANA zones', () => {
    for (const tz of [...ZONES, 'Asia/Kathmandu', 'America/Argentina/Buenos_Aires']) {
      expect(isValidTimeZone(tz), tz).toBe(true);
    }
  });

  it('refuses unknown names and empty text', () => {
    for (const tz of ['Europe/Atlantis', 'Mars/Olympus', 'London', '']) {
      expect(isValidTimeZone(tz), tz).toBe(false);
    }
  });
});

describe('nextSendTime, daily', () => {
  it('sends later today when the time is still ahead, tomorrow when it has passed', () => {
    const schedule = daily('Europe/London', '07:00');
    expect(nextSendTime(schedule, at('Europe/London', '2026-11-28T06:59'))).toEqual(
      new Date('2026-11-28T07:00:00Z'),
    );
    expect(nextSendTime(schedule, at('Europe/London', '2026-11-28T07:01'))).toEqual(
      new Date('2026-11-29T07:00:00Z'),
    );
  });

  it('gives the next send, not the same one, when `after` is exactly a send time', () => {
    for (const tz of ZONES) {
      const schedule = daily(tz, '07:00');
      const send = at(tz, '2026-11-28T07:00');
      expect(local(tz, nextSendTime(schedule, send)), tz).toBe(
        local(tz, at(tz, '2026-11-29T07:00')),
      );
      expect(nextSendTime(schedule, new Date(send.getTime() - 1)), tz).toEqual(send);
    }
  });

  it('reads the send time in the reader zone, including half-hour offsets', () => {
    const after = new Date('2026-06-15T00:00:00Z');
    expect(nextSendTime(daily('Asia/Kolkata', '09:00'), after)).toEqual(
      new Date('2026-06-15T03:30:00Z'),
    );
    expect(nextSendTime(daily('America/New_York', '09:00'), after)).toEqual(
      new Date('2026-06-15T13:00:00Z'),
    );
    expect(nextSendTime(daily('Australia/Sydney', '09:00'), after)).toEqual(
      new Date('2026-06-15T23:00:00Z'),
    );
    expect(nextSendTime(daily('Europe/London', '09:00'), after)).toEqual(
      new Date('2026-06-15T08:00:00Z'),
    );
    expect(nextSendTime(daily('UTC', '09:00'), after)).toEqual(new Date('2026-06-15T09:00:00Z'));
  });

  it('sends at midnight and at 23:59', () => {
    const tz = 'America/New_York';
    const after = at(tz, '2026-11-28T12:00');
    expect(local(tz, nextSendTime(daily(tz, '00:00'), after))).toBe('2026-11-29 00:00 -05:00');
    expect(local(tz, nextSendTime(daily(tz, '23:59'), after))).toBe('2026-11-28 23:59 -05:00');
  });

  it('refuses a malformed send time', () => {
    expect(() => nextSendTime(daily('UTC', '7:00'), new Date('2026-01-01T00:00:00Z'))).toThrow(
      /HH:MM/,
    );
  });
});

describe('nextSendTime across daylight saving changes (2026)', () => {
  // Spring forward: the local hour from 02:00 (Europe: 01:00) to 03:00 (Europe: 02:00) is skipped.
  it.each([
    ['America/New_York', '2026-03-08', '02:30', '2026-03-08 03:00 -04:00'],
    ['America/New_York', '2026-03-08', '02:00', '2026-03-08 03:00 -04:00'],
    ['Europe/London', '2026-03-29', '01:30', '2026-03-29 02:00 +01:00'],
    ['Australia/Sydney', '2026-10-04', '02:30', '2026-10-04 03:00 +11:00'],
  ])('%s on %s: %s, which the clock skips, goes at the end of the gap', (tz, day, sendAt, want) => {
    const send = nextSendTime(daily(tz, sendAt), at(tz, `${day}T00:00`));
    expect(local(tz, send)).toBe(want);
  });

  it('goes back to the usual time the day after a spring-forward night', () => {
    const tz = 'America/New_York';
    const schedule = daily(tz, '02:30');
    const gapSend = nextSendTime(schedule, at(tz, '2026-03-07T12:00'));
    expect(gapSend).toEqual(new Date('2026-03-08T07:00:00Z'));
    expect(local(tz, nextSendTime(schedule, gapSend))).toBe('2026-03-09 02:30 -04:00');
  });

  it('keeps times outside the gap on a spring-forward night', () => {
    const tz = 'America/New_York';
    const after = at(tz, '2026-03-08T00:00');
    expect(local(tz, nextSendTime(daily(tz, '01:59'), after))).toBe('2026-03-08 01:59 -05:00');
    expect(local(tz, nextSendTime(daily(tz, '03:00'), after))).toBe('2026-03-08 03:00 -04:00');
    expect(local(tz, nextSendTime(daily(tz, '07:00'), after))).toBe('2026-03-08 07:00 -04:00');
  });

  // Fall back: a local hour happens twice; the digest goes once, at the first occurrence.
  it.each([
    ['America/New_York', '2026-11-01', '01:30', '2026-11-01T05:30:00Z', '2026-11-02 01:30 -05:00'],
    ['Europe/London', '2026-10-25', '01:30', '2026-10-25T00:30:00Z', '2026-10-26 01:30 +00:00'],
    ['Australia/Sydney', '2026-04-05', '02:30', '2026-04-04T15:30:00Z', '2026-04-06 02:30 +10:00'],
  ])(
    '%s on %s: %s, which happens twice, is sent once, at its first occurrence',
    (tz, day, sendAt, first, following) => {
      const schedule = daily(tz, sendAt);
      const send = nextSendTime(schedule, at(tz, `${day}T00:00`));
      expect(send).toEqual(new Date(first));
      // Neither the instant itself nor any moment of the repeated hour gives a second send today.
      expect(local(tz, nextSendTime(schedule, send))).toBe(following);
      const secondOccurrence = new Date(send.getTime() + 3_600_000);
      expect(local(tz, nextSendTime(schedule, new Date(secondOccurrence.getTime() - 1)))).toBe(
        following,
      );
    },
  );

  it.each(ZONES.flatMap((tz) => ['00:00', '01:30', '02:30', '23:59'].map((t) => [tz, t])))(
    '%s at %s: 365 daily sends in 2026, one per local date, no duplicate, no gap',
    (tz, sendAt) => {
      const sends = sendsBetween(daily(tz, sendAt), '2026-01-01T00:00', '2027-01-01T00:00');
      expect(sends).toHaveLength(365);
      let expected = DateTime.fromISO('2026-01-01', { zone: tz });
      for (const send of sends) {
        const wall = DateTime.fromJSDate(send, { zone: tz });
        expect(wall.toISODate()).toBe(expected.toISODate());
        // The wanted wall time, or (inside a skipped hour) the end of the gap, never earlier.
        const wallTime = wall.toFormat('HH:mm');
        if (wallTime !== sendAt) {
          expect(wallTime > sendAt, `${wall.toISO()}`).toBe(true);
          expect(wall.minute).toBe(0);
          expect(wall.minus({ minutes: 1 }).offset).toBeLessThan(wall.offset);
        }
        expected = expected.plus({ days: 1 });
      }
    },
  );
});

describe('nextSendTime, daily on weekdays', () => {
  const tz = 'America/New_York';

  it('goes from Friday to Monday over a weekend', () => {
    // 2026-11-20 is a Friday.
    const schedule = weekdaysOnly(tz, '07:00');
    const friday = nextSendTime(schedule, at(tz, '2026-11-20T06:00'));
    expect(local(tz, friday)).toBe('2026-11-20 07:00 -05:00');
    expect(local(tz, nextSendTime(schedule, friday))).toBe('2026-11-23 07:00 -05:00');
    // Asked on a Saturday or a Sunday, the next send is Monday's.
    expect(local(tz, nextSendTime(schedule, at(tz, '2026-11-21T06:00')))).toBe(
      '2026-11-23 07:00 -05:00',
    );
    expect(local(tz, nextSendTime(schedule, at(tz, '2026-11-22T23:59')))).toBe(
      '2026-11-23 07:00 -05:00',
    );
  });

  it.each([
    // Thanksgiving, a Thursday.
    ['2026-11-25T08:00', '2026-11-27 07:00 -05:00'],
    // 4 July 2026 is a Saturday, observed on Friday 3 July: Thursday to Monday.
    ['2026-07-02T08:00', '2026-07-06 07:00 -04:00'],
    // Christmas 2022 is a Sunday, observed Monday 26 December: Friday to Tuesday.
    ['2022-12-23T08:00', '2022-12-27 07:00 -05:00'],
    // New Year 2022 is a Saturday, observed Friday 31 December 2021: Thursday to Monday 3rd.
    ['2021-12-30T08:00', '2022-01-03 07:00 -05:00'],
    // Memorial Day, the last Monday of May 2026: Friday to Tuesday.
    ['2026-05-22T08:00', '2026-05-26 07:00 -04:00'],
    // Labor Day, Monday 7 September 2026.
    ['2026-09-04T08:00', '2026-09-08 07:00 -04:00'],
  ])('skips the observed holiday: after %s the next send is %s', (after, want) => {
    expect(local(tz, nextSendTime(weekdaysOnly(tz, '07:00'), at(tz, after)))).toBe(want);
  });

  it('sends every working day of a holiday season, and only those', () => {
    // Christmas 2021 (a Saturday) is observed on Friday 24 December, New Year 2022 (a Saturday)
    // on Friday 31 December.
    const sends = sendsBetween(weekdaysOnly(tz, '07:00'), '2021-12-20T00:00', '2022-01-08T00:00');
    expect(sends.map((send) => local(tz, send).slice(0, 10))).toEqual([
      '2021-12-20',
      '2021-12-21',
      '2021-12-22',
      '2021-12-23',
      '2021-12-27',
      '2021-12-28',
      '2021-12-29',
      '2021-12-30',
      '2022-01-03',
      '2022-01-04',
      '2022-01-05',
      '2022-01-06',
      '2022-01-07',
    ]);
  });

  it('reads weekends and holidays by the reader’s local date', () => {
    // Labor Day is Monday 7 September 2026. In Sydney 07:00 on that Monday is still Sunday in
    // UTC, and 07:00 on Tuesday is Labor Day in UTC: the reader's own calendar decides.
    const sydney = 'Australia/Sydney';
    const schedule = weekdaysOnly(sydney, '07:00');
    expect(local(sydney, nextSendTime(schedule, at(sydney, '2026-09-04T08:00')))).toBe(
      '2026-09-08 07:00 +10:00',
    );
    expect(local(sydney, nextSendTime(schedule, at(sydney, '2026-09-08T06:00')))).toBe(
      '2026-09-08 07:00 +10:00',
    );
  });

  it.each(ZONES)(
    '%s: 2026 has 250 weekday sends, none on a weekend or an observed holiday',
    (zone) => {
      const sends = sendsBetween(
        weekdaysOnly(zone, '07:00'),
        '2026-01-01T00:00',
        '2027-01-01T00:00',
      );
      // 2026 has 261 weekdays; all eleven holidays are observed on one of them (4 July, a
      // Saturday, on Friday 3 July).
      const dates = sends.map((send) => DateTime.fromJSDate(send, { zone }));
      expect(new Set(dates.map((d) => d.toISODate())).size).toBe(sends.length);
      for (const date of dates) expect(date.weekday, date.toISO() ?? '').toBeLessThanOrEqual(5);
      expect(dates.map((d) => d.toISODate())).not.toContain('2026-07-03');
      expect(dates.map((d) => d.toISODate())).not.toContain('2026-11-26');
      expect(sends).toHaveLength(250);
    },
  );

  it('ignores the flag on weekly schedules: the chosen weekday is sent even on a holiday', () => {
    // Thanksgiving, Thursday 26 November 2026.
    const schedule = { ...weekly(tz, '07:00', 4), weekdays: true };
    expect(local(tz, nextSendTime(schedule, at(tz, '2026-11-25T08:00')))).toBe(
      '2026-11-26 07:00 -05:00',
    );
  });

  it('covers the days off in the next digest: Monday’s period starts at Friday’s send', () => {
    const schedule = weekdaysOnly(tz, '07:00');
    const monday = at(tz, '2026-11-23T07:00');
    expect(digestPeriod(schedule, monday)).toEqual({
      key: '2026-11-23',
      start: at(tz, '2026-11-20T07:00'),
      end: monday,
    });
    // After Thanksgiving: Friday's digest reaches back to Wednesday's send.
    expect(digestPeriod(schedule, at(tz, '2026-11-27T07:00')).start).toEqual(
      at(tz, '2026-11-25T07:00'),
    );
    // After Independence Day observed on a Friday: Monday reaches back to Thursday.
    expect(digestPeriod(schedule, at(tz, '2026-07-06T07:00')).start).toEqual(
      at(tz, '2026-07-02T07:00'),
    );
  });

  it.each(ZONES)('%s: the weekday periods of 2026 meet end to end', (zone) => {
    const schedule = weekdaysOnly(zone, '01:30');
    const sends = sendsBetween(schedule, '2026-01-01T00:00', '2027-01-01T00:00');
    for (let i = 1; i < sends.length; i++) {
      expect(digestPeriod(schedule, sends[i]!).start, local(zone, sends[i]!)).toEqual(sends[i - 1]);
      expect(latestSendTime(schedule, new Date(sends[i]!.getTime() - 1))).toEqual(sends[i - 1]);
    }
  });
});

describe('nextSendTime, weekly', () => {
  // 2026-11-23 is a Monday; 2026-11-28 a Saturday.
  it.each([
    [1, '2026-11-30'],
    [2, '2026-12-01'],
    [3, '2026-12-02'],
    [4, '2026-12-03'],
    [5, '2026-12-04'],
    [6, '2026-11-28'],
    [7, '2026-11-29'],
  ])('ISO weekday %i: the next such day at the send time', (weekday, date) => {
    for (const tz of ZONES) {
      const send = nextSendTime(weekly(tz, '08:00', weekday), at(tz, '2026-11-28T06:00'));
      expect(local(tz, send).slice(0, 16), tz).toBe(`${date} 08:00`);
      expect(DateTime.fromJSDate(send, { zone: tz }).weekday).toBe(weekday);
    }
  });

  it('waits a whole week when `after` is exactly the send time', () => {
    const tz = 'Asia/Kolkata';
    const schedule = weekly(tz, '08:00', 6);
    const send = at(tz, '2026-11-28T08:00');
    expect(local(tz, nextSendTime(schedule, send))).toBe('2026-12-05 08:00 +05:30');
    expect(nextSendTime(schedule, new Date(send.getTime() - 1))).toEqual(send);
  });

  it('defaults to Monday when no weekday is set', () => {
    const send = nextSendTime(weekly('UTC', '08:00', null), new Date('2026-11-28T00:00:00Z'));
    expect(send).toEqual(new Date('2026-11-30T08:00:00Z'));
  });

  it('applies the DST rules on a weekly send that falls on a change night', () => {
    const tz = 'America/New_York';
    // 2026-03-08 and 2026-11-01 are Sundays.
    expect(local(tz, nextSendTime(weekly(tz, '02:30', 7), at(tz, '2026-03-02T00:00')))).toBe(
      '2026-03-08 03:00 -04:00',
    );
    expect(nextSendTime(weekly(tz, '01:30', 7), at(tz, '2026-10-26T00:00'))).toEqual(
      new Date('2026-11-01T05:30:00Z'),
    );
  });

  it.each(ZONES)('%s: 52 Sunday sends in 2026, a week apart in local dates', (tz) => {
    const sends = sendsBetween(weekly(tz, '02:30', 7), '2026-01-01T00:00', '2027-01-01T00:00');
    expect(sends).toHaveLength(52);
    let expected = DateTime.fromISO('2026-01-04', { zone: tz });
    for (const send of sends) {
      expect(DateTime.fromJSDate(send, { zone: tz }).toISODate()).toBe(expected.toISODate());
      expected = expected.plus({ weeks: 1 });
    }
  });
});

describe('digestPeriod', () => {
  it('names a daily digest by its local date', () => {
    const tz = 'Australia/Sydney';
    // 07:00 on 28 November in Sydney is still 27 November in UTC.
    const dueAt = at(tz, '2026-11-28T07:00');
    expect(dueAt.toISOString()).toBe('2026-11-27T20:00:00.000Z');
    expect(digestPeriod(daily(tz, '07:00'), dueAt).key).toBe('2026-11-28');
  });

  it('names a weekly digest by its ISO week', () => {
    const dueAt = at('Europe/London', '2026-11-28T08:00');
    expect(digestPeriod(weekly('Europe/London', '08:00', 6), dueAt).key).toBe('2026-W48');
    // Monday 2026-01-05 opens week 2; Thursday 2026-01-01 is in week 1 of 2026.
    expect(digestPeriod(weekly('UTC', '08:00', 1), at('UTC', '2026-01-05T08:00')).key).toBe(
      '2026-W02',
    );
    expect(digestPeriod(weekly('UTC', '08:00', 4), at('UTC', '2026-01-01T08:00')).key).toBe(
      '2026-W01',
    );
  });

  it('uses the ISO week-numbering year at the year boundary', () => {
    // 2026 starts on a Thursday, so it has 53 ISO weeks: 2026-12-28 .. 2027-01-03 is 2026-W53.
    const key = (iso: string, weekday: number) =>
      digestPeriod(weekly('UTC', '08:00', weekday), at('UTC', iso)).key;
    expect(key('2026-12-31T08:00', 4)).toBe('2026-W53');
    expect(key('2027-01-01T08:00', 5)).toBe('2026-W53');
    expect(key('2027-01-03T08:00', 7)).toBe('2026-W53');
    expect(key('2027-01-04T08:00', 1)).toBe('2027-W01');
    // 2025-12-29 (Monday) is already in 2026-W01.
    expect(key('2025-12-29T08:00', 1)).toBe('2026-W01');
  });

  it('names the week by the local date, not the UTC one', () => {
    const tz = 'Australia/Sydney';
    // Monday 07:00 in Sydney is Sunday evening in UTC (the previous ISO week there).
    const dueAt = at(tz, '2026-11-30T07:00');
    expect(digestPeriod(weekly(tz, '07:00', 1), dueAt).key).toBe('2026-W49');
  });

  it('covers the time since the previous scheduled send, up to the send', () => {
    const tz = 'Europe/London';
    const dueAt = at(tz, '2026-11-28T07:00');
    expect(digestPeriod(daily(tz, '07:00'), dueAt)).toEqual({
      key: '2026-11-28',
      start: at(tz, '2026-11-27T07:00'),
      end: dueAt,
    });
    expect(digestPeriod(weekly(tz, '07:00', 6), dueAt)).toEqual({
      key: '2026-W48',
      start: at(tz, '2026-11-21T07:00'),
      end: dueAt,
    });
  });

  it.each([
    // A send inside the skipped hour, and the day after it.
    ['America/New_York', '02:30', '2026-03-07T00:00', '2026-03-10T00:00'],
    // A send in the repeated hour, and the day after it.
    ['America/New_York', '01:30', '2026-10-31T00:00', '2026-11-03T00:00'],
    ['Europe/London', '01:30', '2026-03-28T00:00', '2026-03-31T00:00'],
    ['Europe/London', '01:30', '2026-10-24T00:00', '2026-10-27T00:00'],
    ['Australia/Sydney', '02:30', '2026-04-04T00:00', '2026-04-07T00:00'],
    ['Australia/Sydney', '02:30', '2026-10-03T00:00', '2026-10-06T00:00'],
  ])(
    '%s at %s: around a DST change each period starts at the previous send (%s)',
    (tz, sendAt, from, until) => {
      const schedule = daily(tz, sendAt);
      const sends = sendsBetween(schedule, from, until);
      expect(sends).toHaveLength(3);
      for (let i = 1; i < sends.length; i++) {
        const period = digestPeriod(schedule, sends[i]!);
        expect(period.start.toISOString(), local(tz, sends[i]!)).toBe(sends[i - 1]!.toISOString());
        expect(period.end).toEqual(sends[i]);
      }
    },
  );

  it.each([
    ['Europe/London', '01:30'],
    ['America/New_York', '01:30'],
    ['America/New_York', '02:30'],
    ['Australia/Sydney', '02:30'],
    ['Asia/Kolkata', '07:00'],
    ['UTC', '07:00'],
  ])(
    '%s at %s: the daily periods of 2026 meet end to end, without gap or overlap',
    (tz, sendAt) => {
      const schedule = daily(tz, sendAt);
      const sends = sendsBetween(schedule, '2026-01-01T00:00', '2027-01-01T00:00');
      const keys = new Set<string>();
      for (let i = 1; i < sends.length; i++) {
        const period = digestPeriod(schedule, sends[i]!);
        expect(period.start.getTime(), local(tz, sends[i]!)).toBe(sends[i - 1]!.getTime());
        keys.add(period.key);
      }
      expect(keys.size).toBe(sends.length - 1);
    },
  );

  it('gives the weekly periods of 2026 distinct ISO week keys that meet end to end', () => {
    const tz = 'America/New_York';
    const schedule = weekly(tz, '01:30', 7);
    const sends = sendsBetween(schedule, '2026-01-01T00:00', '2027-01-01T00:00');
    const keys = sends.map((send) => digestPeriod(schedule, send).key);
    expect(keys[0]).toBe('2026-W01');
    expect(keys.at(-1)).toBe('2026-W52');
    expect(new Set(keys).size).toBe(52);
    for (let i = 1; i < sends.length; i++) {
      expect(digestPeriod(schedule, sends[i]!).start).toEqual(sends[i - 1]);
    }
  });
});

describe('latestSendTime', () => {
  it('is the send itself at the exact send time, the previous one a moment before', () => {
    const tz = 'America/New_York';
    const schedule = daily(tz, '07:00');
    const send = at(tz, '2026-11-28T07:00');
    expect(latestSendTime(schedule, send)).toEqual(send);
    expect(latestSendTime(schedule, new Date(send.getTime() - 1))).toEqual(
      at(tz, '2026-11-27T07:00'),
    );
    expect(latestSendTime(schedule, at(tz, '2026-11-28T23:59'))).toEqual(send);
  });

  it('finds last week’s send for a weekly schedule', () => {
    const tz = 'Australia/Sydney';
    const schedule = weekly(tz, '08:00', 1);
    // Sunday 2026-11-29: the last Monday send was 2026-11-23.
    expect(local(tz, latestSendTime(schedule, at(tz, '2026-11-29T20:00')))).toBe(
      '2026-11-23 08:00 +11:00',
    );
    expect(local(tz, latestSendTime(schedule, at(tz, '2026-11-30T08:00')))).toBe(
      '2026-11-30 08:00 +11:00',
    );
  });

  it('knows the DST-shifted sends', () => {
    const tz = 'America/New_York';
    expect(latestSendTime(daily(tz, '02:30'), at(tz, '2026-03-08T12:00'))).toEqual(
      new Date('2026-03-08T07:00:00Z'),
    );
    // After both 01:30s of the fall-back night, the latest send is still the first one.
    expect(latestSendTime(daily(tz, '01:30'), new Date('2026-11-01T07:00:00Z'))).toEqual(
      new Date('2026-11-01T05:30:00Z'),
    );
  });

  const changeNights: Record<string, string[]> = {
    'Europe/London': ['2026-03-29', '2026-10-25'],
    'America/New_York': ['2026-03-08', '2026-11-01'],
    'Australia/Sydney': ['2026-04-05', '2026-10-04'],
    'Asia/Kolkata': [],
    UTC: [],
  };

  it.each(ZONES)('%s: brackets any instant between the latest and the next send', (tz) => {
    // Every quarter hour of the zone's DST change nights (00:00 to 04:00 local), and a sweep.
    const instants = [
      ...(changeNights[tz] ?? []).flatMap((day) => {
        const midnight = at(tz, `${day}T00:00`).getTime();
        return Array.from({ length: 17 }, (_, i) => new Date(midnight + i * 900_000));
      }),
      ...Array.from({ length: 40 }, (_, i) => new Date(Date.UTC(2026, 0, 1) + i * 219 * 3_600_000)),
    ];
    for (const schedule of [daily(tz, '02:30'), daily(tz, '01:30'), weekly(tz, '01:30', 7)]) {
      for (const now of instants) {
        const latest = latestSendTime(schedule, now);
        expect(latest.getTime()).toBeLessThanOrEqual(now.getTime());
        expect(nextSendTime(schedule, latest).getTime()).toBeGreaterThan(now.getTime());
      }
    }
  });
});
