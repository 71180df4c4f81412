import { findReaderLinkKey } from '../../../db/repositories/reader-secret.repository.js';
import { normalizeEmail } from '../../domain/reader.js';
import {
  decodeToken,
  type LinkPayload,
  signToken,
  verifyDecodedToken,
} from '../../domain/signed-token.js';
import type { VerifyContext } from '../context.js';

/** A personal link that holds: what it stands for, and the reader by address and id. */
export type OpenedLink<K extends LinkPayload['kind']> = Extract<
  LinkPayload<string>,
  { kind: K }
> & {
  readerId: number;
};

/**
 * The payload of a valid, unexpired personal link of the wanted kind, or null. A link of
 * another kind never works here (an unsubscribe link is not a trial link). A link names its
 * reader by id and is signed with their own secret too, so once they are erased it never works
 * again, even if the address comes back as a new reader. A link of the older format (naming
 * the address) holds only for a reader who was already one when links changed format.
 */
export async function openReaderLink<K extends LinkPayload['kind']>(
  ctx: VerifyContext,
  token: string,
  kind: K,
): Promise<OpenedLink<K> | null> {
  const decoded = decodeToken(token);
  if (!decoded || decoded.payload.kind !== kind) return null;
  const key =
    decoded.format === 'current'
      ? await findReaderLinkKey(ctx.db, { id: decoded.payload.reader })
      : await findReaderLinkKey(ctx.db, { email: normalizeEmail(decoded.payload.reader) });
  if (!key || (decoded.format === 'legacy' && !key.legacyLinks)) return null;
  const secret = decoded.format === 'current' ? key.secret : null;
  if (!verifyDecodedToken(ctx.verificationKeys, decoded, secret, ctx.now()).ok) return null;
  return { ...decoded.payload, reader: key.email, readerId: key.id } as OpenedLink<K>;
}

/** A fresh preferences token for a reader, or null when they are no longer a reader. */
export async function signPreferencesToken(
  ctx: VerifyContext & { secretKey: Buffer },
  readerId: number,
  expiresAt: Date,
): Promise<string | null> {
  const key = await findReaderLinkKey(ctx.db, { id: readerId });
  if (!key) return null;
  return signToken(ctx.secretKey, { kind: 'preferences', reader: key.id }, key.secret, expiresAt);
}
