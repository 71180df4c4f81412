import type { PrefixData } from './leaf-table.js';
import type { PrefixEntry, PrefixTable } from './prefix-table.js';
import { PrefixTable as SortedPrefixTable } from './prefix-table.js';
import {
  ANCHOR_PREFIX,
  ANCHOR_SECTION,
  ANCHOR_STEM,
  ANCHOR_TAG,
  ANCHOR_TAG_PREFIX,
  ANCHOR_TOKEN,
  type Anchor,
} from './rule-anchors.js';

/** Rule slots anchored on one text key, per scope: 0 any field, 1 headline, 2 summary, 3 body. */
export type ScopedPostings = (number[] | undefined)[];

/** The inverted index: for every anchor key, the slots of the rules anchored on it. */
export class RulePostings {
  readonly stems = new Map<string, ScopedPostings>();
  readonly tokens = new Map<string, ScopedPostings>();
  readonly tags = new Map<string, number[]>();
  readonly sections = new Map<string, number[]>();
  readonly tagPrefixes = new SortedPrefixTable<number[]>();
  readonly sectionPrefixes = new SortedPrefixTable<number[]>();

  constructor(private readonly textPrefixes: PrefixTable<PrefixData>) {}

  add(anchor: Anchor, slot: number): void {
    switch (anchor.kind) {
      case ANCHOR_STEM:
        addScoped(this.stems, anchor, slot);
        return;
      case ANCHOR_TOKEN:
        addScoped(this.tokens, anchor, slot);
        return;
      case ANCHOR_PREFIX: {
        const { postings } = this.textPrefixes.get(anchor.term)!.value;
        let list = postings[anchor.scope];
        if (list === undefined) {
          list = [];
          postings[anchor.scope] = list;
        }
        list.push(slot);
        return;
      }
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
        removeScoped(this.stems, anchor, slot);
        return;
      case ANCHOR_TOKEN:
        removeScoped(this.tokens, anchor, slot);
        return;
      case ANCHOR_PREFIX: {
        // The prefix entry itself lives as long as a leaf uses it (`LeafTable`).
        const { postings } = this.textPrefixes.get(anchor.term)!.value;
        const list = postings[anchor.scope];
        if (list !== undefined && removeSlot(list, slot) && list.length === 0) {
          postings[anchor.scope] = undefined;
        }
        return;
      }
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
        const entry: PrefixEntry<number[]> | undefined = table.get(anchor.term);
        if (entry !== undefined && removeSlot(entry.value, slot) && entry.value.length === 0) {
          table.delete(entry);
        }
      }
    }
  }
}

function addScoped(map: Map<string, ScopedPostings>, anchor: Anchor, slot: number): void {
  let postings = map.get(anchor.term);
  if (postings === undefined) {
    postings = [];
    map.set(anchor.term, postings);
  }
  const list = postings[anchor.scope];
  if (list === undefined) postings[anchor.scope] = [slot];
  else list.push(slot);
}

function removeScoped(map: Map<string, ScopedPostings>, anchor: Anchor, slot: number): void {
  const postings = map.get(anchor.term);
  const list = postings?.[anchor.scope];
  if (postings === undefined || list === undefined || !removeSlot(list, slot)) return;
  if (list.length > 0) return;
  postings[anchor.scope] = undefined;
  if (postings.every((other) => other === undefined)) map.delete(anchor.term);
}

/** Removes one occurrence of `slot` (order does not matter, so swap with the last). */
function removeSlot(list: number[], slot: number): boolean {
  const index = list.lastIndexOf(slot);
  if (index < 0) return false;
  list[index] = list[list.length - 1]!;
  list.pop();
  return true;
}
