/** One prefix of a `PrefixTable` and the value kept with it. */
export interface PrefixEntry<T> {
  readonly prefix: string;
  readonly hash: number;
  readonly value: T;
}

const INITIAL_FILTER_SLOTS = 1 << 8;
/** The filter keeps at least this many slots per prefix, so few probes pass it falsely. */
const FILTER_SLOTS_PER_PREFIX = 16;

/** The polynomial hash of `text`'s first `length` UTF-16 units. */
function hashPrefix(text: string, length: number): number {
  let hash = 0;
  for (let i = 0; i < length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

function filterSlot(hash: number, slots: number): number {
  return (hash ^ (hash >>> 15)) & (slots - 1);
}

/**
 * A set of prefixes that finds every prefix a text starts with by hashing the text's
 * leading characters once, probing only the lengths present, behind a bit filter so
 * that most probes cost one array read. Inserts and deletes work in place.
 */
export class PrefixTable<T> {
  private readonly byHash = new Map<number, PrefixEntry<T>[]>();
  private readonly lengthCounts: number[] = [];
  /** Prefixes per filter slot (by hash), so deletes know when a slot empties. */
  private filterCounts = new Uint32Array(INITIAL_FILTER_SLOTS);
  /** One bit per filter slot: small enough to stay in cache while a story is scanned. */
  private filter = new Int32Array(INITIAL_FILTER_SLOTS / 32);
  private longest = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(prefix: string): PrefixEntry<T> | undefined {
    const bucket = this.byHash.get(hashPrefix(prefix, prefix.length));
    return bucket?.find((entry) => entry.prefix === prefix);
  }

  /** Adds a prefix that is not in the table yet. */
  insert(prefix: string, value: T): PrefixEntry<T> {
    const hash = hashPrefix(prefix, prefix.length);
    const entry: PrefixEntry<T> = { prefix, hash, value };
    const bucket = this.byHash.get(hash);
    if (bucket === undefined) this.byHash.set(hash, [entry]);
    else bucket.push(entry);
    this.lengthCounts[prefix.length] = (this.lengthCounts[prefix.length] ?? 0) + 1;
    this.countInFilter(hash, 1);
    this.longest = Math.max(this.longest, prefix.length);
    this.count++;
    if (this.count * FILTER_SLOTS_PER_PREFIX > this.filterCounts.length) this.growFilter();
    return entry;
  }

  delete(entry: PrefixEntry<T>): void {
    const bucket = this.byHash.get(entry.hash);
    const index = bucket?.indexOf(entry) ?? -1;
    if (bucket === undefined || index < 0) return;
    bucket.splice(index, 1);
    if (bucket.length === 0) this.byHash.delete(entry.hash);
    this.lengthCounts[entry.prefix.length]!--;
    this.countInFilter(entry.hash, -1);
    this.count--;
  }

  /** Appends to `found` every prefix in the table that `text` starts with. */
  collectPrefixesOf(text: string, found: PrefixEntry<T>[]): void {
    const limit = Math.min(text.length, this.longest);
    const { lengthCounts, filter } = this;
    const slots = this.filterCounts.length;
    let hash = 0;
    for (let i = 0; i < limit; i++) {
      hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
      if (!lengthCounts[i + 1]) continue;
      const slot = filterSlot(hash, slots);
      if ((filter[slot >>> 5]! & (1 << (slot & 31))) === 0) continue;
      const bucket = this.byHash.get(hash);
      if (bucket === undefined) continue;
      for (const entry of bucket) {
        if (entry.prefix.length === i + 1 && text.startsWith(entry.prefix)) found.push(entry);
      }
    }
  }

  private countInFilter(hash: number, change: number): void {
    const slot = filterSlot(hash, this.filterCounts.length);
    this.filterCounts[slot]! += change;
    if (this.filterCounts[slot] === 0) this.filter[slot >>> 5]! &= ~(1 << (slot & 31));
    else this.filter[slot >>> 5]! |= 1 << (slot & 31);
  }

  private growFilter(): void {
    const slots = this.filterCounts.length * 2;
    this.filterCounts = new Uint32Array(slots);
    this.filter = new Int32Array(slots / 32);
    for (const [hash, bucket] of this.byHash) {
      for (let i = 0; i < bucket.length; i++) this.countInFilter(hash, 1);
    }
  }
}
