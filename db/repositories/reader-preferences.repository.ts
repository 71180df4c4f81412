import type { Reader } from '../../src/domain/reader.js';
import type { SuppressionReason } from '../../src/domain/suppression.js';
import type { Db } from '../connection.js';
import { toBit, toDateOrNull, toIso } from '../mappers.js';
import { reusableQuery } from '../reusable-query.js';
import { toReader } from './reader.repository.js';

/** Read on every preferences and unsubscribe page: built once (see {@link reusableQuery}). */
const readerStanding = reusableQuery((db: Db, email: string) =>
  db
    .selectFrom('subscribers')
    .leftJoin('suppressions', 'suppressions.email', 'subscribers.email')
    .selectAll('subscribers')
    .select('suppressions.reason as suppression_reason')
    .where('subscribers.email', '=', email),
);

/**
 * Where a reader stands, in one read, as the preferences and unsubscribe pages show it: the
 * reader, the date everything is paused until (null when not paused) and why the address is
 * suppressed (null when it is not).
 */
export async function findReaderStanding(
  db: Db,
  email: string,
): Promise<
  { reader: Reader; pausedUntil: Date | null; suppressed: SuppressionReason | null } | undefined
> {
  const [row] = (await readerStanding(db, email)).rows;
  if (!row) return undefined;
  const { suppression_reason, ...reader } = row;
  return {
    reader: toReader(reader),
    pausedUntil: toDateOrNull(reader.paused_until),
    suppressed: suppression_reason ?? null,
  };
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
