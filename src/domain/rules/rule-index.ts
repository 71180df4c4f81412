import { compileRule, releaseRule } from './compile-rule.js';
import { LeafTable } from './leaf-table.js';
import type { PrefixEntry, PrefixTable } from './prefix-table.js';
import { chooseAnchors, type RuleAnchors, type TermCost } from './rule-anchors.js';
import type { ParsedRule } from './rule-ast.js';
import { RulePostings, TOKEN_OFFSET } from './rule-postings.js';
import { RuleStore } from './rule-store.js';
import {
  BODY_BIT,
  buildStoryLookup,
  HEADLINE_BIT,
  type StoryLookup,
  SUMMARY_BIT,
} from './story-lookup.js';
import type { PrefixData, ScopedPostings } from './term-dictionary.js';
import { TokenTermCache } from './token-terms.js';
import type { TokenizedStory } from './tokenized-story.js';
import { MatchContext, runRule } from './verify-rule.js';

/** Options of a `RuleIndex`. */
export interface RuleIndexOptions {
  /**
   * How common a term is in stories, as a share between 0 and 1 (unknown terms: 0). It is
   * asked about stems (for words) and exact tokens (phrases, prefixes). With it, each rule
   * is anchored on its rarest terms; without it, on its longest.
   */
  documentFrequency?: (term: string) => number;
}

/**
 * Prospective search: rules are indexed by anchor terms that every story they match must
 * contain, so a story is verified only against the rules whose anchors it holds.
 */
export class RuleIndex {
  private readonly leaves: LeafTable;
  private readonly postings: RulePostings;
  private readonly context: MatchContext;
  private readonly rules = new RuleStore();
  private readonly slotOf = new Map<string, number>();
  /** Rules without an anchor: checked against every story. */
  private readonly unanchored = new Set<number>();
  private readonly tokenTerms: TokenTermCache;
  /** Scratch space for sorting the matched slots of a story. */
  private sortKeys = new Float64Array(256);
  private readonly gatherer = new Gatherer();
  private readonly touchedPrefixes: PrefixData[] = [];
  /** The last story's lookup tables, reused when the same story is matched again. */
  private lastLookup: StoryLookup | undefined;

  constructor(options: RuleIndexOptions = {}) {
    const frequency = options.documentFrequency;
    const termCost: TermCost =
      frequency === undefined ? (term) => 1 / (1 + term.length) : (term) => frequency(term);
    this.leaves = new LeafTable(termCost);
    this.postings = new RulePostings(this.leaves.terms);
    this.context = new MatchContext(this.leaves);
    this.tokenTerms = new TokenTermCache(this.leaves.terms);
  }

  get size(): number {
    return this.slotOf.size;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /** Adds a rule, or replaces the rule with the same id. */
  add(id: string, rule: ParsedRule): void {
    this.remove(id);
    const slot = this.rules.store(id, compileRule(rule.root, this.leaves));
    this.slotOf.set(id, slot);
    const anchors = this.anchorsOf(slot);
    if (anchors === null) {
      this.unanchored.add(slot);
      return;
    }
    for (const anchor of anchors.first) this.postings.add(anchor, postingEntry(slot, anchors, 0));
    for (const anchor of anchors.second ?? []) {
      this.postings.add(anchor, postingEntry(slot, anchors, 1));
    }
  }

  /** Removes a rule; false when there was none with this id. */
  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    const anchors = this.anchorsOf(slot);
    if (anchors === null) this.unanchored.delete(slot);
    if (anchors !== null) {
      for (const anchor of anchors.first) {
        this.postings.remove(anchor, postingEntry(slot, anchors, 0));
      }
      for (const anchor of anchors.second ?? []) {
        this.postings.remove(anchor, postingEntry(slot, anchors, 1));
      }
    }
    releaseRule(this.rules.heap, this.rules.start(slot), this.leaves);
    this.rules.release(slot);
    this.slotOf.delete(id);
    return true;
  }

  /** Ids of the rules that match the story, in the order the rules were added. */
  match(story: TokenizedStory): string[] {
    return this.matchWithStats(story).ids;
  }

  /** Like `match`, plus how many candidate rules were verified. */
  matchWithStats(story: TokenizedStory): { ids: string[]; candidates: number } {
    const context = this.context;
    const rules = this.rules;
    if (this.lastLookup?.story !== story) this.lastLookup = buildStoryLookup(story);
    context.begin(this.lastLookup, rules.capacity);
    const candidates = this.collectCandidates(story);
    const heap = rules.heap;
    let keys = this.sortKeys;
    if (keys.length < candidates.length) {
      keys = new Float64Array(Math.max(candidates.length, keys.length * 2));
      this.sortKeys = keys;
    }
    // Candidates are verified in add order: the matches come out in the order they are
    // reported, and the compiled rules, stored in add order, are read front to back rather
    // than at random (at 100k rules, cache misses were most of a candidate's cost). Orders
    // and slots are integers: packed into one exact double, a plain typed sort orders them
    // with no comparator calls.
    let factor = 1;
    while (factor < rules.capacity) factor *= 2;
    const order = rules.order;
    const count = candidates.length;
    let ids: string[];
    if (rules.orderBound * factor <= Number.MAX_SAFE_INTEGER) {
      for (let i = 0; i < count; i++) {
        const slot = candidates[i]!;
        keys[i] = order[slot]! * factor + slot;
      }
      const sorted = keys.subarray(0, count).sort();
      ids = [];
      for (let i = 0; i < count; i++) {
        const slot = sorted[i]! % factor;
        if (runRule(heap, rules.start(slot), context)) ids.push(rules.ids[slot]!);
      }
    } else {
      const slots = candidates.slice().sort((a, b) => order[a]! - order[b]!);
      ids = [];
      for (const slot of slots) {
        if (runRule(heap, rules.start(slot), context)) ids.push(rules.ids[slot]!);
      }
    }
    return { ids, candidates: candidates.length };
  }

