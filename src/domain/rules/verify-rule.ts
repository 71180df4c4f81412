import {
  NEAR,
  PHRASE,
  PREFIX,
  SECTION,
  SECTION_PREFIX,
  TAG,
  TAG_PREFIX,
  WORD,
} from './leaf-kinds.js';
import { hasPhrase, PositionBuffers, type PositionSource, testNear } from './leaf-positions.js';
import type { Leaf, LeafTable } from './leaf-table.js';
import { nodeLength, OP_AND, OP_LEAF, OP_NOT } from './rule-code.js';
import type { StoryLookup } from './story-lookup.js';

/**
 * Scratch state of one `RuleIndex.match` call. Stamps equal to `epoch` mark entries
 * written during this call, so nothing needs clearing between stories.
 */
export class MatchContext implements PositionSource {
  epoch = 0;
  lookup: StoryLookup | undefined;
  leafStamp: Int32Array = new Int32Array(256);
  leafValue: Uint8Array = new Uint8Array(256);
  prefixStamp: Int32Array = new Int32Array(256);
  prefixMask: Uint8Array = new Uint8Array(256);
  /** Per dictionary word: the fields holding a token with this stem. */
  stemStamp: Int32Array = new Int32Array(256);
  stemMask: Uint8Array = new Uint8Array(256);
  /** Per dictionary word: the story's distinct-token number of this exact token. */
  tokenStamp: Int32Array = new Int32Array(256);
  tokenNumber: Int32Array = new Int32Array(256);
  /** Per rule slot: `epoch * 8 + bits` while gathering candidates (`rule-index.ts`). */
  slotState: Int32Array = new Int32Array(256);
  readonly positions = new PositionBuffers();

  constructor(readonly leaves: LeafTable) {}

  /** Starts a new story, growing the arrays to the current table sizes. */
  begin(lookup: StoryLookup, slotCapacity: number): void {
    this.lookup = lookup;
    // Slot states hold `epoch * 8` in an Int32: start over well before it overflows.
    if (this.epoch >= 0x0fffffff) {
      this.epoch = 0;
      for (const stamps of [this.leafStamp, this.prefixStamp, this.stemStamp, this.tokenStamp]) {
        stamps.fill(0);
      }
      this.slotState.fill(0);
    }
    this.epoch++;
    const { terms } = this.leaves;
    if (this.leaves.capacity > this.leafStamp.length) {
      this.leafStamp = grow(this.leafStamp, this.leaves.capacity);
      this.leafValue = new Uint8Array(this.leafStamp.length);
    }
    if (terms.prefixCapacity > this.prefixStamp.length) {
      this.prefixStamp = grow(this.prefixStamp, terms.prefixCapacity);
      this.prefixMask = new Uint8Array(this.prefixStamp.length);
    }
    if (terms.wordCapacity > this.stemStamp.length) {
      this.stemStamp = grow(this.stemStamp, terms.wordCapacity);
      this.stemMask = new Uint8Array(this.stemStamp.length);
      this.tokenStamp = grow(this.tokenStamp, terms.wordCapacity);
      this.tokenNumber = new Int32Array(this.tokenStamp.length);
    }
    if (slotCapacity > this.slotState.length) this.slotState = grow(this.slotState, slotCapacity);
  }

  /** Records that tokens in the fields of `mask` start with prefix `id`; true when first seen. */
  notePrefix(id: number, mask: number): boolean {
    if (this.prefixStamp[id] === this.epoch) {
      this.prefixMask[id]! |= mask;
      return false;
    }
    this.prefixStamp[id] = this.epoch;
    this.prefixMask[id] = mask;
    return true;
  }

  prefixMaskOf(id: number): number {
    return this.prefixStamp[id] === this.epoch ? this.prefixMask[id]! : 0;
  }

  /** Records that a token with the stem of word `id` is in the fields of `mask`. */
  noteStem(id: number, mask: number): void {
    if (this.stemStamp[id] === this.epoch) {
      this.stemMask[id]! |= mask;
    } else {
      this.stemStamp[id] = this.epoch;
      this.stemMask[id] = mask;
    }
  }

  stemMaskOf(id: number): number {
    return this.stemStamp[id] === this.epoch ? this.stemMask[id]! : 0;
  }

  /** Records that word `id` is, exactly, the story's distinct token `number`. */
  noteToken(id: number, number: number): void {
    this.tokenStamp[id] = this.epoch;
    this.tokenNumber[id] = number;
  }

  /** The story's distinct-token number of word `id`, or -1 when the story lacks it. */
  tokenNumberOf(id: number): number {
    return this.tokenStamp[id] === this.epoch ? this.tokenNumber[id]! : -1;
  }
}

function grow(array: Int32Array, needed: number): Int32Array {
  let length = array.length;
  while (length < needed) length *= 2;
  const grown = new Int32Array(length);
  grown.set(array);
  return grown;
}

/** Runs the compiled rule at `start` of `code` against the story of the context. */
export function runRule(code: Int32Array, start: number, context: MatchContext): boolean {
  return runAt(code, start, context);
}

function runAt(code: Int32Array, pc: number, context: MatchContext): boolean {
  const word = code[pc]!;
  const op = word & 3;
  if (op === OP_LEAF) return testLeaf(word >> 2, context);
  if (op === OP_NOT) return !runAt(code, pc + 1, context);
  const end = pc + (word >> 2);
  const isAnd = op === OP_AND;
  for (let child = pc + 1; child < end; child += nodeLength(code, child)) {
    if (runAt(code, child, context) !== isAnd) return !isAnd;
  }
  return isAnd;
}

/** A leaf's value for the current story; the costlier kinds are computed once per story. */
function testLeaf(id: number, context: MatchContext): boolean {
  const leaves = context.leaves;
  const kind = leaves.kinds[id];
  // Words and prefixes are read straight from what the story's scan recorded.
  if (kind === WORD) return (context.stemMaskOf(leaves.args[id]!) & leaves.masks[id]!) !== 0;
  if (kind === PREFIX) return (context.prefixMaskOf(leaves.args[id]!) & leaves.masks[id]!) !== 0;
  if (context.leafStamp[id] === context.epoch) return context.leafValue[id] === 1;
  const value = evaluateLeaf(leaves.leafById(id), context);
  context.leafStamp[id] = context.epoch;
  context.leafValue[id] = value ? 1 : 0;
  return value;
}

function evaluateLeaf(leaf: Leaf, context: MatchContext): boolean {
  const lookup = context.lookup!;
  switch (leaf.kind) {
    case WORD:
      return (context.stemMaskOf(leaf.words[0]!.id) & leaf.mask) !== 0;
    case PREFIX:
      return (context.prefixMaskOf(leaf.prefixEntry!.value.id) & leaf.mask) !== 0;
    case PHRASE:
      return hasPhrase(leaf, leaf.mask, context);
    case TAG:
      return lookup.story.tagValues.includes(leaf.term);
    case TAG_PREFIX:
      return lookup.story.tagValues.some((value) => value.startsWith(leaf.term));
    case SECTION:
      return lookup.story.section === leaf.term;
    case SECTION_PREFIX:
      return lookup.story.section?.startsWith(leaf.term) === true;
    case NEAR:
      return leaf.mask !== 0 && testNear(leaf, context, context.positions);
    default:
      throw new Error(`unknown leaf kind ${leaf.kind}`);
  }
}
