import { stemToken } from './stem.js';
import { FIRST_TAG_FIELD, type TokenizedStory } from './tokenized-story.js';

/**
 * Field bits: headline 1, summary 2, body 4, any tag 8. A text leaf's mask says which
 * fields it may match in; a token's mask says which fields hold it.
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

/**
 * Per-story lookup tables, built once and shared by every rule checked against the
 * story. Token positions are global: the fields one after the other, so a position says
 * its field (`fieldOf`) and same-field distances are plain differences.
 */
export interface StoryLookup {
  readonly story: TokenizedStory;
  /** Distinct token → its number, which indexes `distinct`, `stems`, `masks`, `first`. */
  readonly numbers: ReadonlyMap<string, number>;
  readonly distinct: readonly string[];
  readonly stems: readonly string[];
  readonly masks: readonly number[];
  /** First global position of each distinct token. */
  readonly first: readonly number[];
  /** Next global position of the same token, or -1. */
  readonly next: Int32Array;
  /** The distinct-token number at each global position. */
  readonly tokenAt: Int32Array;
  /** The field index of each global position. */
  readonly fieldOf: Uint16Array;
}

/** Builds the lookup tables of a story (the index keeps the last one it built). */
export function buildStoryLookup(story: TokenizedStory): StoryLookup {
  const { fields } = story;
  let total = 0;
  for (const field of fields) total += field.tokens.length;
  const numbers = new Map<string, number>();
  const distinct: string[] = [];
  const masks: number[] = [];
  const first: number[] = [];
  const next = new Int32Array(total);
  const tokenAt = new Int32Array(total);
  const fieldOf = new Uint16Array(total);
  // Walk backwards so that each token's chain of positions comes out in ascending order.
  let position = total;
  for (let field = fields.length - 1; field >= 0; field--) {
    const bit = fieldBit(field);
    const tokens = fields[field]!.tokens;
    for (let p = tokens.length - 1; p >= 0; p--) {
      position--;
      const token = tokens[p]!;
      let number = numbers.get(token);
      if (number === undefined) {
        number = distinct.length;
        numbers.set(token, number);
        distinct.push(token);
        masks.push(bit);
        first.push(position);
        next[position] = -1;
      } else {
        next[position] = first[number]!;
        first[number] = position;
        masks[number]! |= bit;
      }
      tokenAt[position] = number;
      fieldOf[position] = field;
    }
  }
  return {
    story,
    numbers,
    distinct,
    stems: distinct.map(stemToken),
    masks,
    first,
    next,
    tokenAt,
    fieldOf,
  };
}
