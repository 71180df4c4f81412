import { findReaderByEmail } from '../../../db/repositories/reader.repository.js';
import {
  insertReader,
  updateReaderFields,
} from '../../../db/repositories/reader-batch.repository.js';
import { setNextDueAt } from '../../../db/repositories/subscription.repository.js';
import { findSubscriptionsOfReaders } from '../../../db/repositories/subscription-batch.repository.js';
import { stripControlCharacters } from '../../domain/clean-text.js';
import type { Reader } from '../../domain/reader.js';
import {
  newReaderFields,
  planAfter,
  type ReaderEdit,
  readerChanges,
} from '../../domain/reader-changes.js';
import type { ServiceContext } from '../context.js';
import { InputError } from '../input-error.js';
import { createNextSendTimes } from './next-send-times.js';
import { requireReader } from './readers.service.js';

/** Where consent given by an administrator's command is recorded as coming from. */
export const ADMIN_CONSENT_SOURCE = 'cli';

/** Adds a reader; an address already known is refused (change it with an update instead). */
export async function addReader(
  ctx: ServiceContext,
  email: string,
  edit: ReaderEdit,
  consentSource = ADMIN_CONSENT_SOURCE,
): Promise<Reader> {
  const fields = newReaderFields(cleanEdit(edit), consentSource, ctx.now());
  requireTrialEnd(fields.plan, fields.trialEndsAt);
  const reader = await insertReader(ctx.db, { email, ...fields }, ctx.now());
  if (!reader)
    throw new InputError(`${email} is already a reader`, { field: 'email', problem: 'exists' });
  return reader;
}

/**
 * Changes the fields an edit gives and nothing else. A new time zone moves the next send time
 * of every daily and weekly subscription of the reader, in the same transaction.
 */
export async function updateReader(
  ctx: ServiceContext,
  email: string,
  edit: ReaderEdit,
  consentSource = ADMIN_CONSENT_SOURCE,
): Promise<{ reader: Reader; changed: string[] }> {
  const now = ctx.now();
  return ctx.db.transaction().execute(async (trx) => {
    const current = await requireReader({ ...ctx, db: trx }, email);
    const changes = readerChanges(current, cleanEdit(edit), consentSource, now);
    const after = planAfter(current, changes);
    requireTrialEnd(after.plan, after.trialEndsAt);
    const changed = Object.keys(changes);
    if (changed.length === 0) return { reader: current, changed };
    const reader = await updateReaderFields(trx, current.id, changes, now);
    if (changes.tz !== undefined) {
      const nextSendTimes = createNextSendTimes(now);
      for (const sub of await findSubscriptionsOfReaders(trx, [reader.id])) {
        const next = nextSendTimes.of(sub, reader.tz);
        if (next) await setNextDueAt(trx, [sub.id], next);
      }
    }
    return { reader, changed };
  });
}

function requireTrialEnd(plan: string, trialEndsAt: Date | null): void {
  if (plan === 'trial' && !trialEndsAt)
    throw new InputError('a trial reader needs the date the trial ends', { field: 'trialEndsAt' });
}

function cleanEdit(edit: ReaderEdit): ReaderEdit {
  if (edit.name === undefined || edit.name === null) return edit;
  return { ...edit, name: stripControlCharacters(edit.name).trim() || null };
}

/** Whether an address is a reader (for commands that refuse unknown ones). */
export async function isReader(ctx: ServiceContext, email: string): Promise<boolean> {
  return (await findReaderByEmail(ctx.db, email)) !== undefined;
}
