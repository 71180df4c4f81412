import type { PrefixEntry } from './prefix-table.js';
import type { PrefixData, TermDictionary, WordEntry } from './term-dictionary.js';

/** What the dictionary holds for one story token: its word, its stem's word, its prefixes. */
export interface TokenTerms {
  readonly word: WordEntry | undefined;
  /** The entry of the token's stem (the same as `word` when the token is its own stem). */
  readonly stemWord: WordEntry | undefined;
  readonly prefixes: readonly PrefixData[];
}

/** Tokens remembered at most; past it the cache starts over (story vocabularies repeat). */
const CACHE_LIMIT = 1 << 16;

const NO_PREFIXES: readonly PrefixData[] = [];

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
    const terms: TokenTerms = { word, stemWord, prefixes: found };
    this.cache.set(token, terms);
    return terms;
  }
}