  private anchorsOf(slot: number): RuleAnchors | null {
    return chooseAnchors(this.rules.heap, this.rules.start(slot), this.leaves);
  }

  /** The slots of every rule with an anchor in the story (each once). */
  private collectCandidates(story: TokenizedStory): number[] {
    const context = this.context;
    const lookup = context.lookup!;
    const { postings } = this;
    const gather = this.gatherer;
    gather.begin(context.slotState, context.epoch);
    const { distinct, stems, masks } = lookup;
    const cache = this.tokenTerms;
    cache.refresh();
    // Per distinct token: mark the words and prefixes leaves test and add the rules
    // anchored on its words. Prefix rules wait until every token has added its fields.
    const touched = this.touchedPrefixes;
    touched.length = 0;
    for (let i = 0; i < distinct.length; i++) {
      const token = distinct[i]!;
      const mask = masks[i]!;
      const terms = cache.lookup(token, stems[i]!);
      if (terms.wordId >= 0) {
        context.noteToken(terms.wordId, i);
        gather.addScoped(terms.wordPostings, TOKEN_OFFSET, mask);
      }
      if (terms.stemId >= 0) {
        context.noteStem(terms.stemId, mask);
        gather.addScoped(terms.stemPostings, 0, mask);
      }
      const prefixes = terms.prefixes;
      for (let k = 0; k < prefixes.length; k++) {
        const data = prefixes[k]!;
        if (context.notePrefix(data.id, mask)) touched.push(data);
      }
    }
    for (let k = 0; k < touched.length; k++) {
      const data = touched[k]!;
      if (data.postings.length > 0) {
        gather.addScoped(data.postings, 0, context.prefixMaskOf(data.id));
      }
    }
    for (const value of story.tagValues) {
      gather.addAll(postings.tags.get(value));
      this.addPrefixed(postings.tagPrefixes, value, gather);
    }
    if (story.section !== null) {
      gather.addAll(postings.sections.get(story.section));
      this.addPrefixed(postings.sectionPrefixes, story.section, gather);
    }
    for (const slot of this.unanchored) gather.candidates.push(slot);
    return gather.candidates;
  }

  private addPrefixed(table: PrefixTable<number[]>, value: string, gather: Gatherer): void {
    if (table.size === 0) return;
    const found: PrefixEntry<number[]>[] = [];
    table.collectPrefixesOf(value, found);
    for (const entry of found) gather.addAll(entry.value);
  }
}

/**
 * A posting entry: `slot * 4 + (two passes ? 2 : 0) + pass`, so gathering needs nothing
 * but the entry and one state word per slot.
 */
function postingEntry(slot: number, anchors: RuleAnchors, pass: number): number {
  return slot * 4 + (anchors.second === null ? 0 : 2) + pass;
}

/**
 * Collects candidate slots from posting entries: a slot becomes a candidate, once per
 * story, when every pass it requires has been hit. A slot's state word is
 * `epoch * 8 + bits` (bits 1 and 2: passes hit; 4: already a candidate).
 */
class Gatherer {
  readonly candidates: number[] = [];
  private state: Int32Array = new Int32Array(0);
  private epoch = 0;

  /** Starts a story: state words of other epochs count as empty. */
  begin(state: Int32Array, epoch: number): void {
    this.state = state;
    this.epoch = epoch;
    this.candidates.length = 0;
  }

  addAll(list: readonly number[] | undefined): void {
    if (list === undefined) return;
    const { state, candidates } = this;
    const base = this.epoch * 8;
    for (let i = 0; i < list.length; i++) {
      const entry = list[i]!;
      const slot = entry >> 2;
      const old = state[slot]!;
      let bits = old - base;
      if (bits < 0 || bits > 7) bits = 0;
      if (bits & 4) continue;
      bits |= 1 << (entry & 1);
      const needed = entry & 2 ? 3 : 1;
      if ((bits & needed) === needed) {
        bits |= 4;
        candidates.push(slot);
      }
      state[slot] = base + bits;
    }
  }

  /** Adds the any-field list at `offset` and the lists of the fields in `mask`. */
  addScoped(scoped: ScopedPostings, offset: number, mask: number): void {
    this.addAll(scoped[offset]);
    if (mask & HEADLINE_BIT) this.addAll(scoped[offset + 1]);
    if (mask & SUMMARY_BIT) this.addAll(scoped[offset + 2]);
    if (mask & BODY_BIT) this.addAll(scoped[offset + 3]);
  }
}
