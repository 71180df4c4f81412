import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../services/input-error.js';

export { InputError };

/** The option (or argument) that carries each field the services name. */
const OPTION_OF_FIELD: Record<string, string> = {
  trialEndsAt: '--trial-ends',
  topic: '--topic',
  query: '--query',
  name: '--name',
  weekdays: '--weekdays',
  sendAt: '--at',
  weekday: '--day',
  cadence: '--cadence',
  plan: '--plan',
  tz: '--tz',
  subject: '--subject',
  audience: '--audience',
  stories: '--stories',
  rate: '--rate',
};

/** What to do about it, where the CLI has a command for it. */
const ADVICE: Record<string, string> = {
  'email:not-found': 'add one with subscribers add',
  'slug:exists': 'use topics update',
  'email:exists': 'use subscribers update to change it',
  'slug:in-use': 'give --force to remove it anyway',
  'slug:not-found': 'topics list shows every topic',
  'topic:not-found': 'topics list shows every topic',
};

/** An input error as the CLI says it: the option first, the advice after. */
export function describeInputError(error: InputError): string {
  const option = error.field === undefined ? undefined : OPTION_OF_FIELD[error.field];
  // A message that ends in advice of its own ("(did you mean customs?)") gets no more.
  const advice = error.message.endsWith(')')
    ? undefined
    : ADVICE[`${error.field}:${error.problem}`];
  return `${option ? `${option}: ` : ''}${error.message}${advice ? ` (${advice})` : ''}`;
}

/** What Node's error codes for files mean, for people. */
const FILE_PROBLEMS: Record<string, string> = {
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of its path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EEXIST: 'it exists already',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many files open',
  ENAMETOOLONG: 'the name is too long',
};

/**
 * What is wrong with a file, in words ("no such directory /no/dir", "no such file", "it is a
 * directory"), Node's code after it for a search.
 */
export function describeFileProblem(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (!code) return error instanceof Error ? error.message : String(error);
  if (code === 'ENOENT') {
    // The folder it would be in is missing: the usual typo, and what ENOENT alone hides.
    const folder = path.dirname(file);
    return `${fs.existsSync(folder) ? 'no such file' : `no such directory ${folder}`} (ENOENT)`;
  }
  // Node's own words for a code not above: "EIO: i/o error, read" says "i/o error".
  const words = /^[A-Z0-9]+: ([^,]+)/.exec((error as Error).message)?.[1];
  return `${FILE_PROBLEMS[code] ?? words ?? 'the system refused it'} (${code})`;
}

/** A file argument that cannot be read: bad input, said in one line. */
export function unreadableFileError(file: string, error: unknown): InputError {
  return new InputError(`cannot read ${file}: ${describeFileProblem(file, error)}`);
}

/** A file argument that cannot be written (`--out`): bad input, said in one line. */
export function unwritableFileError(file: string, error: unknown): InputError {
  return new InputError(`cannot write ${file}: ${describeFileProblem(file, error)}`);
}

/** An error Node raised about a file: it has the file's path and Node's code. */
export function isFileError(error: unknown): error is NodeJS.ErrnoException & { path: string } {
  return (
    error instanceof Error &&
    typeof (error as NodeJS.ErrnoException).code === 'string' &&
    typeof (error as NodeJS.ErrnoException).path === 'string'
  );
}
