import { DateTime } from 'luxon';
import { z } from 'zod';
import { stripControlCharacters } from './clean-text.js';
import { normalizeEmail, PLANS, type Plan } from './reader.js';
import type { ConsentChange, ReaderFields } from './reader-changes.js';
import { isValidSendAt, isValidTimeZone } from './schedule.js';
import {
  CADENCES,
  type Cadence,
  parseWeekday,
  type ScheduleRequest,
  scheduleConflict,
} from './subscription.js';

/** The columns of a readers' file, as `subscribers import` reads and `export --csv` writes. */
export const READER_COLUMNS = [
  'email',
  'name',
  'plan',
  'trial_ends',
  'tz',
  'topics',
  'cadence',
  'at',
  'day',
  'marketing_consent',
  'consent_source',
  'consent_at',
] as const;
export type ReaderColumn = (typeof READER_COLUMNS)[number];

/** A file's header line, read: which known column each position holds. */
export interface ReaderFileHeader {
  /** Per position: the column, or null for one that is not ours (ignored). */
  columns: (ReaderColumn | null)[];
  /** Names not among {@link READER_COLUMNS}, as written. */
  unknown: string[];
}

/** A header that cannot be read at all: no `email` column, or a column twice. */
export class ReaderHeaderError extends Error {
  override name = 'ReaderHeaderError';
}

/** Reads the header line; names compare without case and surrounding spaces. */
export function readReaderHeader(names: readonly string[]): ReaderFileHeader {
  const seen = new Set<ReaderColumn>();
  const unknown: string[] = [];
  const columns = names.map((raw) => {
    const name = raw.trim().toLowerCase();
    if (!(READER_COLUMNS as readonly string[]).includes(name)) {
      unknown.push(raw);
      return null;
    }
    const column = name as ReaderColumn;
    if (seen.has(column)) throw new ReaderHeaderError(`the column "${column}" appears twice`);
    seen.add(column);
    return column;
  });
  if (!seen.has('email'))
    throw new ReaderHeaderError(
      `no "email" column; the header line names ${names.map((n) => JSON.stringify(n)).join(', ') || 'nothing'}`,
    );
  return { columns, unknown };
}

/** One data line of the file: its line number and its non-blank cells by column. */
export interface ReaderRecord {
  line: number;
  values: Partial<Record<ReaderColumn, string>>;
}

/** A valid row: the fields it gives (absent ones are not to be changed) and its follows. */
export interface ReaderRow {
  line: number;
  email: string;
  name?: string;
  plan?: Plan;
  trialEndsAt?: Date;
  tz?: string;
  consent?: ConsentChange;
  topics: string[];
  schedule: ScheduleRequest;
}

/** Why a row was not imported, with the column at fault when there is one. */
export interface RowProblem {
  line: number;
  column: ReaderColumn | null;
  message: string;
}

const emailSchema = z.email();

