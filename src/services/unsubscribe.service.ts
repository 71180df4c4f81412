import { setReaderStatus } from '../../db/repositories/reader.repository.js';
import { addSuppression } from '../../db/repositories/suppression.repository.js';
import type { ServiceContext } from './context.js';

/**
 * Unsubscribes an address from everything: the reader stops getting digests and the address is
 * suppressed, so no later send (campaigns included) reaches it. Safe to repeat.
 */
export async function unsubscribe(ctx: ServiceContext, email: string): Promise<void> {
  const now = ctx.now();
  await setReaderStatus(ctx.db, email, 'unsubscribed', now);
  await addSuppression(ctx.db, email, 'unsubscribed', now);
  ctx.log.info({ event: 'reader.unsubscribed', email });
}
