import { sql } from 'kysely';
import type { Reader } from '../../src/domain/reader.js';
import type { ReaderChanges, ReaderFields } from '../../src/domain/reader-changes.js';
import { chunk } from '../chunk.js';
import { type Db, isPostgres } from '../connection.js';
import { toBit, toIso } from '../mappers.js';
import { toReader } from './reader.repository.js';
import { newLinkSecret } from './reader-secret.repository.js';

/** Bound parameters per statement stay well under SQLite's 32,766. */
const ROWS_PER_STATEMENT = 500;
const EMAILS_PER_LOOKUP = 5000;

/** The readers among these addresses, in one query per few thousand. */
export async function findReadersByEmails(db: Db, emails: readonly string[]): Promise<Reader[]> {
  const readers: Reader[] = [];
  for (const part of chunk(emails, EMAILS_PER_LOOKUP)) {
    const rows = await db
      .selectFrom('subscribers')
      .selectAll()
      .where('email', 'in', part)
      .execute();
    for (const row of rows) readers.push(toReader(row));
  }
  return readers;
}

/** Inserts new readers, many to a statement; returns each one's id by address. */
export async function insertReaders(
  db: Db,
  readers: readonly (ReaderFields & { email: string })[],
  now: Date,
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const at = toIso(now);
  for (const part of chunk(readers, ROWS_PER_STATEMENT)) {
    const rows = await db
      .insertInto('subscribers')
      .values(
        part.map((r) => ({
          email: r.email,
          status: 'active' as const,
          link_secret: newLinkSecret(),
          created_at: at,
          updated_at: at,
          ...allFields(r),
        })),
      )
      .returning(['id', 'email'])
      .execute();
    for (const row of rows) ids.set(row.email, row.id);
  }
  return ids;
}

/** Inserts one reader; undefined when the address is taken. */
export async function insertReader(
  db: Db,
  reader: ReaderFields & { email: string },
  now: Date,
): Promise<Reader | undefined> {
  const row = await db
    .insertInto('subscribers')
    .values({
      email: reader.email,
      status: 'active',
      link_secret: newLinkSecret(),
      created_at: toIso(now),
      updated_at: toIso(now),
      ...allFields(reader),
    })
    .onConflict((oc) => oc.column('email').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row && toReader(row);
}

/** Changes the given fields of one reader, nothing else. */
export async function updateReaderFields(
  db: Db,
  id: number,
  changes: ReaderChanges,
  now: Date,
): Promise<Reader> {
  const row = await db
    .updateTable('subscribers')
    .set({ ...writeFields(changes), updated_at: toIso(now) })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toReader(row);
}

function allFields(fields: ReaderFields) {
  return {
    name: fields.name,
    plan: fields.plan,
    trial_ends_at: fields.trialEndsAt && toIso(fields.trialEndsAt),
    tz: fields.tz,
    marketing_consent: toBit(fields.marketingConsent),
    consent_source: fields.consentSource,
    consent_at: fields.consentAt && toIso(fields.consentAt),
  };
}

function writeFields(fields: ReaderChanges) {
  return {
    ...(fields.name !== undefined ? { name: fields.name } : {}),
    ...(fields.plan !== undefined ? { plan: fields.plan } : {}),
    ...(fields.trialEndsAt !== undefined
      ? { trial_ends_at: fields.trialEndsAt && toIso(fields.trialEndsAt) }
      : {}),
    ...(fields.tz !== undefined ? { tz: fields.tz } : {}),
    ...(fields.marketingConsent !== undefined
      ? { marketing_consent: toBit(fields.marketingConsent) }
      : {}),
    ...(fields.consentSource !== undefined ? { consent_source: fields.consentSource } : {}),
    ...(fields.consentAt !== undefined
      ? { consent_at: fields.consentAt && toIso(fields.consentAt) }
      : {}),
  };
}

/** Up to `limit` readers after the id `afterId`, by id: a page of an export. */
export async function findReadersAfter(db: Db, afterId: number, limit: number): Promise<Reader[]> {
  const rows = await db
    .selectFrom('subscribers')
    .selectAll()
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toReader);
}

/**
 * Readies a connection for a bulk import. SQLite's page cache defaults to 2 MB, less than the
 * indexes of a hundred thousand readers and their subscriptions: every insert would then read
 * index pages back from the file. 64 MB keeps them in memory for this connection only.
 */
export async function prepareForBulkWrites(db: Db): Promise<void> {
  if (!isPostgres(db)) await sql`pragma cache_size = -65536`.execute(db);
}
