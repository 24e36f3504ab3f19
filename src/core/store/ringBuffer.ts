/**
 * A fixed-capacity FIFO: pushing into a full buffer evicts the oldest entry, and the oldest can be
 * taken out early (the store's byte budget does). O(1) per push and shift, no array shifting, so
 * 100k inserts stay cheap. Storage grows with use (a role that sends little costs little) and
 * never beyond the capacity. Plain Node: never import `vscode` here.
 */
export class RingBuffer<T> {
  private slots: (T | undefined)[] = [];
  /** Index of the oldest entry. */
  private head = 0;
  private length = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`RingBuffer capacity must be a positive integer, got ${capacity}`);
    }
  }

  get size(): number {
    return this.length;
  }

  /** Adds an entry; returns the entry it evicted, if the buffer was full. */
  push(value: T): T | undefined {
    if (this.length === this.capacity) {
      const evicted = this.slots[this.head] as T;
      this.slots[this.head] = value;
      this.head = (this.head + 1) % this.capacity;
      return evicted;
    }
    // Until the slots reach the capacity the entries never wrap, so the tail is at most slots.length.
    const tail = (this.head + this.length) % this.capacity;
    if (tail === this.slots.length) this.slots.push(value);
    else this.slots[tail] = value;
    this.length++;
    return undefined;
  }

  /** Takes the oldest entry out (its slot no longer references it). */
  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const oldest = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.length--;
    if (this.length === 0) this.clear();
    return oldest;
  }

  /** Oldest first. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let index = 0; index < this.length; index++) {
      yield this.slots[(this.head + index) % this.capacity] as T;
    }
  }

  toArray(): T[] {
    return [...this];
  }

  clear(): void {
    this.slots = [];
    this.head = 0;
    this.length = 0;
  }
}
