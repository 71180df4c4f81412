import { type PrefixEntry, PrefixTable } from './prefix-table.js';

/**
 * Rule slots anchored on one text key, per scope (0 any field, 1 headline, 2 summary,
 * 3 body). For a word key, slots 0-3 hold rules anchored on it as a stem and 4-7 as an
 * exact token (phrases), so one lookup per story token serves both.
 */
export type ScopedPostings = (number[] | undefined)[];

/**
 * A word the rules use, as a stem (words) or an exact token (phrases). Its id indexes the
 * per-story arrays of `MatchContext`; its postings list the rules anchored on it.
 */
export interface WordEntry {
  readonly id: number;
  refs: number;
  readonly postings: ScopedPostings;
}

/** A prefix the rules use (`p*`), with the rules anchored on it. */
export interface PrefixData {
  readonly id: number;
  refs: number;
  readonly postings: ScopedPostings;
}

/**
 * The words and prefixes of every indexed rule, with small integer ids. A story finds its
 * entries once (one lookup per distinct token), so leaves then test by id.
 */
export class TermDictionary {
  readonly words = new Map<string, WordEntry>();
  readonly prefixes = new PrefixTable<PrefixData>();
  private readonly freeWordIds: number[] = [];
  private readonly freePrefixIds: number[] = [];
  private wordIdCount = 0;
  private prefixIdCount = 0;
  /** Changes whenever a word or prefix is added or dropped (not when postings change). */
  version = 0;

  get wordCapacity(): number {
    return this.wordIdCount;
  }

  get prefixCapacity(): number {
    return this.prefixIdCount;
  }

  acquireWord(term: string): WordEntry {
    let entry = this.words.get(term);
    if (entry === undefined) {
      const id = this.freeWordIds.pop() ?? this.wordIdCount++;
      entry = { id, refs: 0, postings: [] };
      this.words.set(term, entry);
      this.version++;
    }
    entry.refs++;
    return entry;
  }

  releaseWord(term: string): void {
    const entry = this.words.get(term)!;
    entry.refs--;
    if (entry.refs > 0) return;
    this.words.delete(term);
    this.version++;
    this.freeWordIds.push(entry.id);
  }

  acquirePrefix(prefix: string): PrefixEntry<PrefixData> {
    let entry = this.prefixes.get(prefix);
    if (entry === undefined) {
      const id = this.freePrefixIds.pop() ?? this.prefixIdCount++;
      entry = this.prefixes.insert(prefix, { id, refs: 0, postings: [] });
      this.version++;
    }
    entry.value.refs++;
    return entry;
  }

  releasePrefix(entry: PrefixEntry<PrefixData>): void {
    entry.value.refs--;
    if (entry.value.refs > 0) return;
    this.prefixes.delete(entry);
    this.version++;
    this.freePrefixIds.push(entry.value.id);
  }
}
