import { listDeliveries } from '../../../db/repositories/delivery.repository.js';
import {
  type DigestSummary,
  findLatestDigestsOfReader,
} from '../../../db/repositories/reader-history.repository.js';
import { listSiteLicenses } from '../../../db/repositories/site-license.repository.js';
import { listSubscriptions } from '../../../db/repositories/subscription.repository.js';
import { type AccessReason, decideAccess, type SiteLicense } from '../../domain/access.js';
import type { Delivery } from '../../domain/delivery.js';
import type { Reader } from '../../domain/reader.js';
import type { SubscriptionListing } from '../../domain/subscription.js';
import type { Suppression } from '../../domain/suppression.js';
import type { ServiceContext } from '../context.js';
import { requireReader } from './readers.service.js';
import { type AddressKeys, findAddressSuppression } from './suppressions.service.js';

/** Everything an administrator looks at about one reader. */
export interface ReaderProfile {
  reader: Reader;
  access: {
    full: boolean;
    reason: AccessReason;
    /** The trial's end (plan trial), whether still running or not. */
    trialEndsAt: Date | null;
    /** The site license that gives access, when one does. */
    license: SiteLicense | null;
  };
  subscriptions: SubscriptionListing[];
  digests: DigestSummary[];
  deliveries: Delivery[];
  suppression: Suppression | null;
}

const HISTORY = 5;

/** A reader's plan, access and why, follows with their next send, latest mail, suppression. */
export async function showReader(
  ctx: ServiceContext & AddressKeys,
  email: string,
): Promise<ReaderProfile> {
  const reader = await requireReader(ctx, email);
  const now = ctx.now();
  const licenses = await listSiteLicenses(ctx.db);
  const decision = decideAccess(reader, licenses, now);
  const license =
    decision.reason === 'site-license'
      ? (licenses.find((l) => decideAccess({ ...reader, plan: 'free' }, [l], now).full) ?? null)
      : null;
  const [subscriptions, digests, deliveries, suppression] = await Promise.all([
    listSubscriptions(ctx.db, reader.email),
    findLatestDigestsOfReader(ctx.db, reader.id, HISTORY),
    listDeliveries(ctx.db, { recipient: reader.email, limit: HISTORY }),
    findAddressSuppression(ctx, reader.email),
  ]);
  return {
    reader,
    access: {
      ...decision,
      trialEndsAt: reader.plan === 'trial' ? reader.trialEndsAt : null,
      license,
    },
    subscriptions,
    digests,
    deliveries,
    suppression: suppression ?? null,
  };
}
