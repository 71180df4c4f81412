import { nextSendTime } from '../../domain/schedule.js';
import type { ScheduleFields } from '../../domain/subscription.js';

/** Next send times after one instant, each computed once: an import asks for few distinct ones. */
export interface NextSendTimes {
  /** Null for an instant alert, which has no send time. */
  of(schedule: ScheduleFields, tz: string): Date | null;
}

export function createNextSendTimes(after: Date): NextSendTimes {
  const known = new Map<string, Date>();
  return {
    of(schedule, tz) {
      if (schedule.cadence === 'instant') return null;
      const key = `${schedule.cadence} ${schedule.sendAt} ${schedule.weekday} ${schedule.weekdays} ${tz}`;
      let time = known.get(key);
      if (!time) {
        time = nextSendTime({ ...schedule, cadence: schedule.cadence, tz }, after);
        known.set(key, time);
      }
      return time;
    },
  };
}
