import type { PrefixEntry } from './prefix-table.js';
import type { PrefixData, ScopedPostings, TermDictionary, WordEntry } from './term-dictionary.js';

/**
 * What the dictionary holds for one story token: its word, its stem's word (the same when
 * the token is its own stem), its prefixes. Word ids are -1 when absent; ids and postings
 * are copied out of the entries so a story reads one object per token.
 */
export interface TokenTerms {
  readonly wordId: number;
  readonly wordPostings: ScopedPostings;
  readonly stemId: number;
  readonly stemPostings: ScopedPostings;
  readonly prefixes: readonly PrefixData[];
}

/** Past this many tokens the cache starts over (story vocabularies repeat, so it refills). */
const CACHE_LIMIT = 1 << 16;

const NO_PREFIXES: readonly PrefixData[] = [];
const NO_POSTINGS: ScopedPostings = [];

/**
 * Remembers, per token, its dictionary entries and the prefixes it starts with, so a token
 * seen in an earlier story costs one lookup instead of two plus a prefix probe. The cache
 * is dropped whenever the dictionary gains or loses a word or prefix (`version`); entries
 * themselves stay the same objects while they live, and their postings change in place.
 */
export class TokenTermCache {
  private readonly cache = new Map<string, TokenTerms>();
  private version = -1;
  private readonly found: PrefixEntry<PrefixData>[] = [];

  constructor(private readonly terms: TermDictionary) {}

  /** Makes the cache valid for the dictionary as it is now; call once per story. */
  refresh(): void {
    if (this.version !== this.terms.version || this.cache.size > CACHE_LIMIT) {
      this.cache.clear();
      this.version = this.terms.version;
    }
  }

  /** The entries of `token`, whose stem is `stem`. */
  lookup(token: string, stem: string): TokenTerms {
    const cached = this.cache.get(token);
    if (cached !== undefined) return cached;
    const { words, prefixes } = this.terms;
    const word = words.get(token);
    const stemWord = stem === token ? word : words.get(stem);
    let found: readonly PrefixData[] = NO_PREFIXES;
    if (prefixes.size > 0) {
      const entries = this.found;
      entries.length = 0;
      prefixes.collectPrefixesOf(token, entries);
      if (entries.length > 0) found = entries.map((entry) => entry.value);
    }
    const terms: TokenTerms = {
      wordId: idOf(word),
      wordPostings: word?.postings ?? NO_POSTINGS,
      stemId: idOf(stemWord),
      stemPostings: stemWord?.postings ?? NO_POSTINGS,
      prefixes: found,
    };
    this.cache.set(token, terms);
    return terms;
  }
}

function idOf(entry: WordEntry | undefined): number {
  return entry === undefined ? -1 : entry.id;
}
