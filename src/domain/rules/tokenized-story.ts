import type { MatchableStory } from '../story.js';
import { joinTokens, tokenizeText } from './normalize.js';
import { stemToken } from './stem.js';

/** One text field of a story: its tokens (positions are indexes) and their stems. */
export interface TokenizedField {
  readonly tokens: readonly string[];
  readonly stems: readonly string[];
}

/** A story tokenized once, ready to be matched against any number of rules. */
export interface TokenizedStory {
  /**
   * The text fields, each tokenized on its own: 0 headline, 1 summary, 2 body, then one
   * field per tag, in the story's order.
   */
  readonly fields: readonly TokenizedField[];
  /** Each tag's tokens joined by single spaces (what `tag:X` compares). */
  readonly tagValues: readonly string[];
  /** The section's tokens joined by single spaces, or null for a story without one. */
  readonly section: string | null;
}

/** Index of the first tag in `TokenizedStory.fields`. */
export const FIRST_TAG_FIELD = 3;

/** Tokenizes every field of a story once; matching then needs no more text work. */
export function tokenizeStory(story: MatchableStory): TokenizedStory {
  const fields = [
    tokenizeField(story.headline),
    tokenizeField(story.summary),
    tokenizeField(story.body),
  ];
  for (const tag of story.tags) fields.push(tokenizeField(tag));
  return {
    fields,
    tagValues: fields.slice(FIRST_TAG_FIELD).map((field) => field.tokens.join(' ')),
    section: story.section === null ? null : joinTokens(story.section),
  };
}

function tokenizeField(text: string): TokenizedField {
  const tokens = tokenizeText(text);
  return { tokens, stems: tokens.map(stemToken) };
}
