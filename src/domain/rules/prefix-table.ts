/** One prefix of a `PrefixTable` and the value kept with it. */
export interface PrefixEntry<T> {
  readonly prefix: string;
  readonly hash: number;
  readonly value: T;
}

const EMPTY = 0;
const DELETED = -1;
const INITIAL_SLOTS = 64;

/** The polynomial hash of `text`'s first `length` UTF-16 units. */
function hashPrefix(text: string, length: number): number {
  let hash = 0;
  for (let i = 0; i < length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

function firstSlot(hash: number, mask: number): number {
  return Math.imul(hash ^ (hash >>> 16), 0x45d9f3b) & mask;
}

/**
 * A set of prefixes that finds every prefix a text starts with: it hashes the text's
 * leading characters once and, at each length some prefix has, probes an open-addressing
 * table of small integers (empty slots end most probes at once). Inserts and deletes
 * work in place.
 */
export class PrefixTable<T> {
  private readonly entries: (PrefixEntry<T> | undefined)[] = [];
  private readonly freeEntries: number[] = [];
  /** Slots hold an entry index + 1, `EMPTY`, or `DELETED`. */
  private slots = new Int32Array(INITIAL_SLOTS);
  private occupied = 0;
  private count = 0;
  private readonly lengthCounts: number[] = [];
  private longest = 0;

  get size(): number {
    return this.count;
  }

  get(prefix: string): PrefixEntry<T> | undefined {
    const slot = this.findSlot(prefix, hashPrefix(prefix, prefix.length));
    return slot < 0 ? undefined : this.entries[this.slots[slot]! - 1];
  }

  /** Adds a prefix that is not in the table yet. */
  insert(prefix: string, value: T): PrefixEntry<T> {
    if ((this.occupied + 1) * 2 > this.slots.length) this.rehash();
    const hash = hashPrefix(prefix, prefix.length);
    const entry: PrefixEntry<T> = { prefix, hash, value };
    const index = this.freeEntries.pop() ?? this.entries.length;
    this.entries[index] = entry;
    const mask = this.slots.length - 1;
    let slot = firstSlot(hash, mask);
    while (this.slots[slot]! > 0) slot = (slot + 1) & mask;
    if (this.slots[slot] === EMPTY) this.occupied++;
    this.slots[slot] = index + 1;
    this.lengthCounts[prefix.length] = (this.lengthCounts[prefix.length] ?? 0) + 1;
    this.longest = Math.max(this.longest, prefix.length);
    this.count++;
    return entry;
  }

  delete(entry: PrefixEntry<T>): void {
    const slot = this.findSlot(entry.prefix, entry.hash);
    if (slot < 0) return;
    const index = this.slots[slot]! - 1;
    this.slots[slot] = DELETED;
    this.entries[index] = undefined;
    this.freeEntries.push(index);
    this.lengthCounts[entry.prefix.length]!--;
    this.count--;
  }

  /** Appends to `found` every prefix in the table that `text` starts with. */
  collectPrefixesOf(text: string, found: PrefixEntry<T>[]): void {
    const limit = Math.min(text.length, this.longest);
    const { lengthCounts, slots, entries } = this;
    const mask = slots.length - 1;
    let hash = 0;
    for (let i = 0; i < limit; i++) {
      hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
      if (!lengthCounts[i + 1]) continue;
      for (let slot = firstSlot(hash, mask); slots[slot] !== EMPTY; slot = (slot + 1) & mask) {
        const index = slots[slot]!;
        if (index === DELETED) continue;
        const entry = entries[index - 1]!;
        if (entry.hash === hash && entry.prefix.length === i + 1 && text.startsWith(entry.prefix)) {
          found.push(entry);
        }
      }
    }
  }

  private findSlot(prefix: string, hash: number): number {
    const mask = this.slots.length - 1;
    for (let slot = firstSlot(hash, mask); this.slots[slot] !== EMPTY; slot = (slot + 1) & mask) {
      const index = this.slots[slot]!;
      if (index !== DELETED && this.entries[index - 1]!.prefix === prefix) return slot;
    }
    return -1;
  }

  /** Rebuilds the slots at a size with room to spare, dropping deleted markers. */
  private rehash(): void {
    let size = INITIAL_SLOTS;
    while (size < (this.count + 1) * 4) size *= 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    this.entries.forEach((entry, index) => {
      if (entry === undefined) return;
      let slot = firstSlot(entry.hash, mask);
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = index + 1;
    });
    this.slots = slots;
    this.occupied = this.count;
  }
}
