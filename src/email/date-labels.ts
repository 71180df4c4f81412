import { findCoveredDates } from '../domain/covered-dates.js';
import type { DigestContent, EmailStory } from '../domain/digest-content.js';
import { abbreviateTimeZone } from './zone-abbreviation.js';

/* The dates and times an email shows, each read in the reader's zone: "27 Nov 2026". */

const formatters = new Map<string, Intl.DateTimeFormat>();

type DateStyle = 'date' | 'dateTime' | 'longDate' | 'weekday';
/** What Intl formats; `dateTime` is put together from `date`, `time` and the zone's name. */
type IntlStyle = Exclude<DateStyle, 'dateTime'> | 'time';

const formatOptions: Record<IntlStyle, Intl.DateTimeFormatOptions> = {
  date: { day: 'numeric', month: 'short', year: 'numeric' },
  time: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  longDate: { day: 'numeric', month: 'long', year: 'numeric' },
  weekday: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
};

function formatterFor(zone: string, style: IntlStyle): Intl.DateTimeFormat {
  const id = `${zone}|${style}`;
  let formatter = formatters.get(id);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', { ...formatOptions[style], timeZone: zone });
    formatters.set(id, formatter);
  }
  return formatter;
}

/** An unknown zone must not stop a send: dates then read in UTC. */
export function resolveTimeZone(zone: string): string {
  try {
    formatterFor(zone, 'date');
    return zone;
  } catch {
    return 'UTC';
  }
}

/** "27 Nov 2026", or with `withTime` "27 Nov 2026, 07:00 EST"; empty for an unreadable date. */
export function formatStoryDate(iso: string, zone: string, withTime: boolean): string {
  return formatDate(iso, zone, withTime ? 'dateTime' : 'date');
}

function formatDate(iso: string, zone: string, style: DateStyle): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  if (style !== 'dateTime') return formatterFor(zone, style).format(date);
  // "27 Nov 2026, 07:00 EST": the zone by the name readers know, not ICU's "GMT-5".
  const day = formatterFor(zone, 'date').format(date);
  const time = formatterFor(zone, 'time').format(date);
  return `${day}, ${time} ${abbreviateTimeZone(date, zone)}`;
}

/**
 * An alert names the moment it was cut (the last instant of its period, which ends
 * exclusively). A digest names the dates it speaks for: its period's, widened to those of the
 * stories it shows, "Saturday, 28 November 2026" for one date, "23 November – 1 December 2026"
 * for several.
 */
export function describePeriod(
  content: DigestContent,
  stories: readonly EmailStory[],
  zone: string,
  isAlert: boolean,
): string {
  if (isAlert) {
    const last = new Date(new Date(content.periodEnd).getTime() - 1);
    return Number.isNaN(last.getTime()) ? '' : formatDate(last.toISOString(), zone, 'dateTime');
  }
  const dates = findCoveredDates(
    { start: content.periodStart, end: content.periodEnd },
    stories.map((story) => story.publishedAt),
    zone,
  );
  if (!dates) return '';
  // Calendar dates, already in the reader's zone: formatted at noon UTC as UTC, no zone moves them.
  const first = new Date(`${dates.first}T12:00:00Z`);
  const last = new Date(`${dates.last}T12:00:00Z`);
  const key = `${dates.first}|${dates.last}`;
  let label = periodLabels.get(key);
  if (label === undefined) {
    label =
      dates.first === dates.last
        ? formatterFor('UTC', 'weekday').format(first)
        : // ICU puts thin spaces around the range's dash; plain-text clients show plain spaces best.
          formatterFor('UTC', 'longDate')
            .formatRange(first, last)
            .replace(/\u2009/g, ' ');
    // A run sees a handful of date ranges; formatting one is slow enough to be worth keeping.
    if (periodLabels.size > 1000) periodLabels.clear();
    periodLabels.set(key, label);
  }
  return label;
}

const periodLabels = new Map<string, string>();
