import { FIRST_TAG_FIELD, type TokenizedStory } from './tokenized-story.js';

/**
 * Field bits: headline 1, summary 2, body 4, any tag 8. A text leaf's mask says which
 * fields it may match in; an entry's mask says which fields hold the token.
 */
export const HEADLINE_BIT = 1;
export const SUMMARY_BIT = 2;
export const BODY_BIT = 4;
export const TAG_BIT = 8;
export const ANY_TEXT_MASK = 15;

/** The bit of a field index of `TokenizedStory.fields`. */
export function fieldBit(field: number): number {
  return field < FIRST_TAG_FIELD ? 1 << field : TAG_BIT;
}

/** One distinct token of a story: where it occurs. */
export interface TokenEntry {
  readonly token: string;
  readonly stem: string;
  mask: number;
  /** Flat pairs `field, position`, ordered by field then position. */
  readonly occurrences: number[];
}

/** One distinct stem of a story: the fields and tokens that have it. */
export interface StemEntry {
  mask: number;
  readonly tokens: TokenEntry[];
}

/** Per-story lookup tables, built once and shared by every rule checked against the story. */
export interface StoryLookup {
  readonly story: TokenizedStory;
  readonly tokens: ReadonlyMap<string, TokenEntry>;
  readonly stems: ReadonlyMap<string, StemEntry>;
}

const lookups = new WeakMap<TokenizedStory, StoryLookup>();

/** The lookup tables of a story, built on first use and kept as long as the story is. */
export function getStoryLookup(story: TokenizedStory): StoryLookup {
  let lookup = lookups.get(story);
  if (lookup === undefined) {
    lookup = buildStoryLookup(story);
    lookups.set(story, lookup);
  }
  return lookup;
}

function buildStoryLookup(story: TokenizedStory): StoryLookup {
  const tokens = new Map<string, TokenEntry>();
  const { fields } = story;
  for (let field = 0; field < fields.length; field++) {
    const bit = fieldBit(field);
    const { tokens: fieldTokens, stems } = fields[field]!;
    for (let position = 0; position < fieldTokens.length; position++) {
      const token = fieldTokens[position]!;
      let entry = tokens.get(token);
      if (entry === undefined) {
        entry = { token, stem: stems[position]!, mask: 0, occurrences: [] };
        tokens.set(token, entry);
      }
      entry.mask |= bit;
      entry.occurrences.push(field, position);
    }
  }
  const stemEntries = new Map<string, StemEntry>();
  for (const entry of tokens.values()) {
    const known = stemEntries.get(entry.stem);
    if (known === undefined) {
      stemEntries.set(entry.stem, { mask: entry.mask, tokens: [entry] });
    } else {
      known.mask |= entry.mask;
      known.tokens.push(entry);
    }
  }
  return { story, tokens, stems: stemEntries };
}

/** Merges flat `field, position` pair lists into one, ordered by field then position. */
export function mergeOccurrences(lists: readonly (readonly number[])[]): number[] {
  if (lists.length === 1) return lists[0]!.slice();
  const pairs: Array<[number, number]> = [];
  for (const list of lists) {
    for (let i = 0; i < list.length; i += 2) pairs.push([list[i]!, list[i + 1]!]);
  }
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return pairs.flat();
}