class RowError extends Error {
  constructor(
    readonly column: ReaderColumn | null,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Checks one row: address syntax, a known plan, an IANA zone, known topics, `HH:MM` times,
 * weekdays, dates, yes/no, and options that make no sense together. Blank cells mean "not
 * given". `isKnownTopic` says whether a slug names a topic.
 */
export function parseReaderRecord(
  record: ReaderRecord,
  isKnownTopic: (slug: string) => boolean,
): { ok: true; row: ReaderRow } | { ok: false; problem: RowProblem } {
  try {
    return { ok: true, row: readRow(record, isKnownTopic) };
  } catch (error) {
    if (!(error instanceof RowError)) throw error;
    return {
      ok: false,
      problem: { line: record.line, column: error.column, message: error.message },
    };
  }
}

function readRow(record: ReaderRecord, isKnownTopic: (slug: string) => boolean): ReaderRow {
  const v = record.values;
  const got = (column: ReaderColumn) => `(got ${JSON.stringify(v[column])})`;
  if (v.email === undefined) throw new RowError('email', 'no address');
  const email = normalizeEmail(v.email);
  if (!emailSchema.safeParse(email).success)
    throw new RowError('email', `not an email address ${got('email')}`);
  const row: ReaderRow = { line: record.line, email, topics: [], schedule: {} };

  if (v.name !== undefined) {
    const name = stripControlCharacters(v.name).trim();
    if (name) row.name = name;
  }
  if (v.plan !== undefined) {
    const plan = v.plan.trim().toLowerCase() as Plan;
    if (!PLANS.includes(plan))
      throw new RowError('plan', `not a plan: use ${PLANS.join(', ')} ${got('plan')}`);
    row.plan = plan;
  }
  if (v.trial_ends !== undefined) row.trialEndsAt = readDate('trial_ends', v.trial_ends);
  if (row.plan === 'trial' && v.trial_ends === undefined)
    throw new RowError('trial_ends', 'a trial reader needs the date the trial ends');
  if (v.tz !== undefined) {
    const tz = v.tz.trim();
    if (!isKnownZone(tz))
      throw new RowError('tz', `not an IANA time zone like Europe/Berlin ${got('tz')}`);
    row.tz = tz;
  }

  row.consent = readConsent(v);
  if (row.consent === undefined) delete row.consent;

  if (v.topics !== undefined) {
    const slugs = v.topics
      .split(';')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    const unknown = slugs.filter((slug) => !isKnownTopic(slug));
    if (unknown.length > 0)
      throw new RowError(
        'topics',
        `no topic ${unknown.map((s) => JSON.stringify(s)).join(', ')} (add it with topics add or topics import)`,
      );
    row.topics = [...new Set(slugs)];
  }
  row.schedule = readSchedule(v);
  if (row.topics.length === 0 && Object.keys(row.schedule).length > 0) {
    const column = (['cadence', 'at', 'day'] as const).find((c) => v[c] !== undefined) ?? null;
    throw new RowError(column, 'a cadence, time or day needs topics to apply to');
  }
  return row;
}

function readConsent(v: ReaderRecord['values']): ConsentChange | undefined {
  const answer = v.marketing_consent?.trim().toLowerCase();
  if (answer === undefined) {
    const stray = (['consent_source', 'consent_at'] as const).find((c) => v[c] !== undefined);
    if (stray) throw new RowError(stray, `${stray} needs marketing_consent yes`);
    return undefined;
  }
  if (['no', 'n', 'false', '0'].includes(answer)) {
    const stray = (['consent_source', 'consent_at'] as const).find((c) => v[c] !== undefined);
    if (stray) throw new RowError(stray, `${stray} is for marketing_consent yes; this row says no`);
    return { given: false };
  }
  if (!['yes', 'y', 'true', '1'].includes(answer))
    throw new RowError(
      'marketing_consent',
      `say yes or no (got ${JSON.stringify(v.marketing_consent)})`,
    );
  const source = v.consent_source === undefined ? null : stripControlCharacters(v.consent_source);
  const at = v.consent_at === undefined ? null : readDate('consent_at', v.consent_at);
  return { given: true, source: source?.trim() || null, at };
}

function readSchedule(v: ReaderRecord['values']): ScheduleRequest {
  const schedule: ScheduleRequest = {};
  if (v.cadence !== undefined) {
    const cadence = v.cadence.trim().toLowerCase() as Cadence;
    if (!CADENCES.includes(cadence))
      throw new RowError(
        'cadence',
        `use ${CADENCES.join(', ')} (got ${JSON.stringify(v.cadence)})`,
      );
    schedule.cadence = cadence;
  }
  if (v.at !== undefined) {
    const at = v.at.trim();
    if (!isValidSendAt(at))
      throw new RowError('at', `a time must be HH:MM, 24-hour (got ${JSON.stringify(v.at)})`);
    schedule.sendAt = at;
  }
  if (v.day?.trim().toLowerCase() === WORKING_DAYS) {
    schedule.weekdays = true;
  } else if (v.day !== undefined) {
    const day = parseWeekday(v.day);
    if (day === null)
      throw new RowError(
        'day',
        `use mon..sun, a full day name like monday, or weekdays (got ${JSON.stringify(v.day)})`,
      );
    schedule.weekday = day;
  }
  // Without a cadence a new follow is daily; a weekly day implies weekly.
  const cadence = schedule.cadence ?? (schedule.weekday !== undefined ? 'weekly' : 'daily');
  const conflict = scheduleConflict(cadence, schedule);
  if (conflict) throw new RowError(conflict.field === 'sendAt' ? 'at' : 'day', conflict.reason);
  return schedule;
}

/**
 * Luxon checks a zone by building an `Intl.DateTimeFormat` (about 0.1 ms); a file names a few
 * dozen zones over and over, so each answer is kept.
 */
const zoneAnswers = new Map<string, boolean>();
function isKnownZone(tz: string): boolean {
  let known = zoneAnswers.get(tz);
  if (known === undefined) {
    known = isValidTimeZone(tz);
    if (zoneAnswers.size < 10_000) zoneAnswers.set(tz, known);
  }
  return known;
}

/** The `day` of a daily digest sent on working days only (no weekends, US federal holidays). */
const WORKING_DAYS = 'weekdays';

/** `2026-12-31` (midnight UTC) or an ISO 8601 date-time with offset. */
function readDate(column: ReaderColumn, text: string): Date {
  // A file repeats a few dates (a trial's end) many times: each is read once.
  let time = dateAnswers.get(text);
  if (time === undefined) {
    const parsed = DateTime.fromISO(text.trim(), { zone: 'utc' });
    time = parsed.isValid ? parsed.toMillis() : null;
    if (dateAnswers.size < 10_000) dateAnswers.set(text, time);
  }
  if (time === null)
    throw new RowError(
      column,
      `not a date: use YYYY-MM-DD or ISO 8601 (got ${JSON.stringify(text)})`,
    );
  return new Date(time);
}

const dateAnswers = new Map<string, number | null>();

/**
 * The columns in which a further row of a new reader disagrees with the reader its first row
 * made. A blank cell agrees with anything; consent given without a source or time agrees with
 * consent on record. Rows that differ only in topics, cadence, time and day are the one-row-
 * per-schedule form an export writes, and agree.
 */
export function conflictingColumns(first: ReaderFields, row: ReaderRow): ReaderColumn[] {
  const columns: ReaderColumn[] = [];
  if (row.name !== undefined && row.name !== first.name) columns.push('name');
  if (row.plan !== undefined && row.plan !== first.plan) columns.push('plan');
  if (row.trialEndsAt !== undefined && row.trialEndsAt.getTime() !== first.trialEndsAt?.getTime())
    columns.push('trial_ends');
  if (row.tz !== undefined && row.tz !== first.tz) columns.push('tz');
  const consent = row.consent;
  if (consent !== undefined && consent.given !== first.marketingConsent)
    columns.push('marketing_consent');
  else if (consent?.given) {
    if (consent.source !== null && consent.source !== first.consentSource)
      columns.push('consent_source');
    if (consent.at !== null && consent.at.getTime() !== first.consentAt?.getTime())
      columns.push('consent_at');
  }
  return columns;
}

/** `yes`/`no`, as the file writes marketing consent. */
export function formatConsent(consent: boolean): 'yes' | 'no' {
  return consent ? 'yes' : 'no';
}

/** A subscription as a file row needs it. */
export interface FollowForFile {
  topicSlug: string | null;
  cadence: Cadence;
  sendAt: string;
  weekday: number | null;
  weekdays: boolean;
}

/** A reader as a file row needs it. */
export interface ReaderForFile {
  email: string;
  name: string | null;
  plan: Plan;
  trialEndsAt: Date | null;
  tz: string;
  marketingConsent: boolean;
  consentSource: string | null;
  consentAt: Date | null;
}

const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/**
 * A reader as the rows of a readers' file: one row per schedule their topics follow (the first
 * with the reader's fields, each with its topics), or one row without topics. Own queries are
 * not part of the file. Reading the rows back gives the same reader and follows.
 */
export function readerFileRows(
  reader: ReaderForFile,
  follows: readonly FollowForFile[],
): Record<ReaderColumn, string>[] {
  const groups = new Map<string, { follow: FollowForFile; slugs: string[] }>();
  for (const follow of follows) {
    if (follow.topicSlug === null) continue;
    const key = `${follow.cadence} ${follow.sendAt} ${follow.weekday} ${follow.weekdays}`;
    const group = groups.get(key) ?? { follow, slugs: [] };
    group.slugs.push(follow.topicSlug);
    groups.set(key, group);
  }
  const base = {
    email: reader.email,
    name: reader.name ?? '',
    plan: reader.plan,
    trial_ends: reader.trialEndsAt?.toISOString() ?? '',
    tz: reader.tz,
    marketing_consent: formatConsent(reader.marketingConsent),
    consent_source: reader.consentSource ?? '',
    consent_at: reader.consentAt?.toISOString() ?? '',
  };
  const noFollow = { topics: '', cadence: '', at: '', day: '' };
  if (groups.size === 0) return [{ ...base, ...noFollow }];
  return [...groups.values()].map(({ follow, slugs }) => ({
    ...base,
    topics: slugs.join(';'),
    cadence: follow.cadence,
    at: follow.cadence === 'instant' ? '' : follow.sendAt,
    day: follow.weekdays
      ? WORKING_DAYS
      : follow.weekday
        ? (WEEKDAY_NAMES[follow.weekday - 1] ?? '')
        : '',
  }));
}
