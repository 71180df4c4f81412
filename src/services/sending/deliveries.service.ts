import {
  countDeliveriesInStatus,
  countDeliveries as countDeliveryRows,
  findDeliveryById,
  resolveUnknownOutcome,
  listDeliveries as selectDeliveries,
} from '../../../db/repositories/delivery.repository.js';
import type { Delivery, DeliveryKind, DeliveryStatus } from '../../domain/delivery.js';
import type { FlowContext, ServiceContext } from '../context.js';
import { InputError } from '../input-error.js';

export interface DeliveryFilter {
  recipient?: string;
  since?: Date;
  status?: DeliveryStatus;
  kind?: DeliveryKind;
}

/** The latest deliveries, newest first: 1,000 unless `limit` says otherwise (null: all). */
export async function listDeliveries(
  ctx: ServiceContext,
  filter: DeliveryFilter = {},
  options: { limit?: number | null } = {},
): Promise<Delivery[]> {
  return selectDeliveries(ctx.db, { ...filter, ...options });
}

/** How many deliveries {@link listDeliveries} would list without a limit. */
export async function countDeliveries(
  ctx: ServiceContext,
  filter: DeliveryFilter = {},
): Promise<number> {
  return countDeliveryRows(ctx.db, filter);
}

/** Deliveries left `sending`: how many, and up to a limit of them (the latest), in id order. */
export interface LeftSending {
  count: number;
  deliveries: Pick<Delivery, 'id' | 'recipient' | 'kind' | 'updatedAt'>[];
}

/**
 * The deliveries `sending` now. Read once a run is over, when nothing of the run is in flight
 * any more: each is an unknown outcome (the server may have the message), for a person to
 * settle with `deliveries resolve`; never sent again blindly.
 */
export async function findLeftSending(ctx: ServiceContext, limit: number): Promise<LeftSending> {
  const count = await countDeliveriesInStatus(ctx.db, 'sending');
  if (count === 0) return { count, deliveries: [] };
  const rows = await selectDeliveries(ctx.db, { status: 'sending', limit });
  return {
    count,
    deliveries: rows
      .map(({ id, recipient, kind, updatedAt }) => ({ id, recipient, kind, updatedAt }))
      .sort((a, b) => a.id - b.id),
  };
}

/** Records a delivery whose outcome was unknown as sent: the mail server's log shows it. */
export async function markDeliverySent(ctx: ServiceContext, id: number): Promise<Delivery> {
  return settle(ctx, id, 'sent');
}

/** Sends a delivery whose outcome was unknown again: the mail server never took it. */
export async function resendDelivery(ctx: FlowContext, id: number): Promise<Delivery> {
  const delivery = await settle(ctx, id, 'queued');
  await ctx.queue.sendDelivery({ deliveryId: id });
  return delivery;
}

/** Only a delivery left `sending` (outcome unknown) may be settled by hand. */
async function settle(
  ctx: ServiceContext,
  id: number,
  target: 'sent' | 'queued',
): Promise<Delivery> {
  const delivery = await findDeliveryById(ctx.db, id);
  if (!delivery) throw new InputError(`no delivery ${id}`, { field: 'id', problem: 'not-found' });
  if (delivery.status !== 'sending') {
    throw new InputError(
      `delivery ${id} is ${delivery.status}: only one whose outcome is unknown (sending) is settled by hand`,
      { field: 'id' },
    );
  }
  if (!(await resolveUnknownOutcome(ctx.db, id, target, ctx.now())))
    throw new InputError(`delivery ${id} changed meanwhile; look again`, { field: 'id' });
  ctx.log.info({ event: 'delivery.resolved', delivery: id, status: target });
  return (await findDeliveryById(ctx.db, id)) as Delivery;
}
