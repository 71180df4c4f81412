import { compileRule, type RuleCode, releaseRule } from './compile-rule.js';
import { LeafTable, type PrefixData } from './leaf-table.js';
import { type Anchor, chooseAnchors, type TermCost } from './rule-anchors.js';
import type { ParsedRule } from './rule-ast.js';
import { RulePostings, type ScopedPostings } from './rule-postings.js';
import { getStoryLookup } from './story-lookup.js';
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
  private readonly leaves = new LeafTable();
  private readonly postings = new RulePostings(this.leaves.prefixes);
  private readonly context = new MatchContext(this.leaves);
  private readonly termCost: TermCost;
  private readonly slotOf = new Map<string, number>();
  /** Per slot: the compiled rule, its id and its insertion order (undefined when free). */
  private readonly codes: (RuleCode | undefined)[] = [];
  private readonly ids: string[] = [];
  private readonly order: number[] = [];
  private readonly freeSlots: number[] = [];
  /** Rules without an anchor: checked against every story. */
  private readonly unanchored = new Set<number>();
  private nextOrder = 0;

  constructor(options: RuleIndexOptions = {}) {
    const frequency = options.documentFrequency;
    this.termCost =
      frequency === undefined ? (term) => 1 / (1 + term.length) : (term) => frequency(term);
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
    const code = compileRule(rule.root, this.leaves);
    const slot = this.freeSlots.pop() ?? this.codes.length;
    this.codes[slot] = code;
    this.ids[slot] = id;
    this.order[slot] = this.nextOrder++;
    this.slotOf.set(id, slot);
    const anchors = this.anchorsOf(code);
    if (anchors === null) this.unanchored.add(slot);
    else for (const anchor of anchors) this.postings.add(anchor, slot);
  }

  /** Removes a rule; false when there was none with this id. */
  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    const code = this.codes[slot]!;
    const anchors = this.anchorsOf(code);
    if (anchors === null) this.unanchored.delete(slot);
    else for (const anchor of anchors) this.postings.remove(anchor, slot);
    releaseRule(code, this.leaves);
    this.codes[slot] = undefined;
    this.ids[slot] = '';
    this.slotOf.delete(id);
    this.freeSlots.push(slot);
    return true;
  }

  /** Ids of the rules that match the story, in the order the rules were added. */
  match(story: TokenizedStory): string[] {
    return this.matchWithStats(story).ids;
  }

  /** Like `match`, plus how many candidate rules were verified. */
  matchWithStats(story: TokenizedStory): { ids: string[]; candidates: number } {
    const context = this.context;
    context.begin(getStoryLookup(story), this.codes.length);
    const candidates = this.collectCandidates(story);
    const matched: number[] = [];
    for (const slot of candidates) {
      if (runRule(this.codes[slot]!, context)) matched.push(slot);
    }
    matched.sort((a, b) => this.order[a]! - this.order[b]!);
    return { ids: matched.map((slot) => this.ids[slot]!), candidates: candidates.length };
  }

  private anchorsOf(code: RuleCode): Anchor[] | null {
    return chooseAnchors(code, this.leaves, this.termCost);
  }

  private collectCandidates(story: TokenizedStory): number[] {
    const context = this.context;
    const lookup = context.lookup!;
    const { postings } = this;
    const candidates: number[] = [];
    const epoch = context.epoch;
    const stamps = context.slotStamp;
    const addAll = (list: readonly number[] | undefined): void => {
      if (list === undefined) return;
      for (const slot of list) {
        if (stamps[slot] !== epoch) {
          stamps[slot] = epoch;
          candidates.push(slot);
        }
      }
    };
    const addScoped = (scoped: ScopedPostings, mask: number): void => {
      addAll(scoped[0]);
      if (mask & 1) addAll(scoped[1]);
      if (mask & 2) addAll(scoped[2]);
      if (mask & 4) addAll(scoped[3]);
    };
    if (postings.stems.size > 0) {
      for (const [stem, entry] of lookup.stems) {
        const scoped = postings.stems.get(stem);
        if (scoped !== undefined) addScoped(scoped, entry.mask);
      }
    }
    if (postings.tokens.size > 0) {
      for (const [token, entry] of lookup.tokens) {
        const scoped = postings.tokens.get(token);
        if (scoped !== undefined) addScoped(scoped, entry.mask);
      }
    }
    const prefixes = this.leaves.prefixes;
    if (prefixes.size > 0) {
      // Every prefix any rule uses is marked with the fields it occurs in, for verification;
      // those with anchored rules add them.
      const touched: PrefixData[] = [];
      for (const entry of lookup.tokens.values()) {
        prefixes.forEachPrefixOf(entry.token, (prefix) => {
          if (context.notePrefix(prefix.value.id, entry.mask)) touched.push(prefix.value);
        });
      }
      for (const data of touched) {
        if (data.postings.length > 0) addScoped(data.postings, context.prefixMaskOf(data.id));
      }
    }
    for (const value of story.tagValues) {
      addAll(postings.tags.get(value));
      postings.tagPrefixes.forEachPrefixOf(value, (entry) => addAll(entry.value));
    }
    if (story.section !== null) {
      addAll(postings.sections.get(story.section));
      postings.sectionPrefixes.forEachPrefixOf(story.section, (entry) => addAll(entry.value));
    }
    for (const slot of this.unanchored) addAll([slot]);
    return candidates;
  }
}
