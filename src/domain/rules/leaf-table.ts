import { type PrefixEntry, PrefixTable } from './prefix-table.js';
import type { ScopedPostings } from './rule-postings.js';

export const WORD = 0;
export const PHRASE = 1;
export const PREFIX = 2;
export const TAG = 3;
export const TAG_PREFIX = 4;
export const SECTION = 5;
export const SECTION_PREFIX = 6;
export const NEAR = 7;

/** What a story-independent prefix entry holds: its id and the rules anchored on it. */
export interface PrefixData {
  readonly id: number;
  /** How many leaves use this prefix. */
  refs: number;
  readonly postings: ScopedPostings;
}

/** A leaf condition shared by every rule that uses it (interned by `key`). */
export interface Leaf {
  readonly id: number;
  readonly key: string;
  readonly kind: number;
  /** Field bits a text leaf may match in (`story-lookup.ts`); 0 for tags and sections. */
  readonly mask: number;
  /** The stem (word), the prefix, the joined tag or section value, or the phrase's text. */
  readonly term: string;
  /** A phrase's tokens; one token for words and prefixes. */
  readonly tokens: readonly string[];
  readonly left: Leaf | null;
  readonly right: Leaf | null;
  readonly distance: number;
  readonly prefixEntry: PrefixEntry<PrefixData> | null;
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

function keyOf(spec: LeafSpec): string {
  if (spec.kind === NEAR)
    return `${NEAR}|${spec.distance}|${keyOf(spec.left!)}|${keyOf(spec.right!)}`;
  return `${spec.kind}|${spec.mask}|${spec.term}`;
}

/**
 * Interns leaves so that rules share them (less memory, and a leaf is evaluated once per
 * story however many candidate rules use it). Reference counts free them on removal.
 */
export class LeafTable {
  private readonly byKey = new Map<string, Leaf>();
  private readonly byId: (Leaf | undefined)[] = [];
  private readonly freeIds: number[] = [];
  private readonly freePrefixIds: number[] = [];
  private prefixIdCount = 0;
  /** Every text prefix any rule uses, so a story finds them all in one pass. */
  readonly prefixes = new PrefixTable<PrefixData>();

  get capacity(): number {
    return this.byId.length;
  }

  get prefixCapacity(): number {
    return this.prefixIdCount;
  }

  leafById(id: number): Leaf {
    return this.byId[id]!;
  }

  acquire(spec: LeafSpec): Leaf {
    const key = keyOf(spec);
    let leaf = this.byKey.get(key);
    if (leaf === undefined) {
      // Operands first: they take ids of their own.
      const left = spec.left === undefined ? null : this.acquire(spec.left);
      const right = spec.right === undefined ? null : this.acquire(spec.right);
      const id = this.freeIds.pop() ?? this.byId.length;
      leaf = {
        id,
        key,
        kind: spec.kind,
        mask: spec.mask,
        term: spec.term,
        tokens: spec.tokens,
        left,
        right,
        distance: spec.distance ?? 0,
        prefixEntry: spec.kind === PREFIX ? this.acquirePrefix(spec.term) : null,
        refs: 0,
      };
      this.byKey.set(key, leaf);
      this.byId[id] = leaf;
    }
    leaf.refs++;
    return leaf;
  }

  release(leaf: Leaf): void {
    leaf.refs--;
    if (leaf.refs > 0) return;
    this.byKey.delete(leaf.key);
    this.byId[leaf.id] = undefined;
    this.freeIds.push(leaf.id);
    if (leaf.left !== null) this.release(leaf.left);
    if (leaf.right !== null) this.release(leaf.right);
    if (leaf.prefixEntry !== null) {
      const data = leaf.prefixEntry.value;
      data.refs--;
      if (data.refs === 0) {
        this.prefixes.delete(leaf.prefixEntry);
        this.freePrefixIds.push(data.id);
      }
    }
  }

  private acquirePrefix(prefix: string): PrefixEntry<PrefixData> {
    let entry = this.prefixes.get(prefix);
    if (entry === undefined) {
      const id = this.freePrefixIds.pop() ?? this.prefixIdCount++;
      entry = this.prefixes.insert(prefix, { id, refs: 0, postings: [] });
    }
    entry.value.refs++;
    return entry;
  }
}
