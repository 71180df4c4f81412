import { PHRASE, PREFIX, WORD } from './leaf-kinds.js';
import type { Leaf } from './leaf-table.js';
import { fieldBit, type StoryLookup } from './story-lookup.js';

/**
 * What the position tests read of the current story: the lookup tables, and what the
 * story's scan recorded per dictionary word and prefix (`MatchContext`).
 */
export interface PositionSource {
  readonly lookup: StoryLookup | undefined;
  stemMaskOf(wordId: number): number;
  prefixMaskOf(prefixId: number): number;
  tokenNumberOf(wordId: number): number;
}

/**
 * Reusable buffers for the start positions of NEAR operands: a NEAR leaf is tested once
 * per story, hundreds of times a story at 100k rules, so its positions are written into
 * these instead of fresh arrays.
 */
export class PositionBuffers {
  left = new Int32Array(256);
  right = new Int32Array(256);
}

/** Whether the phrase occurs in a field of `mask`: the first start found settles it. */
export function hasPhrase(leaf: Leaf, mask: number, source: PositionSource): boolean {
  if (!phraseTokensPresent(leaf, mask, source)) return false;
  const lookup = source.lookup!;
  const { words } = leaf;
  const { next, tokenAt, fieldOf } = lookup;
  const firstNumber = source.tokenNumberOf(words[0]!.id);
  for (let start = lookup.first[firstNumber]!; start >= 0; start = next[start]!) {
    if (phraseAt(start, words, mask, source, tokenAt, fieldOf)) return true;
  }
  return false;
}

/**
 * `A NEAR/n B`: spans [a1, a2] and [b1, b2] in one field with max(b1 - a2, a1 - b2) <= n,
 * that is b1 in [a1 - n - (lengthB - 1), a2 + n]. Positions are sorted, so one pass.
 */
export function testNear(leaf: Leaf, source: PositionSource, buffers: PositionBuffers): boolean {
  const left = leaf.left!;
  const right = leaf.right!;
  const { mask } = leaf;
  // Most NEAR leaves tested hold only their anchor: the cheap presence test of the other
  // operand answers them without a position.
  if (!isPresent(left, mask, source) || !isPresent(right, mask, source)) return false;
  const leftCount = collectStarts(left, mask, source, buffers, false);
  const rightCount = collectStarts(right, mask, source, buffers, true);
  const lefts = buffers.left;
  const rights = buffers.right;
  const leftLength = left.kind === PHRASE ? left.tokens.length : 1;
  const rightLength = right.kind === PHRASE ? right.tokens.length : 1;
  const n = leaf.distance;
  const { fieldOf } = source.lookup!;
  let j = 0;
  for (let i = 0; i < leftCount; i++) {
    const a1 = lefts[i]!;
    const low = a1 - n - (rightLength - 1);
    const high = a1 + (leftLength - 1) + n;
    while (j < rightCount && rights[j]! < low) j++;
    // Positions in range may still belong to a neighbouring field.
    for (let k = j; k < rightCount && rights[k]! <= high; k++) {
      if (fieldOf[rights[k]!] === fieldOf[a1]) return true;
    }
  }
  return false;
}

/** Whether a text leaf's terms are in the fields of `mask` at all (no positions needed). */
function isPresent(leaf: Leaf, mask: number, source: PositionSource): boolean {
  if (leaf.kind === WORD) return (source.stemMaskOf(leaf.words[0]!.id) & mask) !== 0;
  if (leaf.kind === PREFIX) return (source.prefixMaskOf(leaf.prefixEntry!.value.id) & mask) !== 0;
  return phraseTokensPresent(leaf, mask, source);
}

function phraseTokensPresent(leaf: Leaf, mask: number, source: PositionSource): boolean {
  const masks = source.lookup!.masks;
  for (const word of leaf.words) {
    const number = source.tokenNumberOf(word.id);
    if (number < 0 || (masks[number]! & mask) === 0) return false;
  }
  return true;
}

function phraseAt(
  start: number,
  words: Leaf['words'],
  mask: number,
  source: PositionSource,
  tokenAt: Int32Array,
  fieldOf: Uint16Array,
): boolean {
  const field = fieldOf[start]!;
  if ((fieldBit(field) & mask) === 0 || start + words.length > tokenAt.length) return false;
  for (let k = 1; k < words.length; k++) {
    if (tokenAt[start + k] !== source.tokenNumberOf(words[k]!.id)) return false;
    if (fieldOf[start + k] !== field) return false;
  }
  return true;
}

/**
 * Writes the ascending start positions of a text leaf in fields of `mask` into one of the
 * buffers (growing it when needed) and returns how many there are.
 */
function collectStarts(
  leaf: Leaf,
  mask: number,
  source: PositionSource,
  buffers: PositionBuffers,
  isRight: boolean,
): number {
  const lookup = source.lookup!;
  const { first, next, fieldOf, tokenAt } = lookup;
  let out = isRight ? buffers.right : buffers.left;
  if (out.length < tokenAt.length) {
    out = new Int32Array(tokenAt.length);
    if (isRight) buffers.right = out;
    else buffers.left = out;
  }
  let count = 0;
  let chains = 0;
  const appendChain = (number: number) => {
    chains++;
    for (let position = first[number]!; position >= 0; position = next[position]!) {
      if ((fieldBit(fieldOf[position]!) & mask) !== 0) out[count++] = position;
    }
  };
  if (leaf.kind === PHRASE) {
    const { words } = leaf;
    const firstNumber = source.tokenNumberOf(words[0]!.id);
    for (let start = first[firstNumber]!; start >= 0; start = next[start]!) {
      if (phraseAt(start, words, mask, source, tokenAt, fieldOf)) out[count++] = start;
    }
    return count;
  }
  if (leaf.kind === WORD) {
    for (const variant of leaf.variants) {
      const number = lookup.numbers.get(variant);
      if (number !== undefined) appendChain(number);
    }
  } else {
    const { distinct } = lookup;
    for (let number = 0; number < distinct.length; number++) {
      if (distinct[number]!.startsWith(leaf.term)) appendChain(number);
    }
  }
  // One token's chain is ascending already; several are merged by a numeric sort.
  if (chains > 1) out.subarray(0, count).sort();
  return count;
}
