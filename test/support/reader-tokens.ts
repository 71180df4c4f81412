import { createHmac } from 'node:crypto';
import type { Db } from '../../db/connection.js';
import { upsertReader } from '../../db/repositories/reader.repository.js';
import { findReaderLinkKey } from '../../db/repositories/reader-secret.repository.js';
import {
  decodeToken,
  type LinkPayload,
  signToken,
  verifyToken,
} from '../../src/domain/signed-token.js';

/** A personal link's payload as tests write it: the reader by address. */
export type TestLinkPayload = LinkPayload<string>;

/**
 * Signs a link as Bulletin signs it now, for the reader with this address: by their id, with
 * their own secret (read from the database). A link is only ever signed for a reader, so one
 * not yet in the database is added first (plan free).
 */
export async function signLinkFor(
  db: Db,
  key: Buffer | string,
  payload: TestLinkPayload,
  expiresAt: Date,
): Promise<string> {
  let reader = await findReaderLinkKey(db, { email: payload.reader });
  if (!reader) {
    const fields = { name: null, plan: 'free' as const, trialEndsAt: null, tz: 'UTC' };
    await upsertReader(
      db,
      { ...fields, email: payload.reader, marketingConsent: false },
      new Date(),
    );
    reader = (await findReaderLinkKey(db, { email: payload.reader }))!;
  }
  return signToken(key, { ...payload, reader: reader.id }, reader.secret, expiresAt);
}

/**
 * A link of the older format, as emails sent before links named readers by id carry it:
 * base64url JSON naming the address, HMAC-SHA256 under a key derived from the secret key.
 * Written out here, not imported, so a change to the code cannot change what it checks.
 */
export function signLegacyToken(
  secret: Buffer | string,
  payload: TestLinkPayload,
  expiresAt: Date,
): string {
  const x = Math.floor(expiresAt.getTime() / 1000);
  const wire =
    payload.kind === 'unsubscribe'
      ? payload.list && payload.list !== 'all'
        ? { k: 'u', r: payload.reader, l: payload.list, x }
        : { k: 'u', r: payload.reader, x }
      : payload.kind === 'preferences'
        ? { k: 'p', r: payload.reader, x }
        : 'digest' in payload.source
          ? { k: 't', r: payload.reader, s: payload.story, d: payload.source.digest, x }
          : { k: 't', r: payload.reader, s: payload.story, c: payload.source.campaign, x };
  const body = Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
  const key = createHmac('sha256', secret).update('bulletin signed-token v1').digest();
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

/**
 * Checks a link as the web server does, against the secret of the reader it names; its
 * payload with the reader as their address, or the reason it fails.
 */
export async function verifyLinkFor(
  db: Db,
  key: Buffer | string,
  token: string,
  now: Date,
): Promise<{ ok: true; payload: TestLinkPayload } | { ok: false; reason: string }> {
  const decoded = decodeToken(token);
  if (!decoded || decoded.format !== 'current') return { ok: false, reason: 'malformed' };
  const reader = await findReaderLinkKey(db, { id: decoded.payload.reader });
  if (!reader) return { ok: false, reason: 'no such reader' };
  const verified = verifyToken(key, token, reader.secret, now);
  if (!verified.ok) return verified;
  return { ok: true, payload: { ...decoded.payload, reader: reader.email } };
}
