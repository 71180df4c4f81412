import { listDeliveries as selectDeliveries } from '../../db/repositories/delivery.repository.js';
import type { Delivery } from '../domain/delivery.js';
import type { ServiceContext } from './context.js';

export interface DeliveryFilter {
  recipient?: string;
  since?: Date;
}

/** The latest deliveries, newest first. */
export async function listDeliveries(
  ctx: ServiceContext,
  filter: DeliveryFilter = {},
): Promise<Delivery[]> {
  return selectDeliveries(ctx.db, filter);
}
