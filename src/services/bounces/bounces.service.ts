import {
  countBounces as countBounceRows,
  findBounce,
  findInboundMessage,
  latestBouncesOfDeliveries,
  listBouncesOfInbound,
  readInboundRaw,
  listBounces as selectBounces,
} from '../../../db/repositories/bounce.repository.js';
import { findDeliveryById } from '../../../db/repositories/delivery.repository.js';
import type { Bounce, BounceKind, InboundRecord } from '../../domain/bounce-record.js';
import type { Delivery } from '../../domain/delivery.js';
import type { ServiceContext } from '../context.js';
import { InputError } from '../input-error.js';

/* The admin's view of what came back: `bounces list`, `bounces show`, and `deliveries list`'s bounce column. */

export interface BounceFilter {
  kind?: BounceKind;
  since?: Date;
}

/** Recorded reports, newest first (at most `limit`; null: all of them). */
export async function listBounces(
  ctx: ServiceContext,
  filter: BounceFilter = {},
  options: { limit?: number | null } = {},
): Promise<Bounce[]> {
  return selectBounces(ctx.db, filter, options.limit ?? null);
}

/** How many reports {@link listBounces} would list without a limit. */
export async function countBounces(
  ctx: ServiceContext,
  filter: BounceFilter = {},
): Promise<number> {
  return countBounceRows(ctx.db, filter);
}

export interface BounceDetail {
  bounce: Bounce;
  /** The message or event it was read from. */
  inbound: InboundRecord;
  /** The delivery it is about, when matched and still there. */
  delivery: Delivery | null;
  /** The other reports read from the same message. */
  others: Bounce[];
}

/** One report with its message, its delivery and the message's other reports. */
export async function showBounce(ctx: ServiceContext, id: number): Promise<BounceDetail> {
  const bounce = await findBounce(ctx.db, id);
  if (!bounce) throw new InputError(`no bounce ${id}`, { field: 'id', problem: 'not-found' });
  const inbound = (await findInboundMessage(ctx.db, bounce.inboundId)) as InboundRecord;
  const delivery =
    bounce.deliveryId === null
      ? null
      : ((await findDeliveryById(ctx.db, bounce.deliveryId)) ?? null);
  const others = (await listBouncesOfInbound(ctx.db, bounce.inboundId)).filter((b) => b.id !== id);
  return { bounce, inbound, delivery, others };
}

/**
 * The stored copy of the message a report was read from, as it came (its first 256 KB), and
 * the whole message's size.
 */
export async function readBounceMessage(
  ctx: ServiceContext,
  id: number,
): Promise<{ raw: Buffer; rawBytes: number }> {
  const bounce = await findBounce(ctx.db, id);
  if (!bounce) throw new InputError(`no bounce ${id}`, { field: 'id', problem: 'not-found' });
  const inbound = (await findInboundMessage(ctx.db, bounce.inboundId)) as InboundRecord;
  const raw = (await readInboundRaw(ctx.db, bounce.inboundId)) ?? Buffer.alloc(0);
  return { raw, rawBytes: inbound.rawBytes };
}

/** The latest bounce or complaint of each delivery that has one. */
export async function findDeliveryBounces(
  ctx: ServiceContext,
  deliveryIds: readonly number[],
): Promise<Map<number, Bounce>> {
  return latestBouncesOfDeliveries(ctx.db, deliveryIds);
}
