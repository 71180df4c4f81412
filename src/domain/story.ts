import { z } from 'zod';
import { stripControlCharacters } from './clean-text.js';
import { htmlToText } from './html-text.js';

/** Whether a story is paywalled (`subscriber`) or open to everyone (`free`). */
export type StoryAccess = 'subscriber' | 'free';

/** A story as the publisher sends it (DESIGN.md, "Story format"), cleaned to text. */
export interface StoryInput {
  /** The publisher's id: stories are upserted by it. */
  id: string;
  url: string;
  headline: string;
  /** The teaser anyone may read. */
  summary: string;
  /** Full text, used for matching only. */
  body: string;
  section: string | null;
  tags: string[];
  /** ISO 8601 with offset, as given. */
  publishedAt: string;
  access: StoryAccess;
  /** An update that should be sent again to readers who already got the story. */
  realert: boolean;
}

/** The text a rule looks at: what the matcher needs of a story. */
export interface MatchableStory {
  headline: string;
  summary: string;
  body: string;
  tags: readonly string[];
  section: string | null;
}

/** The limits of the story format (README, "Story format"). */
export const STORY_LIMITS = {
  idCharacters: 200,
  urlCharacters: 2000,
  headlineCharacters: 300,
  summaryCharacters: 2000,
  bodyBytes: 200 * 1024,
  sectionCharacters: 200,
  tags: 50,
  tagCharacters: 100,
  /** How far ahead of now publishedAt may be: clocks differ, embargoes do not belong here. */
  futureMs: 24 * 60 * 60 * 1000,
} as const;

/** One thing wrong with a record: the field (`tags.3`; null for the record as a whole). */
export interface FieldError {
  field: string | null;
  message: string;
}

/** Date and time with a zone: seconds and fractions optional, `Z`, `+01:00` or `+0100`. */
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Whether text is an ISO 8601 date-time with a zone that names a real day and time. */
function isIsoDateTimeWithOffset(text: string): boolean {
  const match = ISO_WITH_OFFSET.exec(text);
  if (!match || Number.isNaN(Date.parse(text))) return false;
  const [year, month, day, hour, minute] = text.slice(0, 16).split(/[-T:]/).map(Number) as number[];
  const date = new Date(Date.UTC(year as number, (month as number) - 1, day));
  // Date.parse rolls 2026-02-30 over to March; a real date survives the round trip.
  return (
    date.getUTCDate() === day &&
    date.getUTCMonth() === (month as number) - 1 &&
    (hour as number) < 24 &&
    (minute as number) < 60
  );
}

/** Characters as a reader counts them: an emoji is one, not two UTF-16 code units. */
function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** The size of text in UTF-8, without encoding it. */
function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Whether text is at most `limit` bytes in UTF-8; a code unit is 1 to 3 bytes, so most need no count. */
function fitsInBytes(text: string, limit: number): boolean {
  if (text.length * 3 <= limit) return true;
  if (text.length > limit) return false;
  return utf8Bytes(text) <= limit;
}

/**
 * A field shown on one line (headline, summary, section, tag): HTML turned into text,
 * control characters removed, every run of white space one space. HTML goes first, so an
 * entity such as `&#27;` cannot bring back a control character.
 */
export function cleanOneLine(text: string): string {
  return stripControlCharacters(htmlToText(text), { allowNewlines: false })
    .replace(/[\t\n ]+/g, ' ')
    .trim();
}

