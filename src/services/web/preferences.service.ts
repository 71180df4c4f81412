import {
  findReaderStanding,
  recordMarketingConsent,
  setReaderPausedUntil,
  setReaderTimeZone,
} from '../../../db/repositories/reader-preferences.repository.js';
import { recordRuleChange } from '../../../db/repositories/rule-change.repository.js';
import {
  deleteSubscription,
  insertSubscription,
  listSubscriptions,
  setSubscriptionPaused,
  setSubscriptionSchedule,
} from '../../../db/repositories/subscription.repository.js';
import { listTopics } from '../../../db/repositories/topic.repository.js';
import type { Reader } from '../../domain/reader.js';
import { isValidSendAt, isValidTimeZone, nextSendTime } from '../../domain/schedule.js';
import {
  CADENCES,
  type Cadence,
  DEFAULT_SEND_AT,
  DEFAULT_WEEKDAY,
  type SubscriptionListing,
  WEEKDAYS,
} from '../../domain/subscription.js';
import type { SuppressionReason } from '../../domain/suppression.js';
import type { ServiceContext } from '../context.js';
import { type FieldProblem, InvalidFields } from '../input-error.js';
import { readerNotFound } from '../readers/readers.service.js';
import { readTopics } from '../shared-reads.js';
import { ruleKey } from '../topics/rule-keys.js';

const DAY_MS = 86_400_000;
/** The longest pause a reader can ask for at once. */
export const MAX_PAUSE_DAYS = 365;
/** Where consent given on this page is recorded as coming from. */
const CONSENT_SOURCE = 'preferences page';

export interface TopicChoice {
  slug: string;
  name: string;
}

export interface SubscriptionPreference extends SubscriptionListing {
  /** The followed topic's name; null for a search of the reader's own. */
  topicName: string | null;
}

/** What the preferences page shows. */
export interface Preferences {
  reader: Reader;
  subscriptions: SubscriptionPreference[];
  /** Topics the reader does not follow yet, by name. */
  otherTopics: TopicChoice[];
  /** Set while the reader has paused everything. */
  pausedUntil: Date | null;
  /** Why the address gets no email at all, if it gets none. */
  suppressed: SuppressionReason | null;
}

/** A reader's changes to one subscription, as the form sends them (text, unchecked). */
export interface SubscriptionChanges {
  id: number;
  cadence?: string;
  /** `HH:MM`, in the reader's time zone. */
  sendAt?: string;
  /** `mon` .. `sun`, weekly only. */
  weekday?: string;
  /** Daily only: skip weekends and holidays. */
  weekdays: boolean;
  paused: boolean;
  /** Stop following it. */
  drop: boolean;
}

/** Everything the preferences page may change at once. Absent text means "as it is". */
export interface PreferenceChanges {
  subscriptions: SubscriptionChanges[];
  tz?: string;
  /** Pause everything for this many days from now; `0` resumes. Blank: no change. */
  pauseDays?: string;
  /** A topic slug to follow; blank: none. */
  follow?: string;
  followCadence?: string;
  marketingConsent: boolean;
}

