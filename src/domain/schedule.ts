import { DateTime, IANAZone } from 'luxon';
import type { Cadence } from './subscription.js';
import { isObservedUsFederalHoliday } from './us-federal-holidays.js';

/** When a reader wants a digest: local time of day, and weekday for weekly ones. */
export interface SendSchedule {
  cadence: Exclude<Cadence, 'instant'>;
  /** `HH:MM`, 24-hour, in `tz`. */
  sendAt: string;
  /** ISO weekday 1 (Monday) .. 7 (Sunday); weekly only. */
  weekday: number | null;
  /**
   * Daily only: no digest on Saturdays, Sundays and the days US federal holidays are observed
   * (local dates); what is published then goes into the next working day's digest.
   */
  weekdays: boolean;
  tz: string;
}

/** One digest's period: its key (part of the digest's identity) and the span it covers. */
export interface DigestPeriod {
  key: string;
  start: Date;
  end: Date;
}

const SEND_AT = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isValidSendAt(text: string): boolean {
  return SEND_AT.test(text);
}

export function isValidTimeZone(tz: string): boolean {
  return IANAZone.isValidZone(tz);
}

/**
 * The first scheduled send strictly after `after`, in the reader's zone. A local time that a
 * DST change skips (02:30 on the spring-forward night) is sent at the first instant after the
 * gap; a local time that occurs twice (fall-back night) is sent at its first occurrence.
 */
export function nextSendTime(schedule: SendSchedule, after: Date): Date {
  const [hour, minute] = parseSendAt(schedule.sendAt);
  const local = DateTime.fromJSDate(after, { zone: schedule.tz });
  // Eight days reach past any week, and past the longest run of days off: three, a weekend
  // with a holiday observed on the Friday before or the Monday after.
  for (let dayOffset = 0; dayOffset <= 8; dayOffset++) {
    const day = local.startOf('day').plus({ days: dayOffset });
    if (schedule.cadence === 'weekly' && day.weekday !== (schedule.weekday ?? 1)) continue;
    if (skipsWorkFreeDays(schedule) && isWorkFreeDay(day)) continue;
    const candidate = atLocalTime(day, hour, minute);
    if (candidate.toMillis() > after.getTime()) return candidate.toJSDate();
  }
  throw new Error(
    `no send time found after ${after.toISOString()} for ${JSON.stringify(schedule)}`,
  );
}

/**
 * The period of the digest sent at `dueAt`: a daily digest is named by its local date, a weekly
 * one by its ISO week; it covers the time since the previous scheduled send.
 */
export function digestPeriod(schedule: SendSchedule, dueAt: Date): DigestPeriod {
  const local = DateTime.fromJSDate(dueAt, { zone: schedule.tz });
  const key =
    schedule.cadence === 'daily' ? local.toFormat('yyyy-MM-dd') : local.toFormat("kkkk-'W'WW");
  // The previous send, not "one day (week) earlier at the same wall time": next to a DST change
  // the two differ (a skipped or repeated hour), and consecutive periods must meet exactly.
  const start = latestSendTime(schedule, new Date(dueAt.getTime() - 1));
  return { key, start, end: dueAt };
}

/** The most recent scheduled send at or before `now` (the digest that `now` is due for). */
export function latestSendTime(schedule: SendSchedule, now: Date): Date {
  // Far enough back to hold at least one send: a day, or a week (or a long weekend).
  const lookBack = schedule.cadence === 'daily' && !skipsWorkFreeDays(schedule) ? 2 : 8;
  const from = DateTime.fromJSDate(now).minus({ days: lookBack }).toJSDate();
  let latest = nextSendTime(schedule, from);
  for (;;) {
    const next = nextSendTime(schedule, latest);
    if (next.getTime() > now.getTime()) return latest;
    latest = next;
  }
}

function skipsWorkFreeDays(schedule: SendSchedule): boolean {
  return schedule.cadence === 'daily' && schedule.weekdays;
}

/** Saturday, Sunday, or the observed day of a US federal holiday, by the reader's calendar. */
function isWorkFreeDay(day: DateTime): boolean {
  return day.weekday >= 6 || isObservedUsFederalHoliday(day.toISODate() as string);
}

function parseSendAt(text: string): [number, number] {
  const match = SEND_AT.exec(text);
  if (!match) throw new Error(`send time must be HH:MM, got "${text}"`);
  return [Number(match[1]), Number(match[2])];
}

function atLocalTime(day: DateTime, hour: number, minute: number): DateTime {
  const wanted = day.set({ hour, minute, second: 0, millisecond: 0 });
  // Luxon moves a skipped local time forward by the gap (02:30 -> 03:30); send at the end of
  // the gap instead, which is the first moment the reader's clock reaches the wanted time.
  if (wanted.hour !== hour || wanted.minute !== minute) {
    return wanted.set({ minute: 0 });
  }
  return wanted;
}
