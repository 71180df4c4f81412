import fs from 'node:fs';
import { z } from 'zod';
import { parseDuration } from '../config/duration.js';
import { normalizeEmail } from '../domain/reader.js';
import { isValidSendAt, isValidTimeZone } from '../domain/schedule.js';
import { TOPIC_SLUG, TOPIC_SLUG_RULE } from '../domain/topic.js';
import { InputError } from './cli-error.js';

/** Validates one option with zod; the error names the option. */
export function parseOption<T>(name: string, value: unknown, schema: z.ZodType<T>): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InputError(
    `${name}: ${result.error.issues[0]?.message ?? 'invalid'} (got ${JSON.stringify(value)})`,
  );
}

export const emailSchema = z.email('not an email address').transform(normalizeEmail);
export const slugSchema = z.string().regex(TOPIC_SLUG, TOPIC_SLUG_RULE);
export const sendAtSchema = z.string().refine(isValidSendAt, 'must be HH:MM, 24-hour');
export const timeZoneSchema = z
  .string()
  .refine(isValidTimeZone, 'not an IANA time zone like Europe/Berlin');
export const dateSchema = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a date (use YYYY-MM-DD or ISO 8601)')
  .transform((s) => new Date(s));

/** `30d`, `12h`: a duration back from now. */
export function parseSince(name: string, text: string | undefined, now: Date): Date | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms !== null) return new Date(now.getTime() - ms);
  if (!Number.isNaN(Date.parse(text))) return new Date(text);
  throw new InputError(`${name}: not a duration like 30d or an ISO date (got "${text}")`);
}

/** Reads a file argument, or standard input for `-`. */
export function readInput(file: string): string {
  try {
    return fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new InputError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}
