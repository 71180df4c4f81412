import type { Reader } from '../../src/domain/reader.js';
import type { Db } from '../connection.js';
import { toBit, toDateOrNull, toIso } from '../mappers.js';
import { toReader } from './reader.repository.js';

/** A reader with the date everything is paused until (null when not paused), in one read. */
export async function findReaderWithPause(
  db: Db,
  email: string,
): Promise<{ reader: Reader; pausedUntil: Date | null } | undefined> {
  const row = await db
    .selectFrom('subscribers')
    .selectAll()
    .where('email', '=', email)
    .executeTakeFirst();
  return row && { reader: toReader(row), pausedUntil: toDateOrNull(row.paused_until) };
}

export async function setReaderPausedUntil(
  db: Db,
  email: string,
  until: Date | null,
  now: Date,
): Promise<void> {
  await db
    .updateTable('subscribers')
    .set({ paused_until: until && toIso(until), updated_at: toIso(now) })
    .where('email', '=', email)
    .execute();
}

export async function setReaderTimeZone(
  db: Db,
  email: string,
  tz: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('subscribers')
    .set({ tz, updated_at: toIso(now) })
    .where('email', '=', email)
    .execute();
}

/**
 * Turns marketing consent on or off, keeping where and when it was given: on records `source`
 * and the time, off clears both (consent is on record only while it holds).
 */
export async function recordMarketingConsent(
  db: Db,
  email: string,
  consent: { given: boolean; source: string },
  now: Date,
): Promise<void> {
  await db
    .updateTable('subscribers')
    .set({
      marketing_consent: toBit(consent.given),
      consent_source: consent.given ? consent.source : null,
      consent_at: consent.given ? toIso(now) : null,
      updated_at: toIso(now),
    })
    .where('email', '=', email)
    .execute();
}
