import { readReaderData } from '../../../db/repositories/reader-data.repository.js';
import { isAddressHash } from '../../domain/address-hash.js';
import type { ServiceContext } from '../context.js';
import { requireReader } from './readers.service.js';
import { type AddressKeys, findAddressSuppression } from './suppressions.service.js';

/**
 * Everything held about one reader, as one document a person can be given (the right of
 * access): profile and consent, subscriptions, matches, digests, deliveries, trial clicks and
 * trials, bounces, suppressions and campaign invitations. No secrets: neither the reader's
 * link secret nor any signature.
 */
export async function readAllReaderData(
  ctx: ServiceContext & AddressKeys,
  email: string,
): Promise<Record<string, unknown>> {
  const reader = await requireReader(ctx, email);
  const rows = await readReaderData(ctx.db, reader);
  const suppressions = rows.suppressions as Record<string, unknown>[];
  if (suppressions.length === 0) {
    // Kept from an erasure of this address before: said as such, without the hash itself.
    const kept = await findAddressSuppression(ctx, reader.email);
    if (kept && isAddressHash(kept.email)) {
      suppressions.push({
        email: reader.email,
        reason: kept.reason,
        keptAs: 'a keyed hash of the address, from an earlier erasure',
        createdAt: kept.createdAt.toISOString(),
      });
    }
  }
  const clicks = rows.trialClicks as Record<string, unknown>[];
  return {
    email: reader.email,
    generatedAt: ctx.now().toISOString(),
    ...rows,
    trials: {
      plan: reader.plan,
      trialEndsAt: reader.trialEndsAt?.toISOString() ?? null,
      startedFromClicks: clicks.filter((c) => c.trialStartedAt !== null),
    },
    consent: {
      marketingConsent: reader.marketingConsent,
      source: reader.consentSource,
      at: reader.consentAt?.toISOString() ?? null,
    },
  };
}
