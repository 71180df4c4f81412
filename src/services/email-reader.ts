import { findReaderLinkKey } from '../../db/repositories/reader-secret.repository.js';
import type { Reader } from '../domain/reader.js';
import type { EmailReader } from '../email/index.js';
import type { ServiceContext } from './context.js';

/** The reader as an email sees them: with their link secret, read when the email is made. */
export async function emailReaderOf(
  ctx: ServiceContext,
  reader: Reader,
  fullAccess: boolean,
): Promise<EmailReader> {
  const key = await findReaderLinkKey(ctx.db, { id: reader.id });
  // Erased while the email was being made: no link may be signed for them.
  if (!key) throw new Error(`reader ${reader.id} no longer exists`);
  return {
    id: reader.id,
    linkSecret: key.secret,
    email: reader.email,
    name: reader.name,
    fullAccess,
  };
}
