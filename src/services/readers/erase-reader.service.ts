import { randomBytes } from 'node:crypto';
import {
  countReaderData,
  type ErasurePlan,
  eraseReaderRows,
  hasDoNotMailReport,
  lockReaderForErasure,
  type ReaderDataCounts,
} from '../../../db/repositories/erasure.repository.js';
import { recordRuleChange } from '../../../db/repositories/rule-change.repository.js';
import { listSubscriptions } from '../../../db/repositories/subscription.repository.js';
import { hashAddress } from '../../domain/address-hash.js';
import type { Reader } from '../../domain/reader.js';
import type { SuppressionReason } from '../../domain/suppression.js';
import type { ServiceContext } from '../context.js';
import { ruleKey } from '../topics/rule-keys.js';
import { requireReader } from './readers.service.js';

/** What an erasure took (or, on a dry run, would take). */
export interface ErasureReport {
  email: string;
  dryRun: boolean;
  /** Rows by kind: deleted, or kept for the counts without the reader (see ReaderDataCounts). */
  counts: ReaderDataCounts;
  /** Why the address stays on the do-not-mail list, as a keyed hash; null: it does not. */
  keptAsHash: SuppressionReason | null;
}

/**
 * The reasons a sender may keep an address it must not mail after erasing the rest (the
 * reader asked us to stop, a complaint, an address that does not exist, an admin's block).
 * A soft bounce is no such request: it goes with the rest.
 */
const DO_NOT_MAIL: readonly SuppressionReason[] = [
  'unsubscribed',
  'complaint',
  'hard-bounce',
  'manual',
];

/**
 * Erases a reader (the right to erasure): in one transaction their profile, consent,
 * subscriptions, matches and digests go; deliveries, trial clicks, campaign invitations and
 * bounces stay for the counts, with the address replaced by a random stand-in and the
 * reader's id cleared; inbound messages naming them lose their raw text; an address the
 * reader asked us not to mail (or that bounced hard or complained) stays only as a keyed
 * hash, so it is still not mailed if it comes back. Their personal links die with their row's
 * secret. A delivery still waiting is settled unsent. With `dryRun`, only counts.
 */
export async function eraseReader(
  ctx: ServiceContext & { secretKey: Buffer },
  email: string,
  options: { dryRun?: boolean } = {},
): Promise<ErasureReport> {
  const reader = await requireReader(ctx, email);
  const dryRun = options.dryRun ?? false;
  if (dryRun) {
    const counts = await countReaderData(ctx.db, reader);
    return {
      email: reader.email,
      dryRun,
      counts,
      keptAsHash: await keptReason(ctx, reader, counts),
    };
  }
  const now = ctx.now();
  return ctx.db.transaction().execute(async (trx) => {
    await lockReaderForErasure(trx, reader.id);
    const trxCtx = { ...ctx, db: trx };
    const counts = await countReaderData(trx, reader);
    const keptAsHash = await keptReason(trxCtx, reader, counts);
    const custom = (await listSubscriptions(trx, reader.email)).filter((s) => s.query !== null);
    const ruleKeys = custom.map((s) => ruleKey.subscription(s.id));
    const plan: ErasurePlan = {
      pseudonym: `erased-${randomBytes(9).toString('base64url')}`,
      doNotMail: keptAsHash && {
        hash: hashAddress(ctx.secretKey, reader.email),
        reason: keptAsHash,
      },
      ruleKeys,
      now,
    };
    await eraseReaderRows(trx, reader, plan);
    // The reader's own queries leave every worker's rule index.
    for (const key of ruleKeys) await recordRuleChange(trx, key, null, now);
    ctx.log.info({ event: 'reader.erased', reader: reader.id, keptAsHash });
    return { email: reader.email, dryRun, counts, keptAsHash };
  });
}

async function keptReason(
  ctx: ServiceContext,
  reader: Reader,
  counts: ReaderDataCounts,
): Promise<SuppressionReason | null> {
  if (counts.suppression && DO_NOT_MAIL.includes(counts.suppression)) return counts.suppression;
  if (reader.status === 'unsubscribed') return 'unsubscribed';
  return hasDoNotMailReport(ctx.db, reader);
}