export async function readPreferences(ctx: ServiceContext, email: string): Promise<Preferences> {
  const found = await findReaderStanding(ctx.db, email);
  if (!found) throw readerNotFound(email);
  const { reader, pausedUntil, suppressed } = found;
  const [subscriptions, topics] = await Promise.all([
    listSubscriptions(ctx.db, reader.email),
    readTopics(ctx.db),
  ]);
  const names = new Map(topics.map((t) => [t.slug, t.name]));
  const followed = new Set(subscriptions.map((s) => s.topicSlug));
  return {
    reader,
    subscriptions: subscriptions.map((s) => ({
      ...s,
      topicName: s.topicSlug === null ? null : (names.get(s.topicSlug) ?? s.topicSlug),
    })),
    otherTopics: topics
      .filter((t) => !followed.has(t.slug))
      .map((t) => ({ slug: t.slug, name: t.name }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    pausedUntil: pausedUntil && pausedUntil > ctx.now() ? pausedUntil : null,
    suppressed,
  };
}

/** A subscription's schedule once the changes are applied. */
interface Schedule {
  cadence: Cadence;
  sendAt: string;
  weekday: number | null;
  weekdays: boolean;
}

/** The changes, checked: every problem found, or what to write. */
interface CheckedChanges {
  schedules: Map<number, Schedule & { paused: boolean }>;
  drops: Set<number>;
  tz: string;
  pausedUntil: Date | null | undefined;
  follow: { topicId: number; cadence: Cadence } | null;
}

/**
 * Applies a reader's own changes in one transaction: all of them or, when any value is
 * unknown or invalid, none ({@link InvalidFields} lists every problem, each by its field:
 * `subscriptions.<id>.cadence`, `tz`, `pauseDays`, `follow`, …). Next send times are
 * recomputed for every daily and weekly subscription whose schedule, zone or pause changed.
 */
export async function savePreferences(
  ctx: ServiceContext,
  email: string,
  changes: PreferenceChanges,
): Promise<Preferences> {
  const current = await readPreferences(ctx, email);
  const { reader } = current;
  const now = ctx.now();
  const topics = await listTopics(ctx.db);
  const checked = checkChanges(current, changes, topics, now);
  const pauseChanged =
    checked.pausedUntil !== undefined &&
    checked.pausedUntil?.getTime() !== current.pausedUntil?.getTime();
  const effectivePause =
    checked.pausedUntil === undefined ? current.pausedUntil : checked.pausedUntil;
  // No digest is due while everything is paused: the next one comes after the pause.
  const after = effectivePause && effectivePause > now ? effectivePause : now;
  const tzChanged = checked.tz !== reader.tz;
  const nextDue = (schedule: Schedule) =>
    schedule.cadence === 'instant'
      ? null
      : nextSendTime(
          {
            cadence: schedule.cadence,
            sendAt: schedule.sendAt,
            weekday: schedule.weekday,
            weekdays: schedule.weekdays,
            tz: checked.tz,
          },
          after,
        );

  await ctx.db.transaction().execute(async (trx) => {
    if (tzChanged) await setReaderTimeZone(trx, reader.email, checked.tz, now);
    if (pauseChanged) {
      await setReaderPausedUntil(trx, reader.email, checked.pausedUntil ?? null, now);
    }
    for (const sub of current.subscriptions) {
      if (checked.drops.has(sub.id)) {
        await deleteSubscription(trx, sub.id);
        if (sub.query !== null) {
          await recordRuleChange(trx, ruleKey.subscription(sub.id), null, now);
        }
        continue;
      }
      const wanted = checked.schedules.get(sub.id);
      if (!wanted) continue;
      const scheduleChanged =
        wanted.cadence !== sub.cadence ||
        wanted.sendAt !== sub.sendAt ||
        wanted.weekday !== sub.weekday ||
        wanted.weekdays !== sub.weekdays;
      if (scheduleChanged || tzChanged || pauseChanged) {
        await setSubscriptionSchedule(trx, sub.id, { ...wanted, nextDueAt: nextDue(wanted) });
      }
      if (wanted.paused !== sub.paused) await setSubscriptionPaused(trx, sub.id, wanted.paused);
    }
    if (checked.follow) {
      const schedule: Schedule = {
        cadence: checked.follow.cadence,
        sendAt: DEFAULT_SEND_AT,
        weekday: checked.follow.cadence === 'weekly' ? DEFAULT_WEEKDAY : null,
        weekdays: false,
      };
      await insertSubscription(
        trx,
        {
          readerId: reader.id,
          topicId: checked.follow.topicId,
          query: null,
          ...schedule,
          nextDueAt: nextDue(schedule),
        },
        now,
      );
    }
    if (changes.marketingConsent !== reader.marketingConsent) {
      await recordMarketingConsent(
        trx,
        reader.email,
        { given: changes.marketingConsent, source: CONSENT_SOURCE },
        now,
      );
    }
  });
  ctx.log.info({ event: 'reader.preferences', reader: reader.id });
  return readPreferences(ctx, email);
}

function checkChanges(
  current: Preferences,
  changes: PreferenceChanges,
  topics: { id: number; slug: string }[],
  now: Date,
): CheckedChanges {
  const problems: FieldProblem[] = [];
  const own = new Map(current.subscriptions.map((s) => [s.id, s]));
  const schedules = new Map<number, Schedule & { paused: boolean }>();
  const drops = new Set<number>();
  for (const change of changes.subscriptions) {
    const sub = own.get(change.id);
    if (!sub) {
      problems.push({ field: 'subscriptions', message: 'one of these subscriptions is not yours' });
      continue;
    }
    const field = (name: string) => `subscriptions.${sub.id}.${name}`;
    if (change.drop) {
      drops.add(sub.id);
      continue;
    }
    const cadence = change.cadence ?? sub.cadence;
    if (!isCadence(cadence)) {
      problems.push({
        field: field('cadence'),
        message: 'choose how often: as it happens, daily or weekly',
      });
      continue;
    }
    const sendAt = change.sendAt?.trim() || sub.sendAt;
    if (!isValidSendAt(sendAt)) {
      problems.push({ field: field('sendAt'), message: 'give a time of day like 07:30 (24-hour)' });
    }
    let weekday = sub.weekday ?? DEFAULT_WEEKDAY;
    if (change.weekday !== undefined && change.weekday !== '') {
      const index = (WEEKDAYS as readonly string[]).indexOf(change.weekday);
      if (index < 0)
        problems.push({ field: field('weekday'), message: 'choose a day of the week' });
      else weekday = index + 1;
    }
    schedules.set(sub.id, {
      cadence,
      sendAt,
      weekday: cadence === 'weekly' ? weekday : null,
      // A weekly digest has its day, and an alert cannot wait for Monday.
      weekdays: cadence === 'daily' && change.weekdays,
      paused: change.paused,
    });
  }
  const tz = changes.tz?.trim() || current.reader.tz;
  if (!isValidTimeZone(tz))
    problems.push({ field: 'tz', message: 'choose a time zone from the list' });
  let pausedUntil: Date | null | undefined;
  const pauseText = changes.pauseDays?.trim() ?? '';
  if (pauseText !== '') {
    const days = /^\d{1,3}$/.test(pauseText) ? Number(pauseText) : Number.NaN;
    if (!(days >= 0 && days <= MAX_PAUSE_DAYS)) {
      problems.push({
        field: 'pauseDays',
        message: `give a whole number of days from 0 (resume now) to ${MAX_PAUSE_DAYS}`,
      });
    } else {
      pausedUntil = days === 0 ? null : new Date(now.getTime() + days * DAY_MS);
    }
  }
  let follow: CheckedChanges['follow'] = null;
  const slug = changes.follow?.trim() ?? '';
  if (slug !== '') {
    const topic = topics.find((t) => t.slug === slug);
    const cadence = changes.followCadence ?? 'daily';
    if (!topic) {
      problems.push({ field: 'follow', message: 'choose a topic from the list' });
    } else if (current.subscriptions.some((s) => s.topicSlug === slug)) {
      problems.push({ field: 'follow', message: 'you follow this topic already' });
    } else if (!isCadence(cadence)) {
      problems.push({
        field: 'followCadence',
        message: 'choose how often: as it happens, daily or weekly',
      });
    } else {
      follow = { topicId: topic.id, cadence };
    }
  }
  if (problems.length > 0) throw new InvalidFields(problems);
  return { schedules, drops, tz, pausedUntil, follow };
}

function isCadence(value: string): value is Cadence {
  return (CADENCES as readonly string[]).includes(value);
}
