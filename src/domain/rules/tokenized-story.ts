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

/** A field whose stems are computed on first use: the indexed matcher never asks. */
class LazyField implements TokenizedField {
  private stemList: string[] | undefined;

  constructor(readonly tokens: readonly string[]) {}

  get stems(): readonly string[] {
    this.stemList ??= this.tokens.map(stemToken);
    return this.stemList;
  }
}

/** Tokenizes every field of a story once; matching then needs no more text work. */
export function tokenizeStory(story: MatchableStory): TokenizedStory {
  const fields = [story.headline, story.summary, story.body, ...story.tags].map(
    (text) => new LazyField(tokenizeText(text)),
  );
  return {
    fields,
    tagValues: fields.slice(FIRST_TAG_FIELD).map((field) => field.tokens.join(' ')),
    section: story.section === null ? null : joinTokens(story.section),
  };
}
