import fs from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { parseDuration } from '../config/duration.js';
import { normalizeEmail } from '../domain/reader.js';
import { isValidSendAt, isValidTimeZone } from '../domain/schedule.js';
import { TOPIC_SLUG, TOPIC_SLUG_RULE } from '../domain/topic.js';
import { InputError, unreadableFileError } from './cli-error.js';

/** Validates one option with zod; the error names the option. */
export function parseOption<T>(name: string, value: unknown, schema: z.ZodType<T>): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InputError(
    `${name}: ${result.error.issues[0]?.message ?? 'invalid'} (got ${JSON.stringify(value)})`,
  );
}

/** "instant, daily or weekly": a choice of words, as messages list them. */
export function listOfChoices(values: readonly string[]): string {
  return values.length < 2
    ? (values[0] ?? '')
    : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/** One of a few words; the error lists them ("use instant, daily or weekly"). */
export function choiceSchema<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `use ${listOfChoices(values)}` });
}

/** A whole number from `min` up (to `max` when given), in words when it is not. */
export function wholeNumberSchema(min: number, max?: number) {
  const range = max === undefined ? `of ${min} or more` : `from ${min} to ${max}`;
  const message = `use a whole number ${range}`;
  const number = z.coerce.number({ error: message }).int(message).min(min, message);
  return max === undefined ? number : number.max(max, message);
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
    throw unreadableFileError(file, error);
  }
}

/** What `--limit N` and `--all` give a listing. */
export interface LimitOptions {
  limit?: string;
  all?: boolean;
}

/**
 * Adds `--limit N` and `--all` to a listing. Every listing stops at its default (1,000 rows,
 * stories 100) unless told otherwise, and says on stderr when it stopped short.
 */
export function withLimitOptions(command: Command, defaultLimit: number, rows: string): Command {
  return command
    .option(
      '--limit <n>',
      `at most this many ${rows} (default ${defaultLimit.toLocaleString('en-US')})`,
    )
    .option('--all', `every one of the ${rows}, however many`);
}

/** The limit a listing's options ask for: a number, or null for `--all`. */
export function readLimit(opts: LimitOptions, defaultLimit: number): number | null {
  if (opts.all && opts.limit !== undefined)
    throw new InputError('give --limit N or --all, not both');
  if (opts.all) return null;
  if (opts.limit === undefined) return defaultLimit;
  return parseOption('--limit', opts.limit, wholeNumberSchema(1));
}
