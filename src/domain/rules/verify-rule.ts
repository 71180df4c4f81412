import { nodeLength, OP_AND, OP_LEAF, OP_NOT, type RuleCode } from './compile-rule.js';
import {
  type Leaf,
  type LeafTable,
  NEAR,
  PHRASE,
  PREFIX,
  SECTION,
  SECTION_PREFIX,
  TAG,
  TAG_PREFIX,
  WORD,
} from './leaf-table.js';
import { fieldBit, mergeOccurrences, type StoryLookup } from './story-lookup.js';

/**
 * Scratch state of one `RuleIndex.match` call. Stamps equal to `epoch` mark entries
 * written during this call, so nothing needs clearing between stories.
 */
export class MatchContext {
  epoch = 0;
  lookup: StoryLookup | undefined;
  leafStamp: Int32Array = new Int32Array(256);
  leafValue: Uint8Array = new Uint8Array(256);
  prefixStamp: Int32Array = new Int32Array(256);
  prefixMask: Uint8Array = new Uint8Array(256);
  slotStamp: Int32Array = new Int32Array(256);

  constructor(readonly leaves: LeafTable) {}

  /** Starts a new story, growing the arrays to the current table sizes. */
  begin(lookup: StoryLookup, slotCapacity: number): void {
    this.lookup = lookup;
    if (this.epoch >= 0x7fffffff) {
      this.epoch = 0;
      this.leafStamp.fill(0);
      this.prefixStamp.fill(0);
      this.slotStamp.fill(0);
    }
    this.epoch++;
    const leafCapacity = this.leaves.capacity;
    if (leafCapacity > this.leafStamp.length) {
      this.leafStamp = grow(this.leafStamp, leafCapacity);
      this.leafValue = new Uint8Array(this.leafStamp.length);
    }
    const prefixCapacity = this.leaves.prefixCapacity;
    if (prefixCapacity > this.prefixStamp.length) {
      this.prefixStamp = grow(this.prefixStamp, prefixCapacity);
      this.prefixMask = new Uint8Array(this.prefixStamp.length);
    }
    if (slotCapacity > this.slotStamp.length) this.slotStamp = grow(this.slotStamp, slotCapacity);
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
}

function grow(array: Int32Array, needed: number): Int32Array {
  let length = array.length;
  while (length < needed) length *= 2;
  const grown = new Int32Array(length);
  grown.set(array);
  return grown;
}

/** Runs a compiled rule against the story of the context. */
export function runRule(code: RuleCode, context: MatchContext): boolean {
  return runAt(code, 0, context);
}

function runAt(code: RuleCode, pc: number, context: MatchContext): boolean {
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

/** A leaf's value for the current story, computed once per story. */
function testLeaf(id: number, context: MatchContext): boolean {
  if (context.leafStamp[id] === context.epoch) return context.leafValue[id] === 1;
  const value = evaluateLeaf(context.leaves.leafById(id), context);
  context.leafStamp[id] = context.epoch;
  context.leafValue[id] = value ? 1 : 0;
  return value;
}

function evaluateLeaf(leaf: Leaf, context: MatchContext): boolean {
  const lookup = context.lookup!;
  switch (leaf.kind) {
    case WORD:
      return ((lookup.stems.get(leaf.term)?.mask ?? 0) & leaf.mask) !== 0;
    case PREFIX:
      return (context.prefixMaskOf(leaf.prefixEntry!.value.id) & leaf.mask) !== 0;
    case PHRASE:
      return findPhraseStarts(leaf, leaf.mask, lookup, true).length > 0;
    case TAG:
      return lookup.story.tagValues.includes(leaf.term);
    case TAG_PREFIX:
      return lookup.story.tagValues.some((value) => value.startsWith(leaf.term));
    case SECTION:
      return lookup.story.section === leaf.term;
    case SECTION_PREFIX:
      return lookup.story.section?.startsWith(leaf.term) === true;
    case NEAR:
      return leaf.mask !== 0 && testNear(leaf, lookup);
    default:
      throw new Error(`unknown leaf kind ${leaf.kind}`);
  }
}

/** Flat `field, start` pairs where a phrase occurs in the fields of `mask`. */
function findPhraseStarts(
  leaf: Leaf,
  mask: number,
  lookup: StoryLookup,
  firstOnly: boolean,
): number[] {
  const { tokens } = leaf;
  const first = lookup.tokens.get(tokens[0]!);
  if (first === undefined || (first.mask & mask) === 0) return [];
  for (let k = 1; k < tokens.length; k++) {
    if (((lookup.tokens.get(tokens[k]!)?.mask ?? 0) & mask) === 0) return [];
  }
  const starts: number[] = [];
  const { occurrences } = first;
  const { fields } = lookup.story;
  for (let i = 0; i < occurrences.length; i += 2) {
    const field = occurrences[i]!;
    if ((fieldBit(field) & mask) === 0) continue;
    const start = occurrences[i + 1]!;
    const fieldTokens = fields[field]!.tokens;
    let k = 1;
    while (k < tokens.length && fieldTokens[start + k] === tokens[k]) k++;
    if (k === tokens.length) {
      starts.push(field, start);
      if (firstOnly) break;
    }
  }
  return starts;
}

/** Flat `field, start` pairs of a text leaf's occurrences in the fields of `mask`. */
function findStarts(leaf: Leaf, mask: number, lookup: StoryLookup): number[] {
  if (leaf.kind === PHRASE) return findPhraseStarts(leaf, mask, lookup, false);
  const lists: number[][] = [];
  if (leaf.kind === WORD) {
    const entry = lookup.stems.get(leaf.term);
    if (entry !== undefined) for (const token of entry.tokens) lists.push(token.occurrences);
  } else {
    for (const entry of lookup.tokens.values()) {
      if (entry.token.startsWith(leaf.term)) lists.push(entry.occurrences);
    }
  }
  if (lists.length === 0) return [];
  const merged = mergeOccurrences(lists);
  const starts: number[] = [];
  for (let i = 0; i < merged.length; i += 2) {
    if ((fieldBit(merged[i]!) & mask) !== 0) starts.push(merged[i]!, merged[i + 1]!);
  }
  return starts;
}

/**
 * `A NEAR/n B`: spans [a1, a2] and [b1, b2] in one field with max(b1 - a2, a1 - b2) <= n,
 * that is b1 in [a1 - n - (lengthB - 1), a2 + n]. Both lists are sorted, so one pass.
 */
function testNear(leaf: Leaf, lookup: StoryLookup): boolean {
  const left = leaf.left!;
  const right = leaf.right!;
  const lefts = findStarts(left, leaf.mask, lookup);
  if (lefts.length === 0) return false;
  const rights = findStarts(right, leaf.mask, lookup);
  const leftLength = left.kind === PHRASE ? left.tokens.length : 1;
  const rightLength = right.kind === PHRASE ? right.tokens.length : 1;
  const n = leaf.distance;
  let j = 0;
  for (let i = 0; i < lefts.length; i += 2) {
    const field = lefts[i]!;
    const a1 = lefts[i + 1]!;
    const low = a1 - n - (rightLength - 1);
    const high = a1 + (leftLength - 1) + n;
    while (
      j < rights.length &&
      (rights[j]! < field || (rights[j] === field && rights[j + 1]! < low))
    ) {
      j += 2;
    }
    if (j < rights.length && rights[j] === field && rights[j + 1]! <= high) return true;
  }
  return false;
}
