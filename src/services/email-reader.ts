import { findReaderLinkKey } from '../../db/repositories/reader-secret.repository.js';
import type { Reader } from '../domain/reader.js';
import type { EmailReader } from '../email/index.js';
import type { ServiceContext } from './context.js';

/**
 * A reader about to be emailed, with their link secret when the caller read it beside the
 * reader (a group's sends read it in the same join as the delivery).
 */
export type ReaderToEmail = Reader & { linkSecret?: string | null };

/**
 * The reader as an email sees them, with their link secret: the one read with the reader, or
 * read now. A reader erased after that read has a new secret, but their delivery is no longer
 * `queued` either, so the send's claim refuses it before the email leaves.
 */
export async function emailReaderOf(
  ctx: ServiceContext,
  reader: ReaderToEmail,
  fullAccess: boolean,
): Promise<EmailReader> {
  const secret = reader.linkSecret ?? (await findReaderLinkKey(ctx.db, { id: reader.id }))?.secret;
  // Erased while the email was being made: no link may be signed for them.
  if (secret === undefined) throw new Error(`reader ${reader.id} no longer exists`);
  return {
    id: reader.id,
    linkSecret: secret,
    email: reader.email,
    name: reader.name,
    fullAccess,
  };
}
