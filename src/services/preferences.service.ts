import { setMarketingConsent } from '../../db/repositories/reader.repository.js';
import {
  listSubscriptions,
  setSubscriptionPaused,
  setSubscriptionSchedule,
} from '../../db/repositories/subscription.repository.js';
import type { Reader } from '../domain/reader.js';
import { nextSendTime } from '../domain/schedule.js';
import type { Cadence, SubscriptionListing } from '../domain/subscription.js';
import type { ServiceContext } from './context.js';
import { requireReader } from './readers.service.js';

/** What a reader may change on the preferences page. */
export interface PreferenceChanges {
  /** New cadence per subscription id; ids not the reader's own are ignored. */
  cadences: Map<number, Cadence>;
  /** The subscriptions to pause; the reader's others are resumed. */
  paused: Set<number>;
  marketingConsent: boolean;
}

export interface Preferences {
  reader: Reader;
  subscriptions: SubscriptionListing[];
}

export async function readPreferences(ctx: ServiceContext, email: string): Promise<Preferences> {
  const reader = await requireReader(ctx, email);
  return { reader, subscriptions: await listSubscriptions(ctx.db, reader.email) };
}

/**
 * Applies a reader's own changes: cadence (with the next send time recomputed in the reader's
 * zone), pause or resume, and marketing consent. Only the reader's own subscriptions change.
 */
export async function savePreferences(
  ctx: ServiceContext,
  email: string,
  changes: PreferenceChanges,
): Promise<Preferences> {
  const { reader, subscriptions } = await readPreferences(ctx, email);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    for (const sub of subscriptions) {
      const cadence = changes.cadences.get(sub.id) ?? sub.cadence;
      if (cadence !== sub.cadence) {
        const nextDueAt =
          cadence === 'instant'
            ? null
            : nextSendTime(
                {
                  cadence,
                  sendAt: sub.sendAt,
                  weekday: sub.weekday ?? 1,
                  weekdays: sub.weekdays,
                  tz: reader.tz,
                },
                now,
              );
        await setSubscriptionSchedule(trx, sub.id, {
          cadence,
          weekday: cadence === 'weekly' ? (sub.weekday ?? 1) : null,
          nextDueAt,
        });
      }
      const paused = changes.paused.has(sub.id);
      if (paused !== sub.paused) await setSubscriptionPaused(trx, sub.id, paused);
    }
    if (changes.marketingConsent !== reader.marketingConsent) {
      await setMarketingConsent(trx, reader.email, changes.marketingConsent, now);
    }
  });
  ctx.log.info({ event: 'reader.preferences', email: reader.email });
  return readPreferences(ctx, email);
}
