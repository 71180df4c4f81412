import {
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

/** The latest deliveries, newest first. */
export async function listDeliveries(
  ctx: ServiceContext,
  filter: DeliveryFilter = {},
): Promise<Delivery[]> {
  return selectDeliveries(ctx.db, filter);
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
