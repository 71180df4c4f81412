import { NEAR, PHRASE, PREFIX, WORD } from './leaf-kinds.js';
import type { PrefixEntry } from './prefix-table.js';
import { type AnchorChoice, chooseLeafAnchors, type TermCost } from './rule-anchors.js';
import { stemToken } from './stem.js';
import { type PrefixData, TermDictionary, type WordEntry } from './term-dictionary.js';

export * from './leaf-kinds.js';

/** A leaf condition shared by every rule that uses it (interned by `group` and `key`). */
export interface Leaf {
  readonly id: number;
  /** Leaves are interned per kind and mask (`group`) by their term (`key`). */
  readonly group: number;
  readonly key: string;
  readonly kind: number;
  /** Field bits a text leaf may match in (`story-lookup.ts`); 0 for tags and sections. */
  readonly mask: number;
  /** The stem (word), the prefix, the joined tag or section value, or the phrase's text. */
  readonly term: string;
  /** A phrase's tokens; one token for words and prefixes. */
  readonly tokens: readonly string[];
  /** For a word: every token whose stem is `term` (see `listStemVariants`). */
  readonly variants: readonly string[];
  /** A word's stem, or a phrase's tokens, in the dictionary. */
  readonly words: readonly WordEntry[];
  readonly left: Leaf | null;
  readonly right: Leaf | null;
  readonly distance: number;
  readonly prefixEntry: PrefixEntry<PrefixData> | null;
  /** The anchors this leaf offers its rules, chosen once (`rule-anchors.ts`). */
  readonly anchors: AnchorChoice;
  refs: number;
}

/** What a leaf is, before interning. */
export interface LeafSpec {
  kind: number;
  mask: number;
  term: string;
  tokens: readonly string[];
  left?: LeafSpec;
  right?: LeafSpec;
  distance?: number;
}

/**
 * Every token `x` with `stemToken(x) === stem`. The stemmer only strips `s`, or `es` to
 * `e`, or `ies` to `y`, so `x` is the stem itself, the stem plus `s`, or (for a stem in
 * `y`) the stem with `ies` for `y`; each candidate is checked against the stemmer.
 */
export function listStemVariants(stem: string): string[] {
  const candidates = [stem, `${stem}s`];
  if (stem.endsWith('y')) candidates.push(`${stem.slice(0, -1)}ies`);
  return candidates.filter((candidate) => stemToken(candidate) === stem);
}

/** The interning group of a leaf: its kind and field mask. */
function groupOf(spec: LeafSpec): number {
  return spec.kind * 16 + spec.mask;
}

/** The interning key within a group: the term, or for NEAR its distance and operands. */
function keyOf(spec: LeafSpec): string {
  if (spec.kind !== NEAR) return spec.term;
  const left = spec.left!;
  const right = spec.right!;
  return `${spec.distance}|${groupOf(left)}|${left.term}|${groupOf(right)}|${right.term}`;
}

/**
 * Interns leaves so that rules share them (less memory, and a leaf is evaluated once per
 * story however many candidate rules use it). Reference counts free them on removal.
 */
export class LeafTable {
  private readonly groups = new Map<number, Map<string, Leaf>>();
  private readonly byId: (Leaf | undefined)[] = [];
  private readonly freeIds: number[] = [];
  /** Every word and text prefix any rule uses, so a story finds them all in one pass. */
  readonly terms = new TermDictionary();
  /**
   * Per leaf id, what testing a word or prefix leaf needs without touching its object:
   * the kind, the field mask, and the dictionary id of its stem or prefix.
   */
  kinds = new Uint8Array(256);
  masks = new Uint8Array(256);
  args = new Int32Array(256);

  constructor(private readonly cost: TermCost) {}

  get capacity(): number {
    return this.byId.length;
  }

  leafById(id: number): Leaf {
    return this.byId[id]!;
  }

  acquire(spec: LeafSpec): Leaf {
    const group = groupOf(spec);
    const key = keyOf(spec);
    let byKey = this.groups.get(group);
    if (byKey === undefined) {
      byKey = new Map();
      this.groups.set(group, byKey);
    }
    let leaf = byKey.get(key);
    if (leaf === undefined) {
      // Operands first: they take ids of their own.
      const left = spec.left === undefined ? null : this.acquire(spec.left);
      const right = spec.right === undefined ? null : this.acquire(spec.right);
      const id = this.freeIds.pop() ?? this.byId.length;
      const words = this.acquireWords(spec);
      const prefixEntry = spec.kind === PREFIX ? this.terms.acquirePrefix(spec.term) : null;
      const variants = spec.kind === WORD ? listStemVariants(spec.term) : [];
      const anchors = chooseLeafAnchors({ ...spec, left, right }, this.cost);
      leaf = {
        id,
        group,
        key,
        kind: spec.kind,
        mask: spec.mask,
        term: spec.term,
        tokens: spec.tokens,
        variants,
        words,
        left,
        right,
        distance: spec.distance ?? 0,
        prefixEntry,
        anchors,
        refs: 0,
      };
      byKey.set(key, leaf);
      this.byId[id] = leaf;
      this.describe(leaf);
    }
    leaf.refs++;
    return leaf;
  }

  release(leaf: Leaf): void {
    leaf.refs--;
    if (leaf.refs > 0) return;
    this.groups.get(leaf.group)!.delete(leaf.key);
    this.byId[leaf.id] = undefined;
    this.freeIds.push(leaf.id);
    if (leaf.left !== null) this.release(leaf.left);
    if (leaf.right !== null) this.release(leaf.right);
    if (leaf.prefixEntry !== null) this.terms.releasePrefix(leaf.prefixEntry);
    for (const term of wordTermsOf(leaf)) this.terms.releaseWord(term);
  }

  private describe(leaf: Leaf): void {
    if (leaf.id >= this.kinds.length) {
      const size = Math.max(this.kinds.length * 2, leaf.id + 1);
      this.kinds = grow(new Uint8Array(size), this.kinds);
      this.masks = grow(new Uint8Array(size), this.masks);
      this.args = grow(new Int32Array(size), this.args);
    }
    this.kinds[leaf.id] = leaf.kind;
    this.masks[leaf.id] = leaf.mask;
    this.args[leaf.id] = leaf.prefixEntry?.value.id ?? leaf.words[0]?.id ?? -1;
  }

  private acquireWords(spec: LeafSpec): WordEntry[] {
    return wordTermsOf(spec).map((term) => this.terms.acquireWord(term));
  }
}

/** The dictionary words of a leaf: a word's stem, a phrase's tokens. */
function wordTermsOf(leaf: {
  kind: number;
  term: string;
  tokens: readonly string[];
}): readonly string[] {
  if (leaf.kind === WORD) return [leaf.term];
  if (leaf.kind === PHRASE) return leaf.tokens;
  return [];
}

function grow<T extends Uint8Array | Int32Array>(target: T, source: T): T {
  target.set(source);
  return target;
}
