/** How often a reader hears about a rule's stories. */
export type Cadence = 'instant' | 'daily' | 'weekly';
export const CADENCES: readonly Cadence[] = ['instant', 'daily', 'weekly'];

/** Weekday names as the CLI takes them, index + 1 = ISO weekday (1 = Monday). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A reader following one rule (a topic's, or their own query) at one cadence. */
export interface Subscription {
  id: number;
  readerId: number;
  topicId: number | null;
  query: string | null;
  cadence: Cadence;
  /** Local send time `HH:MM` (daily, weekly). */
  sendAt: string;
  /** ISO weekday 1..7 (weekly). */
  weekday: number | null;
  /** Daily only: no digest on weekends and observed US federal holidays. */
  weekdays: boolean;
  paused: boolean;
  nextDueAt: Date | null;
  createdAt: Date;
}

/** A subscription as listed: with the reader's address and the topic it follows. */
export interface SubscriptionListing extends Subscription {
  email: string;
  topicSlug: string | null;
  topicQuery: string | null;
}

const CADENCE_SPEED: Record<Cadence, number> = { instant: 0, daily: 1, weekly: 2 };

/** The quickest of several cadences: a story goes to a reader once, by the fastest route. */
export function fastestCadence(cadences: Iterable<Cadence>): Cadence {
  let best: Cadence = 'weekly';
  for (const cadence of cadences) if (CADENCE_SPEED[cadence] < CADENCE_SPEED[best]) best = cadence;
  return best;
}

/** Default local send times when the reader gives none. */
export const DEFAULT_SEND_AT = '07:00';
export const DEFAULT_WEEKDAY = 1;

const FULL_WEEKDAY_NAMES = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;

/**
 * The ISO weekday (1 = Monday) a name stands for: `mon`…`sun` or the full English name, in
 * any case; null for anything else (`monkey`, `mo`).
 */
export function parseWeekday(text: string): number | null {
  const name = text.trim().toLowerCase();
  const short = WEEKDAYS.indexOf(name as Weekday);
  if (short >= 0) return short + 1;
  const full = FULL_WEEKDAY_NAMES.indexOf(name as (typeof FULL_WEEKDAY_NAMES)[number]);
  return full >= 0 ? full + 1 : null;
}

/** A schedule as asked for: only what was given; the rest is defaulted or kept. */
export interface ScheduleRequest {
  cadence?: Cadence;
  sendAt?: string;
  weekday?: number;
  weekdays?: boolean;
}

/**
 * Why a combination of schedule options makes no sense, or null when it does: an alert goes
 * at once (no send time, no day), only a weekly digest has a day, only a daily one skips
 * weekends. `cadence` is the cadence the subscription will have.
 */
export function scheduleConflict(
  cadence: Cadence,
  request: ScheduleRequest,
): ScheduleConflict | null {
  if (cadence === 'instant' && request.sendAt !== undefined)
    return { field: 'sendAt', reason: 'an instant alert goes at once: it has no send time' };
  if (cadence !== 'weekly' && request.weekday !== undefined)
    return { field: 'weekday', reason: `only a weekly digest has a day; this one is ${cadence}` };
  if (cadence !== 'daily' && request.weekdays)
    return {
      field: 'weekdays',
      reason: `only a daily digest can skip weekends and holidays; this one is ${cadence}`,
    };
  return null;
}

/** The option of a schedule request that does not fit, and why. */
export interface ScheduleConflict {
  field: 'sendAt' | 'weekday' | 'weekdays';
  reason: string;
}

/** The parts of a subscription that say when it is sent. */
export interface ScheduleFields {
  cadence: Cadence;
  sendAt: string;
  weekday: number | null;
  weekdays: boolean;
}

/**
 * A schedule with a request applied: what the request gives, the rest kept from `current`
 * (or defaulted for a new subscription: daily, or weekly when only a day is given, at 07:00,
 * on Mondays). A conflict is returned as its reason, see {@link scheduleConflict}.
 */
export function applyScheduleRequest(
  current: ScheduleFields | null,
  request: ScheduleRequest,
): ScheduleFields | { conflict: ScheduleConflict } {
  const cadence =
    request.cadence ?? current?.cadence ?? (request.weekday !== undefined ? 'weekly' : 'daily');
  const conflict = scheduleConflict(cadence, request);
  if (conflict) return { conflict };
  return {
    cadence,
    sendAt: request.sendAt ?? current?.sendAt ?? DEFAULT_SEND_AT,
    weekday: cadence === 'weekly' ? (request.weekday ?? current?.weekday ?? DEFAULT_WEEKDAY) : null,
    weekdays: cadence === 'daily' ? (request.weekdays ?? current?.weekdays ?? false) : false,
  };
}

/** Whether two schedules send at the same times. */
export function sameSchedule(a: ScheduleFields, b: ScheduleFields): boolean {
  return (
    a.cadence === b.cadence &&
    a.sendAt === b.sendAt &&
    a.weekday === b.weekday &&
    a.weekdays === b.weekdays
  );
}
