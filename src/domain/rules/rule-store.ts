/**
 * The compiled rules of an index, packed one after the other in a single Int32Array so
 * that verifying a candidate touches one small run of memory. Slots are reused after
 * removal; the array is compacted when half of it is garbage.
 */
export class RuleStore {
  heap = new Int32Array(1024);
  private used = 0;
  private garbage = 0;
  /** Per slot: where its code starts in `heap` (-1 when free) and how long it is. */
  private starts = new Int32Array(64);
  private lengths = new Int32Array(64);
  /** Per slot: the rule id and the rule's insertion order. */
  readonly ids: string[] = [];
  order = new Float64Array(64);
  private readonly freeSlots: number[] = [];
  private slotCount = 0;
  private nextOrder = 0;

  /** One past the highest slot ever used. */
  get capacity(): number {
    return this.slotCount;
  }

  /** Above every order given so far. */
  get orderBound(): number {
    return this.nextOrder;
  }

  start(slot: number): number {
    return this.starts[slot]!;
  }

  /** Stores a compiled rule and returns its slot. */
  store(id: string, code: readonly number[]): number {
    const slot = this.freeSlots.pop() ?? this.slotCount++;
    if (slot >= this.starts.length) this.growSlots();
    if (this.used + code.length > this.heap.length) this.growHeap(code.length);
    this.heap.set(code, this.used);
    this.starts[slot] = this.used;
    this.lengths[slot] = code.length;
    this.used += code.length;
    this.ids[slot] = id;
    this.order[slot] = this.nextOrder++;
    return slot;
  }

  release(slot: number): void {
    this.garbage += this.lengths[slot]!;
    this.starts[slot] = -1;
    this.ids[slot] = '';
    this.freeSlots.push(slot);
    if (this.garbage > 4096 && this.garbage * 2 > this.used) this.compact();
  }

  private growSlots(): void {
    const size = this.starts.length * 2;
    this.starts = copyInto(new Int32Array(size), this.starts);
    this.lengths = copyInto(new Int32Array(size), this.lengths);
    this.order = copyInto(new Float64Array(size), this.order);
  }

  private growHeap(extra: number): void {
    let size = this.heap.length * 2;
    while (size < this.used + extra) size *= 2;
    this.heap = copyInto(new Int32Array(size), this.heap.subarray(0, this.used));
  }

  /** Moves every live rule to the front of a fresh array. */
  private compact(): void {
    const heap = new Int32Array(Math.max(1024, (this.used - this.garbage) * 2));
    let used = 0;
    for (let slot = 0; slot < this.slotCount; slot++) {
      const start = this.starts[slot]!;
      if (start < 0) continue;
      const length = this.lengths[slot]!;
      heap.set(this.heap.subarray(start, start + length), used);
      this.starts[slot] = used;
      used += length;
    }
    this.heap = heap;
    this.used = used;
    this.garbage = 0;
  }
}

function copyInto<T extends Int32Array | Float64Array>(target: T, source: ArrayLike<number>): T {
  target.set(source);
  return target;
}
