import { z } from 'zod';

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

const nonEmpty = (what: string) => z.string().trim().min(1, `${what} must not be empty`);

const storyInputSchema = z.object({
  id: z.union([nonEmpty('id'), z.number().int().transform(String)]),
  url: z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' }),
  headline: nonEmpty('headline').max(1000),
  summary: z.string().max(10_000).default(''),
  body: z.string().max(2_000_000).default(''),
  section: z
    .string()
    .trim()
    .max(200)
    .nullish()
    .transform((s) => (s ? s : null)),
  tags: z.array(z.string().trim().min(1).max(200)).max(100).default([]),
  publishedAt: z.iso.datetime({
    offset: true,
    error: 'publishedAt must be ISO 8601 with an offset',
  }),
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
  // A single pretty-printed object spans lines; JSON Lines has one object per line.
  if (trimmed.startsWith('{')) {
    try {
      return [toRecord('input', JSON.parse(trimmed))];
    } catch {
      // fall through to JSON Lines
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

function toRecord(position: string, value: unknown): StoryRecord {
  const parsed = parseStory(value);
  return parsed.ok
    ? { position, ok: true, story: parsed.story }
    : { position, ok: false, error: parsed.error };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
