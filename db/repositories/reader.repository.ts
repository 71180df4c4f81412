import type { Selectable } from 'kysely';
import type { Plan, Reader } from '../../src/domain/reader.js';
import type { Db } from '../connection.js';
import { toBit, toBoolean, toDate, toDateOrNull, toIso } from '../mappers.js';
import { reusableQuery } from '../reusable-query.js';
import type { SubscribersTable } from '../schema.js';
import { newLinkSecret } from './reader-secret.repository.js';

export function toReader(row: Selectable<SubscribersTable>): Reader {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    plan: row.plan,
    trialEndsAt: toDateOrNull(row.trial_ends_at),
    tz: row.tz,
    status: row.status,
    marketingConsent: toBoolean(row.marketing_consent),
    consentSource: row.consent_source,
    consentAt: toDateOrNull(row.consent_at),
    createdAt: toDate(row.created_at),
  };
}

export interface NewReader {
  email: string;
  name: string | null;
  plan: Plan;
  trialEndsAt: Date | null;
  tz: string;
  marketingConsent: boolean;
}

/** Inserts a reader, or updates the given fields of an existing one (same email). */
export async function upsertReader(
  db: Db,
  reader: NewReader,
  now: Date,
): Promise<{ reader: Reader; created: boolean }> {
  const fields = {
    name: reader.name,
    plan: reader.plan,
    trial_ends_at: reader.trialEndsAt && toIso(reader.trialEndsAt),
    tz: reader.tz,
    marketing_consent: toBit(reader.marketingConsent),
    updated_at: toIso(now),
  };
  const inserted = await db
    .insertInto('subscribers')
    .values({
      ...fields,
      email: reader.email,
      status: 'active',
      link_secret: newLinkSecret(),
      created_at: toIso(now),
    })
    .onConflict((oc) => oc.column('email').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { reader: toReader(inserted), created: true };
  const updated = await db
    .updateTable('subscribers')
    .set(fields)
    .where('email', '=', reader.email)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { reader: toReader(updated), created: false };
}

export async function findReaderByEmail(db: Db, email: string): Promise<Reader | undefined> {
  const row = await db
    .selectFrom('subscribers')
    .selectAll()
    .where('email', '=', email)
    .executeTakeFirst();
  return row && toReader(row);
}

/** Read by every build and send: built once (see {@link reusableQuery}). */
const readerById = reusableQuery((db: Db, id: number) =>
  db.selectFrom('subscribers').selectAll().where('id', '=', id),
);

export async function findReaderById(db: Db, id: number): Promise<Reader | undefined> {
  const [row] = (await readerById(db, id)).rows;
  return row && toReader(row);
}

/** Readers by address; `limit` null: all of them. */
export async function listReaders(db: Db, limit: number | null = null): Promise<Reader[]> {
  let query = db.selectFrom('subscribers').selectAll().orderBy('email');
  if (limit !== null) query = query.limit(limit);
  return (await query.execute()).map(toReader);
}

export async function setReaderStatus(
  db: Db,
  email: string,
  status: Reader['status'],
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('subscribers')
    .set({ status, updated_at: toIso(now) })
    .where('email', '=', email)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function setMarketingConsent(
  db: Db,
  email: string,
  consent: boolean,
  now: Date,
): Promise<void> {
  await db
    .updateTable('subscribers')
    .set({ marketing_consent: toBit(consent), updated_at: toIso(now) })
    .where('email', '=', email)
    .execute();
}
