import { reroutePendingMatches } from '../../../db/repositories/match.repository.js';
import { findReaderByEmail, setReaderStatus } from '../../../db/repositories/reader.repository.js';
import {
  findReaderStanding,
  recordMarketingConsent,
} from '../../../db/repositories/reader-preferences.repository.js';
import {
  listSubscriptions,
  setSubscriptionPaused,
} from '../../../db/repositories/subscription.repository.js';
import {
  addSuppression,
  findSuppression,
  removeSuppression,
} from '../../../db/repositories/suppression.repository.js';
import type { Reader } from '../../domain/reader.js';
import type { UnsubscribeList } from '../../domain/signed-token.js';
import { type Cadence, fastestCadence } from '../../domain/subscription.js';
import type { SuppressionReason } from '../../domain/suppression.js';
import type { ServiceContext } from '../context.js';

/** Whether an address may be mailed, as the unsubscribe and preferences pages tell it. */
export interface MailingState {
  /** Null when the address is not a reader (any more). */
  reader: Reader | null;
  /** Why the address is not mailed at all, if it is not. */
  suppressed: SuppressionReason | null;
}

export async function readMailingState(ctx: ServiceContext, email: string): Promise<MailingState> {
  const found = await findReaderStanding(ctx.db, email);
  if (found) return { reader: found.reader, suppressed: found.suppressed };
  // An address may stay suppressed after its reader is removed.
  return { reader: null, suppressed: (await findSuppression(ctx.db, email))?.reason ?? null };
}

/**
 * Takes an address off one list (RFC 8058: the list the email came from), safe to repeat:
 * - a cadence: every subscription of that cadence is paused (the reader's topics stay, shown
 *   paused on the preferences page, where they can be resumed), and the stories waiting for
 *   that cadence's next email go to another cadence the story also matched, or are dropped;
 * - `marketing`: marketing consent off;
 * - `all`: the reader is unsubscribed and the address suppressed, so nothing reaches it.
 * Each change is made before it returns, so it holds for the next send.
 */
export async function unsubscribeFromList(
  ctx: ServiceContext,
  email: string,
  list: UnsubscribeList,
): Promise<void> {
  const now = ctx.now();
  if (list === 'all') {
    await ctx.db.transaction().execute(async (trx) => {
      await setReaderStatus(trx, email, 'unsubscribed', now);
      await addSuppression(trx, email, 'unsubscribed', now);
    });
  } else if (list === 'marketing') {
    // Consent is on record only while it holds: its source and time go with it.
    await recordMarketingConsent(ctx.db, email, { given: false, source: 'unsubscribe link' }, now);
  } else {
    await stopCadence(ctx, email, list);
  }
  // Named by id: an address is personal data, and logs are kept and shipped elsewhere.
  const reader = await findReaderByEmail(ctx.db, email);
  ctx.log.info({ event: 'reader.unsubscribed', reader: reader?.id ?? null, list });
}

/** Unsubscribes an address from everything (the `all` list). */
export async function unsubscribe(ctx: ServiceContext, email: string): Promise<void> {
  await unsubscribeFromList(ctx, email, 'all');
}

async function stopCadence(ctx: ServiceContext, email: string, cadence: Cadence): Promise<void> {
  const reader = await findReaderByEmail(ctx.db, email);
  if (!reader) return;
  await ctx.db.transaction().execute(async (trx) => {
    const subscriptions = await listSubscriptions(trx, reader.email);
    const live = new Map<number, Cadence>();
    for (const sub of subscriptions) {
      if (sub.cadence === cadence && !sub.paused) await setSubscriptionPaused(trx, sub.id, true);
      else if (!sub.paused) live.set(sub.id, sub.cadence);
    }
    await reroutePendingMatches(trx, reader.id, cadence, (ids) => {
      const remaining = ids.filter((id) => live.has(id));
      if (remaining.length === 0) return null;
      return {
        cadence: fastestCadence(remaining.map((id) => live.get(id) as Cadence)),
        subscriptionIds: remaining,
      };
    });
  });
}

export type ResubscribeOutcome =
  | { ok: true }
  /** Not ours to lift: a bounce, a complaint or a manual block stays. */
  | { ok: false; reason: SuppressionReason };

/**
 * Undoes an unsubscribe from everything: the reader is active again and the `unsubscribed`
 * suppression is lifted. A bounce, complaint or manual suppression is never lifted here.
 */
export async function resubscribe(ctx: ServiceContext, email: string): Promise<ResubscribeOutcome> {
  const suppression = await findSuppression(ctx.db, email);
  if (suppression && suppression.reason !== 'unsubscribed') {
    return { ok: false, reason: suppression.reason };
  }
  await ctx.db.transaction().execute(async (trx) => {
    if (suppression) await removeSuppression(trx, email);
    await setReaderStatus(trx, email, 'active', ctx.now());
  });
  const reader = await findReaderByEmail(ctx.db, email);
  ctx.log.info({ event: 'reader.resubscribed', reader: reader?.id ?? null });
  return { ok: true };
}
