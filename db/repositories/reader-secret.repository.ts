import { randomBytes } from 'node:crypto';
import type { Db } from '../connection.js';
import { toBoolean } from '../mappers.js';

/** A new reader's own link secret: 128 random bits. */
export function newLinkSecret(): string {
  return randomBytes(16).toString('base64url');
}

/** What signing or checking a reader's personal links needs; never shown to anyone. */
export interface ReaderLinkKey {
  id: number;
  email: string;
  secret: string;
  /** Links of the older format (naming the address) may still be theirs. */
  legacyLinks: boolean;
}

/**
 * A reader's link secret, by id or by address; undefined when there is no such reader (any
 * more). A row inserted without a secret (by a tool that writes rows itself) gets one here,
 * once: the first writer wins, and every caller reads what was stored.
 */
export async function findReaderLinkKey(
  db: Db,
  reader: { id: number } | { email: string },
): Promise<ReaderLinkKey | undefined> {
  const select = () => {
    const query = db
      .selectFrom('subscribers')
      .select(['id', 'email', 'link_secret', 'legacy_links']);
    return 'id' in reader
      ? query.where('id', '=', reader.id)
      : query.where('email', '=', reader.email);
  };
  let row = await select().executeTakeFirst();
  if (row && row.link_secret === null) {
    await db
      .updateTable('subscribers')
      .set({ link_secret: newLinkSecret() })
      .where('id', '=', row.id)
      .where('link_secret', 'is', null)
      .execute();
    row = await select().executeTakeFirst();
  }
  if (!row || row.link_secret === null) return undefined;
  return {
    id: row.id,
    email: row.email,
    secret: row.link_secret,
    legacyLinks: toBoolean(row.legacy_links),
  };
}
