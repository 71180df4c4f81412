/**
 * The US federal holidays of 5 U.S.C. 6103, computed rather than listed so that no table runs
 * out. Dates are calendar dates (`yyyy-MM-dd`), with no time zone: a reader's local date is
 * what is compared with them.
 */

export interface FederalHoliday {
  name: string;
  /** The holiday itself. */
  date: string;
  /**
   * The weekday it is observed on: a holiday on a Saturday is observed the Friday before, one
   * on a Sunday the Monday after (5 U.S.C. 6103(b)). The others fall on weekdays by rule.
   */
  observed: string;
}

/** The holidays of `year`, in calendar order, as the law has listed them since 2021. */
export function listUsFederalHolidays(year: number): FederalHoliday[] {
  const holidays: [string, CalendarDate][] = [
    ["New Year's Day", { year, month: 1, day: 1 }],
    ['Birthday of Martin Luther King, Jr.', nthWeekday(year, 1, MONDAY, 3)],
    ["Washington's Birthday", nthWeekday(year, 2, MONDAY, 3)],
    ['Memorial Day', lastWeekday(year, 5, MONDAY)],
    ['Juneteenth National Independence Day', { year, month: 6, day: 19 }],
    ['Independence Day', { year, month: 7, day: 4 }],
    ['Labor Day', nthWeekday(year, 9, MONDAY, 1)],
    ['Columbus Day', nthWeekday(year, 10, MONDAY, 2)],
    ['Veterans Day', { year, month: 11, day: 11 }],
    ['Thanksgiving Day', nthWeekday(year, 11, THURSDAY, 4)],
    ['Christmas Day', { year, month: 12, day: 25 }],
  ];
  return holidays.map(([name, date]) => ({
    name,
    date: formatDate(date),
    observed: formatDate(observedDate(date)),
  }));
}

/**
 * Whether federal offices are closed for a holiday on `date` (`yyyy-MM-dd`). The year's edges
 * need the neighbouring years: New Year's Day on a Saturday is observed on 31 December.
 */
export function isObservedUsFederalHoliday(date: string): boolean {
  if (!ISO_DATE.test(date)) return false;
  const year = Number(date.slice(0, 4));
  return [year - 1, year, year + 1].some((y) => observedDatesOf(y).has(date));
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Schedules ask about the same few years again and again; each is computed once. */
const observedByYear = new Map<number, ReadonlySet<string>>();

function observedDatesOf(year: number): ReadonlySet<string> {
  let dates = observedByYear.get(year);
  if (!dates) {
    dates = new Set(listUsFederalHolidays(year).map((holiday) => holiday.observed));
    observedByYear.set(year, dates);
  }
  return dates;
}

interface CalendarDate {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
}

/** Weekdays as Date.getUTCDay counts them. */
const MONDAY = 1;
const THURSDAY = 4;
const SATURDAY = 6;
const SUNDAY = 0;

/** The `n`th `weekday` of a month: the 3rd Monday of January. */
function nthWeekday(year: number, month: number, weekday: number, n: number): CalendarDate {
  const firstWeekday = weekdayOf({ year, month, day: 1 });
  const firstMatch = 1 + ((weekday - firstWeekday + 7) % 7);
  return { year, month, day: firstMatch + 7 * (n - 1) };
}

/** The last `weekday` of a month: the last Monday of May. */
function lastWeekday(year: number, month: number, weekday: number): CalendarDate {
  const lastDay = daysInMonth(year, month);
  const lastWeekdayOfMonth = weekdayOf({ year, month, day: lastDay });
  return { year, month, day: lastDay - ((lastWeekdayOfMonth - weekday + 7) % 7) };
}

function observedDate(date: CalendarDate): CalendarDate {
  const weekday = weekdayOf(date);
  if (weekday === SATURDAY) return addDays(date, -1);
  if (weekday === SUNDAY) return addDays(date, 1);
  return date;
}

// UTC arithmetic on calendar dates: no zone, no daylight saving to skew a day.
function weekdayOf(date: CalendarDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function addDays(date: CalendarDate, days: number): CalendarDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

function formatDate(date: CalendarDate): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${String(date.year).padStart(4, '0')}-${pad(date.month)}-${pad(date.day)}`;
}
