import {
  addSuppression,
  removeSuppression,
  listSuppressions as selectSuppressions,
} from '../../../db/repositories/suppression.repository.js';
import { countTableRows } from '../../../db/repositories/table-count.js';
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
