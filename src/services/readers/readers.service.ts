import {
  findReaderByEmail,
  type NewReader,
  listReaders as selectReaders,
  upsertReader,
} from '../../../db/repositories/reader.repository.js';
import { countTableRows } from '../../../db/repositories/table-count.js';
import { stripControlCharacters } from '../../domain/clean-text.js';
import type { Reader } from '../../domain/reader.js';
import type { ServiceContext } from '../context.js';
import { InputError } from '../input-error.js';

/** Adds a reader or updates one with the same address. */
export async function saveReader(
  ctx: ServiceContext,
  reader: NewReader,
): Promise<{ reader: Reader; created: boolean }> {
  if (reader.plan === 'trial' && !reader.trialEndsAt) {
    throw new InputError('a trial reader needs the date the trial ends', { field: 'trialEndsAt' });
  }
  return upsertReader(ctx.db, { ...reader, name: cleanName(reader.name) }, ctx.now());
}

/** A name as stored: one line, no control characters; blank is no name. */
function cleanName(name: string | null): string | null {
  return name === null ? null : stripControlCharacters(name).trim() || null;
}

export async function requireReader(ctx: ServiceContext, email: string): Promise<Reader> {
  const reader = await findReaderByEmail(ctx.db, email);
  if (!reader) throw readerNotFound(email);
  return reader;
}

/** The error for an address that is no reader's. */
export function readerNotFound(email: string): InputError {
  return new InputError(`no reader ${email}`, { field: 'email', problem: 'not-found' });
}

/** Every reader by address (at most `limit` when given). */
export async function listReaders(
  ctx: ServiceContext,
  options: { limit?: number | null } = {},
): Promise<Reader[]> {
  return selectReaders(ctx.db, options.limit ?? null);
}

/** How many readers there are. */
export async function countReaders(ctx: ServiceContext): Promise<number> {
  return countTableRows(ctx.db, 'subscribers');
}
