/** One prefix of a `PrefixTable` and the value kept with it. */
export interface PrefixEntry<T> {
  readonly prefix: string;
  /** The longest other prefix in the table that this one starts with. */
  parent: PrefixEntry<T> | null;
  readonly value: T;
}

/**
 * A sorted array of prefixes that finds, for any text, every prefix it starts with in
 * one binary search plus a walk up the parent chain. Inserts and deletes keep it sorted
 * in place.
 */
export class PrefixTable<T> {
  private readonly sorted: PrefixEntry<T>[] = [];

  get size(): number {
    return this.sorted.length;
  }

  get(prefix: string): PrefixEntry<T> | undefined {
    const index = this.upperBound(prefix) - 1;
    const entry = this.sorted[index];
    return entry !== undefined && entry.prefix === prefix ? entry : undefined;
  }

  /** Adds a prefix that is not in the table yet. */
  insert(prefix: string, value: T): PrefixEntry<T> {
    let parent: PrefixEntry<T> | null = null;
    this.forEachPrefixOf(prefix, (entry) => {
      parent ??= entry;
    });
    const entry: PrefixEntry<T> = { prefix, parent, value };
    const index = this.upperBound(prefix);
    this.sorted.splice(index, 0, entry);
    // The prefixes that extend this one follow it directly in sorted order.
    for (let i = index + 1; i < this.sorted.length; i++) {
      const other = this.sorted[i]!;
      if (!other.prefix.startsWith(prefix)) break;
      if (other.parent === null || other.parent.prefix.length < prefix.length) other.parent = entry;
    }
    return entry;
  }

  delete(entry: PrefixEntry<T>): void {
    const index = this.upperBound(entry.prefix) - 1;
    if (this.sorted[index] !== entry) return;
    for (let i = index + 1; i < this.sorted.length; i++) {
      const other = this.sorted[i]!;
      if (!other.prefix.startsWith(entry.prefix)) break;
      if (other.parent === entry) other.parent = entry.parent;
    }
    this.sorted.splice(index, 1);
  }

  /** Calls `visit` for every prefix in the table that `text` starts with, longest first. */
  forEachPrefixOf(text: string, visit: (entry: PrefixEntry<T>) => void): void {
    // Every prefix of `text` sorts at or before it, so it is a prefix of the last entry
    // that does: the answer is on that entry's parent chain.
    let entry = this.sorted[this.upperBound(text) - 1] ?? null;
    if (entry === null) return;
    if (!text.startsWith(entry.prefix)) {
      const shared = commonPrefixLength(text, entry.prefix);
      while (entry !== null && entry.prefix.length > shared) entry = entry.parent;
    }
    for (; entry !== null; entry = entry.parent) visit(entry);
  }

  /** The first index whose prefix sorts after `text`. */
  private upperBound(text: string): number {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.sorted[middle]!.prefix <= text) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let i = 0;
  while (i < limit && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
