/**
 * A fixed-capacity FIFO: pushing into a full buffer evicts the oldest entry. O(1) per push, no
 * array shifting, so 100k inserts stay cheap. Storage grows with use (a role that sends little
 * costs little) and never beyond the capacity. Plain Node: never import `vscode` here.
 */
export class RingBuffer<T> {
  private slots: T[] = [];
  /** Index of the oldest entry; moves only once the buffer is full. */
  private start = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`RingBuffer capacity must be a positive integer, got ${capacity}`);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  /** Adds an entry; returns the entry it evicted, if the buffer was full. */
  push(value: T): T | undefined {
    if (this.slots.length < this.capacity) {
      this.slots.push(value);
      return undefined;
    }
    const evicted = this.slots[this.start];
    this.slots[this.start] = value;
    this.start = (this.start + 1) % this.capacity;
    return evicted;
  }

  /** Oldest first. */
  *[Symbol.iterator](): IterableIterator<T> {
    const length = this.slots.length;
    for (let index = 0; index < length; index++) {
      yield this.slots[(this.start + index) % length];
    }
  }

  toArray(): T[] {
    return [...this];
  }

  clear(): void {
    this.slots = [];
    this.start = 0;
  }
}
