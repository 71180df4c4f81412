import {
  addSuppression,
  findSuppression,
  findSuppressionsByEmail,
  removeSuppression,
  listSuppressions as selectSuppressions,
} from '../../../db/repositories/suppression.repository.js';
import { countTableRows } from '../../../db/repositories/table-count.js';
import { addressHashes } from '../../domain/address-hash.js';
import type { Suppression, SuppressionReason } from '../../domain/suppression.js';
import type { ServiceContext } from '../context.js';
import { InputError } from '../input-error.js';

/** Stops all mail to an address; an address already suppressed keeps its first reason. */
export async function suppressAddress(
  ctx: ServiceContext,
  email: string,
  reason: SuppressionReason,
): Promise<void> {
  await addSuppression(ctx.db, email, reason, ctx.now());
}

/** Suppressed addresses in order (at most `limit` when given). */
export async function listSuppressions(
  ctx: ServiceContext,
  options: { limit?: number | null } = {},
): Promise<Suppression[]> {
  return selectSuppressions(ctx.db, options.limit ?? null);
}

/** How many addresses are suppressed. */
export async function countSuppressions(ctx: ServiceContext): Promise<number> {
  return countTableRows(ctx.db, 'suppressions');
}

/** Lets an address be mailed again. */
export async function liftSuppression(ctx: ServiceContext, email: string): Promise<void> {
  if (!(await removeSuppression(ctx.db, email)))
    throw new InputError(`${email} is not suppressed`, { field: 'email', problem: 'not-found' });
}

/** The keys an erased address may have been hashed under: the current one, then any older one. */
export interface AddressKeys {
  secretKey: Buffer;
  verificationKeys?: readonly Buffer[];
}

/**
 * Why an address must not be mailed, if it must not: its own suppression, or the keyed hash
 * kept when a reader with that address was erased. Checked before every send.
 */
export async function findAddressSuppression(
  ctx: ServiceContext & AddressKeys,
  email: string,
): Promise<Suppression | undefined> {
  return findSuppression(
    ctx.db,
    email,
    addressHashes(ctx.verificationKeys ?? [ctx.secretKey], email),
  );
}

/**
 * The erased addresses among `emails` that are kept on the do-not-mail list as a keyed hash,
 * with the reason: one statement for a group of sends, checked with each one's own row.
 */
export async function findHashedSuppressions(
  ctx: ServiceContext & AddressKeys,
  emails: readonly string[],
): Promise<Map<string, SuppressionReason>> {
  const keys = ctx.verificationKeys ?? [ctx.secretKey];
  const emailOfHash = new Map<string, string>();
  for (const email of emails)
    for (const hash of addressHashes(keys, email)) emailOfHash.set(hash, email);
  const found = new Map<string, SuppressionReason>();
  for (const row of await findSuppressionsByEmail(ctx.db, [...emailOfHash.keys()])) {
    const email = emailOfHash.get(row.email);
    if (email !== undefined && !found.has(email)) found.set(email, row.reason);
  }
  return found;
}