/** The body: like {@link cleanOneLine}, but its lines kept, and at most one blank line in a row. */
export function cleanLines(text: string): string {
  return stripControlCharacters(htmlToText(text), { allowNewlines: true })
    .replace(/[\t ]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const requiredText = z.string({
  error: (issue) => (issue.input === undefined ? 'is required' : 'must be text'),
});
const optionalText = z.string({ error: 'must be text' });

const maxCharacters = (limit: number) =>
  z.string().refine((text) => characterCount(text) <= limit, `is longer than ${limit} characters`);

/**
 * A whole number is taken as text, but only one JSON reads exactly: past 2^53 a number is
 * rounded as it is parsed (`12345678901234567890` arrives as …7000), and two stories with
 * different ids would become one. Such a number is refused, asking for the id as a string.
 */
const idSchema = z
  .preprocess(
    (value) => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value),
    z.string({
      error: (issue) =>
        issue.input === undefined
          ? 'is required'
          : typeof issue.input === 'number' && Number.isInteger(issue.input)
            ? `is a number larger than ${Number.MAX_SAFE_INTEGER}, which JSON cannot hold exactly: give the id as a string ("id": "…")`
            : 'must be text or a whole number',
    }),
  )
  .transform((id) => id.trim())
  .pipe(
    maxCharacters(STORY_LIMITS.idCharacters)
      .min(1, 'must not be empty')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: these are what is refused
      .refine((id) => !/[\u0000-\u001f\u007f-\u009f]/.test(id), 'must not hold control characters'),
  );

const urlSchema = requiredText
  .transform((url) => url.trim())
  .pipe(
    maxCharacters(STORY_LIMITS.urlCharacters).refine((text) => {
      if (!URL.canParse(text)) return false;
      const url = new URL(text);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    }, 'must be an absolute http(s) URL'),
  );

const tagSchema = optionalText
  .transform(cleanOneLine)
  .pipe(maxCharacters(STORY_LIMITS.tagCharacters).min(1, 'must not be empty'));

const storyInputSchema = z.object(
  {
    id: idSchema,
    url: urlSchema,
    headline: requiredText
      .transform(cleanOneLine)
      .pipe(maxCharacters(STORY_LIMITS.headlineCharacters).min(1, 'must not be empty')),
    summary: optionalText
      .transform(cleanOneLine)
      .pipe(maxCharacters(STORY_LIMITS.summaryCharacters))
      .default(''),
    body: optionalText
      .refine(
        (body) => fitsInBytes(body, STORY_LIMITS.bodyBytes),
        `is larger than ${STORY_LIMITS.bodyBytes / 1024} KB`,
      )
      .transform(cleanLines)
      .default(''),
    section: optionalText
      .transform(cleanOneLine)
      .pipe(maxCharacters(STORY_LIMITS.sectionCharacters))
      .nullish()
      .transform((section) => section || null),
    tags: z
      .array(tagSchema, { error: 'must be a list of text' })
      .max(STORY_LIMITS.tags, `must be at most ${STORY_LIMITS.tags} tags`)
      .default([]),
    publishedAt: requiredText.refine(
      isIsoDateTimeWithOffset,
      'must be an ISO 8601 date and time with an offset, like 2026-11-28T09:00:00+01:00',
    ),
    access: z
      .enum(['subscriber', 'free'], { error: 'must be "subscriber" or "free"' })
      .default('subscriber'),
    realert: z.boolean({ error: 'must be true or false' }).default(false),
  },
  { error: 'must be a JSON object' },
);

export type StoryParseResult =
  | { ok: true; story: StoryInput }
  | { ok: false; error: string; errors: FieldError[] };

export interface StoryParseOptions {
  /** The clock that "not more than a day in the future" is measured from. */
  now?: Date;
}

/**
 * Validates and cleans one story object. Every field that is wrong is reported, each with
 * its name, so a publisher fixes a record once; `error` says them all on one line.
 */
export function parseStory(value: unknown, options: StoryParseOptions = {}): StoryParseResult {
  const result = storyInputSchema.safeParse(value);
  const errors: FieldError[] = result.success
    ? []
    : result.error.issues.map((issue) => ({
        field: issue.path.join('.') || 'story',
        message: issue.message,
      }));
  const publishedAt = (value as { publishedAt?: unknown } | null)?.publishedAt;
  if (typeof publishedAt === 'string' && isIsoDateTimeWithOffset(publishedAt)) {
    const now = (options.now ?? new Date()).getTime();
    if (Date.parse(publishedAt) > now + STORY_LIMITS.futureMs) {
      errors.push({ field: 'publishedAt', message: 'is more than a day in the future' });
    }
  }
  if (result.success && errors.length === 0) return { ok: true, story: result.data };
  return { ok: false, error: describeErrors(errors), errors };
}

/** `headline: must not be empty; tags.3: is longer than 100 characters`. */
export function describeErrors(errors: readonly FieldError[]): string {
  return errors
    .map(({ field, message }) => (field === null ? message : `${field}: ${message}`))
    .join('; ');
}

/** One record from a stories file: its position in the input, and the story or the errors. */
export type StoryRecord =
  | { position: string; ok: true; story: StoryInput }
  | { position: string; ok: false; error: string; errors: FieldError[] };

/**
 * Reads a stories text: a JSON object, a JSON array, or JSON Lines. Every record is
 * reported on its own, so one bad story never hides the good ones; `position` says where
 * ("line 3", "item 2"). For input too large to hold, see `readStoryRecords`.
 */
export function parseStoriesText(text: string, options: StoryParseOptions = {}): StoryRecord[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  // One object on one line is "input", as a pretty-printed one is; more lines are JSON Lines.
  if (trimmed.startsWith('[') || (trimmed.startsWith('{') && !isJson(firstLine(trimmed)))) {
    return parseStoriesDocument(trimmed, options);
  }
  if (!trimmed.includes('\n')) return parseStoriesDocument(trimmed, options);
  const records: StoryRecord[] = [];
  text.split('\n').forEach((line, i) => {
    const record = parseStoryLine(line, i + 1, options);
    if (record) records.push(record);
  });
  return records;
}

/**
 * A whole JSON document: an array of stories ("item N") or one story ("input"). A single
 * pretty-printed object spans lines, which is how it is told from JSON Lines: its first
 * line is not a whole JSON value.
 */
export function parseStoriesDocument(text: string, options: StoryParseOptions = {}): StoryRecord[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return [notJson('input', error)];
  }
  if (Array.isArray(value)) return value.map((item, i) => toRecord(`item ${i + 1}`, item, options));
  return [toRecord('input', value, options)];
}

/** One line of JSON Lines (numbered from 1); a blank line is no record. */
export function parseStoryLine(
  line: string,
  lineNumber: number,
  options: StoryParseOptions = {},
): StoryRecord | null {
  if (line.trim() === '') return null;
  const position = `line ${lineNumber}`;
  try {
    return toRecord(position, JSON.parse(line), options);
  } catch (error) {
    return notJson(position, error);
  }
}

/** Whether a first line starts a whole JSON document rather than being one JSON line. */
export function startsDocument(firstNonBlankLine: string): boolean {
  const trimmed = firstNonBlankLine.trim();
  return trimmed.startsWith('[') || (trimmed.startsWith('{') && !isJson(trimmed));
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] as string;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function notJson(position: string, error: unknown): StoryRecord {
  const errors = [{ field: null, message: `not valid JSON: ${messageOf(error)}` }];
  return { position, ok: false, error: describeErrors(errors), errors };
}

function toRecord(position: string, value: unknown, options: StoryParseOptions): StoryRecord {
  const parsed = parseStory(value, options);
  return parsed.ok
    ? { position, ok: true, story: parsed.story }
    : { position, ok: false, error: parsed.error, errors: parsed.errors };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
