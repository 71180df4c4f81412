import { PrefixTable } from './prefix-table.js';
import {
  ANCHOR_PREFIX,
  ANCHOR_SECTION,
  ANCHOR_STEM,
  ANCHOR_TAG,
  ANCHOR_TAG_PREFIX,
  ANCHOR_TOKEN,
  type Anchor,
} from './rule-anchors.js';
import type { ScopedPostings, TermDictionary } from './term-dictionary.js';

/** Where an exact-token anchor's lists start in a word key's `ScopedPostings`. */
export const TOKEN_OFFSET = 4;

/**
 * The inverted index: for every anchor key, the slots of the rules anchored on it. Word
 * and prefix keys keep theirs in the dictionary entries, which a story looks up anyway.
 */
export class RulePostings {
  readonly tags = new Map<string, number[]>();
  readonly sections = new Map<string, number[]>();
  readonly tagPrefixes = new PrefixTable<number[]>();
  readonly sectionPrefixes = new PrefixTable<number[]>();

  constructor(private readonly terms: TermDictionary) {}

  add(anchor: Anchor, slot: number): void {
    switch (anchor.kind) {
      case ANCHOR_STEM:
      case ANCHOR_TOKEN:
        addToScope(this.terms.words.get(anchor.term)!.postings, scopeIndex(anchor), slot);
        return;
      case ANCHOR_PREFIX:
        addToScope(this.terms.prefixes.get(anchor.term)!.value.postings, anchor.scope, slot);
        return;
      case ANCHOR_TAG:
      case ANCHOR_SECTION: {
        const map = anchor.kind === ANCHOR_TAG ? this.tags : this.sections;
        const list = map.get(anchor.term);
        if (list === undefined) map.set(anchor.term, [slot]);
        else list.push(slot);
        return;
      }
      default: {
        const table = anchor.kind === ANCHOR_TAG_PREFIX ? this.tagPrefixes : this.sectionPrefixes;
        const entry = table.get(anchor.term);
        if (entry === undefined) table.insert(anchor.term, [slot]);
        else entry.value.push(slot);
      }
    }
  }

  remove(anchor: Anchor, slot: number): void {
    switch (anchor.kind) {
      case ANCHOR_STEM:
      case ANCHOR_TOKEN:
        // Dictionary entries live as long as a leaf uses them (`LeafTable`).
        removeFromScope(this.terms.words.get(anchor.term)!.postings, scopeIndex(anchor), slot);
        return;
      case ANCHOR_PREFIX:
        removeFromScope(this.terms.prefixes.get(anchor.term)!.value.postings, anchor.scope, slot);
        return;
      case ANCHOR_TAG:
      case ANCHOR_SECTION: {
        const map = anchor.kind === ANCHOR_TAG ? this.tags : this.sections;
        const list = map.get(anchor.term);
        if (list !== undefined && removeSlot(list, slot) && list.length === 0) {
          map.delete(anchor.term);
        }
        return;
      }
      default: {
        const table = anchor.kind === ANCHOR_TAG_PREFIX ? this.tagPrefixes : this.sectionPrefixes;
        const entry = table.get(anchor.term);
        if (entry !== undefined && removeSlot(entry.value, slot) && entry.value.length === 0) {
          table.delete(entry);
        }
      }
    }
  }
}

function scopeIndex(anchor: Anchor): number {
  return anchor.kind === ANCHOR_TOKEN ? TOKEN_OFFSET + anchor.scope : anchor.scope;
}

function addToScope(postings: ScopedPostings, index: number, slot: number): void {
  const list = postings[index];
  if (list === undefined) postings[index] = [slot];
  else list.push(slot);
}

function removeFromScope(postings: ScopedPostings, index: number, slot: number): void {
  const list = postings[index];
  if (list !== undefined && removeSlot(list, slot) && list.length === 0) {
    postings[index] = undefined;
  }
}

/** Removes one occurrence of `slot` (order does not matter, so swap with the last). */
function removeSlot(list: number[], slot: number): boolean {
  const index = list.lastIndexOf(slot);
  if (index < 0) return false;
  list[index] = list[list.length - 1]!;
  list.pop();
  return true;
}
