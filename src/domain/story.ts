import { z } from 'zod';
import { stripControlCharacters } from './clean-text.js';

/** Whether a story is paywalled (`subscriber`) or open to everyone (`free`). */
export type StoryAccess = 'subscriber' | 'free';

/** A story as the publisher sends it (DESIGN.md, "Story format"). */
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

const nonEmpty = (what: string) => z.string().trim().min(1, `${what} must not be empty`);

/**
 * Publishers' text reaches emails and terminals: it is stored without control characters,
 * cleaned before it is trimmed and measured, so a headline of only `\r\n` counts as empty.
 */
const oneLine = () =>
  z.string().overwrite((text) => stripControlCharacters(text, { allowNewlines: false }));
const lines = () =>
  z.string().overwrite((text) => stripControlCharacters(text, { allowNewlines: true }));

const storyInputSchema = z.object({
  id: z.union([nonEmpty('id'), z.number().int().transform(String)]),
  url: z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' }),
  headline: oneLine().trim().min(1, 'headline must not be empty').max(1000),
  summary: oneLine().max(10_000).default(''),
  body: lines().max(2_000_000).default(''),
  section: oneLine()
    .trim()
    .max(200)
    .nullish()
    .transform((s) => (s ? s : null)),
  tags: z.array(oneLine().trim().min(1).max(200)).max(100).default([]),
  publishedAt: z
    .string()
    .refine(
      isIsoDateTimeWithOffset,
      'must be an ISO 8601 date and time with an offset, like 2026-11-28T09:00:00+01:00',
    ),
  access: z.enum(['subscriber', 'free']).default('subscriber'),
  realert: z.boolean().default(false),
});

export type StoryParseResult = { ok: true; story: StoryInput } | { ok: false; error: string };

/** Validates one story object; the error names the field and what is wrong with it. */
export function parseStory(value: unknown): StoryParseResult {
  const result = storyInputSchema.safeParse(value);
  if (result.success) return { ok: true, story: result.data };
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || 'story';
  return { ok: false, error: `${field}: ${issue?.message ?? 'invalid'}` };
}

/** One record from a stories file: its position in the input, and the story or the error. */
export type StoryRecord =
  | { position: string; ok: true; story: StoryInput }
  | { position: string; ok: false; error: string };

/**
 * Reads a stories file: a JSON object, a JSON array, or JSON Lines. Every record is
 * reported on its own, so one bad story never hides the good ones; `position` says where
 * ("line 3", "item 2").
 */
export function parseStoriesText(text: string): StoryRecord[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[')) {
    let items: unknown;
    try {
      items = JSON.parse(trimmed);
    } catch (error) {
      return [{ position: 'input', ok: false, error: `not valid JSON: ${messageOf(error)}` }];
    }
    return (items as unknown[]).map((item, i) => toRecord(`item ${i + 1}`, item));
  }
  // A single pretty-printed object spans lines; JSON Lines has one object per line. When the
  // first line is not a whole object, the input is one object, and one error is the answer.
  if (trimmed.startsWith('{')) {
    try {
      return [toRecord('input', JSON.parse(trimmed))];
    } catch (error) {
      if (!isJson(trimmed.split('\n', 1)[0] as string)) {
        return [{ position: 'input', ok: false, error: `not valid JSON: ${messageOf(error)}` }];
      }
    }
  }
  const records: StoryRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const position = `line ${i + 1}`;
    try {
      records.push(toRecord(position, JSON.parse(line)));
    } catch (error) {
      records.push({ position, ok: false, error: `not valid JSON: ${messageOf(error)}` });
    }
  });
  return records;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function toRecord(position: string, value: unknown): StoryRecord {
  const parsed = parseStory(value);
  return parsed.ok
    ? { position, ok: true, story: parsed.story }
    : { position, ok: false, error: parsed.error };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
