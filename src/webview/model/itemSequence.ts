/**
 * Items of one kind in arrival order. Evicted items are removed lazily: the array keeps them until
 * a compaction, which bumps `generation` so views that index into it start over. Appends never
 * move existing entries, so a view can scan only what is new since its last frame.
 */
import type { PanelItem } from '../../shared/messages';

export class ItemSequence {
  private entries: PanelItem[] = [];
  private deadCount = 0;
  /** Changes when indexes into `all` are no longer valid (clear or compaction). */
  generation = 0;
  /** Changes on every append or eviction. */
  revision = 0;
  /** Changes on every eviction (views holding filtered copies drop dead entries then). */
  evictionRevision = 0;

  /** Every entry since the last compaction, dead ones included; check `isAlive`. */
  get all(): readonly PanelItem[] {
    return this.entries;
  }

  get aliveCount(): number {
    return this.entries.length - this.deadCount;
  }

  push(item: PanelItem): void {
    this.entries.push(item);
    this.revision++;
  }

  /**
   * Items older than some already here (a snapshot's backfill, issue 20), ascending by seq: inserted
   * where their seqs belong, so `all` stays in seq order as if they had come first. Indexes into
   * `all` move, so `generation` changes.
   */
  insertOlder(items: readonly PanelItem[]): void {
    if (items.length === 0) return;
    const last = items[items.length - 1]!.seq;
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.entries[middle]!.seq < last) low = middle + 1;
      else high = middle;
    }
    this.entries =
      low === this.entries.length ? this.entries.concat(items) : this.entries.slice(0, low).concat(items, this.entries.slice(low));
    this.generation++;
    this.revision++;
  }

  /** Records that `count` entries died; compacts when more than half the array is dead. */
  markEvicted(count: number, isAlive: (item: PanelItem) => boolean): void {
    if (count === 0) return;
    this.deadCount += count;
    this.revision++;
    this.evictionRevision++;
    if (this.deadCount > 1024 && this.deadCount * 2 > this.entries.length) {
      this.entries = this.entries.filter(isAlive);
      this.deadCount = 0;
      this.generation++;
    }
  }

  clear(): void {
    this.entries = [];
    this.deadCount = 0;
    this.generation++;
    this.revision++;
    this.evictionRevision++;
  }
}
