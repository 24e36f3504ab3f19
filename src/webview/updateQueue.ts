/**
 * Incoming snapshots and deltas, merged until the next frame applies them. Merging keeps the queue
 * bounded by what the host still holds: an item added and evicted before a frame never reaches the
 * model, a clear drops everything queued before it. So a burst, or a paused view, costs memory in
 * proportion to the host's ring buffers, not to the message rate.
 */
import { isItemDelivery, type ItemDelivery } from '../shared/delivery';
import type { HostToWebview, LiveSample, PanelItem } from '../shared/messages';
import type { TelemetryModel } from './model/telemetryModel';

type Snapshot = Extract<HostToWebview, { type: 'snapshot' }>;
type Delta = Extract<HostToWebview, { type: 'delta' }>;
type SnapshotChunk = Extract<HostToWebview, { type: 'snapshotChunk' }>;

/**
 * The older items a screenful-first snapshot still owes (issue 20). Evictions and delivery updates
 * for them can come before their chunk is applied; they are kept here (only seqs below the
 * snapshot's, so bounded by the host's store) and applied with the chunk.
 */
interface Backfill {
  readonly id: number;
  /** Seqs below this belong to the backfill (the snapshot's oldest seq). */
  readonly boundarySeq: number;
  /** Items the host has yet to send. */
  remaining: number;
  /** Received chunks not applied yet, oldest first. */
  readonly chunks: (readonly PanelItem[])[];
  queuedItems: number;
  readonly evicted: Set<number>;
  readonly deliveries: Map<number, ItemDelivery>;
}

const MAX_QUEUED_LIVE_SAMPLES = 20_000;

export class UpdateQueue {
  private snapshot: Snapshot | undefined;
  private cleared = false;
  private added = new Map<number, PanelItem>();
  private evicted: number[] = [];
  private live: LiveSample[] = [];
  /** New delivery states of items already applied (issue 19), by seq: bounded by the items held. */
  private deliveries = new Map<number, ItemDelivery>();
  private backfill: Backfill | undefined;

  /** Older items of the snapshot not in the model yet: received and queued, or still to come. */
  get backfillPending(): number {
    return this.backfill ? this.backfill.queuedItems + this.backfill.remaining : 0;
  }

  /** True once every chunk of the snapshot arrived (or it had none); queued ones may not be applied yet. */
  get backfillReceived(): boolean {
    return !this.backfill || this.backfill.remaining === 0;
  }

  /** Items waiting to be applied. */
  get pendingItems(): number {
    return this.added.size;
  }

  get isEmpty(): boolean {
    return (
      !this.snapshot &&
      !this.cleared &&
      this.added.size === 0 &&
      this.evicted.length === 0 &&
      this.live.length === 0 &&
      this.deliveries.size === 0 &&
      (this.backfill?.chunks.length ?? 0) === 0
    );
  }

  pushSnapshot(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    const backfill = snapshot.backfill;
    this.backfill =
      typeof backfill?.id === 'number' && typeof backfill.remaining === 'number' && backfill.remaining > 0
        ? {
            id: backfill.id,
            boundarySeq: typeof snapshot.items[0]?.seq === 'number' ? snapshot.items[0].seq : Number.MAX_SAFE_INTEGER,
            remaining: backfill.remaining,
            chunks: [],
            queuedItems: 0,
            evicted: new Set(),
            deliveries: new Map(),
          }
        : undefined;
    this.cleared = false;
    this.added = new Map();
    this.evicted = [];
    this.live = [];
    this.deliveries = new Map();
  }

  /** A chunk of the current snapshot's older items; a chunk of another snapshot is dropped. */
  pushChunk(chunk: SnapshotChunk): void {
    const backfill = this.backfill;
    if (!backfill || chunk.id !== backfill.id) return;
    backfill.remaining = Math.min(backfill.remaining, chunk.remaining);
    if (chunk.items.length === 0) return;
    backfill.chunks.push(chunk.items);
    backfill.queuedItems += chunk.items.length;
  }

  pushDelta(delta: Delta): void {
    if (delta.cleared) {
      this.cleared = true;
      this.snapshot = undefined;
      this.backfill = undefined;
      this.added = new Map();
      this.evicted = [];
      this.live = [];
      this.deliveries = new Map();
    }
    for (const item of delta.added) {
      if (typeof item?.seq === 'number') this.added.set(item.seq, item);
    }
    for (const update of Array.isArray(delta.deliveries) ? delta.deliveries : []) {
      if (typeof update?.seq !== 'number' || !isItemDelivery(update.delivery)) continue;
      const queued = this.added.get(update.seq);
      if (queued) this.added.set(update.seq, { ...queued, delivery: update.delivery });
      else this.deliveries.set(update.seq, update.delivery);
      if (this.backfill && update.seq < this.backfill.boundarySeq) this.backfill.deliveries.set(update.seq, update.delivery);
    }
    for (const seq of delta.evicted) {
      this.deliveries.delete(seq);
      if (this.backfill && seq < this.backfill.boundarySeq) {
        this.backfill.evicted.add(seq);
        this.backfill.deliveries.delete(seq);
      }
      if (!this.added.delete(seq)) this.evicted.push(seq);
    }
    if (delta.live.length > 0) {
      this.live.push(...delta.live);
      if (this.live.length > MAX_QUEUED_LIVE_SAMPLES) this.live = this.live.slice(-MAX_QUEUED_LIVE_SAMPLES);
    }
  }

  /**
   * Applies what is queued to the model. A new snapshot is applied alone (its screenful paints
   * first); queued backfill chunks follow until `backfillBudgetMs` is spent (one chunk at least),
   * or all of them without a budget. Returns the number of items added.
   */
  applyTo(model: TelemetryModel, backfillBudgetMs = Infinity): number {
    const snapshotApplied = this.snapshot !== undefined;
    const added = this.applyQueued(model);
    if (snapshotApplied && backfillBudgetMs !== Infinity) return added;
    return added + this.applyBackfill(model, backfillBudgetMs);
  }

  private applyBackfill(model: TelemetryModel, budgetMs: number): number {
    const backfill = this.backfill;
    if (!backfill) return 0;
    const started = performance.now();
    let applied = 0;
    let chunks = 0;
    while (backfill.chunks.length > 0 && (chunks++ === 0 || performance.now() - started < budgetMs)) {
      const chunk = backfill.chunks.shift()!;
      backfill.queuedItems -= chunk.length;
      const items: PanelItem[] = [];
      for (const item of chunk) {
        if (typeof item?.seq !== 'number' || item.seq >= backfill.boundarySeq || backfill.evicted.has(item.seq)) continue;
        const delivery = backfill.deliveries.get(item.seq);
        items.push(delivery ? { ...item, delivery } : item);
      }
      // The host sends them in seq order; sorting sorted input is one pass, and keeps the model right if not.
      items.sort((a, b) => a.seq - b.seq);
      model.addOlder(items);
      applied += items.length;
    }
    if (backfill.remaining === 0 && backfill.chunks.length === 0) this.backfill = undefined;
    return applied;
  }

  private applyQueued(model: TelemetryModel): number {
    if (this.snapshot) {
      model.clear();
      model.forwarding = this.snapshot.forwarding;
      model.relayUrl = typeof this.snapshot.relayUrl === 'string' ? this.snapshot.relayUrl : undefined;
      model.hasSnapshot = true;
      model.add(this.snapshot.items);
      model.addLive(this.snapshot.live);
    } else if (this.cleared) {
      model.clear();
    }
    const addedCount = this.added.size;
    if (this.evicted.length > 0) model.evict(this.evicted);
    if (addedCount > 0) model.add(this.added.values());
    if (this.deliveries.size > 0) model.updateDeliveries(this.deliveries);
    if (this.live.length > 0) model.addLive(this.live);
    const total = addedCount + (this.snapshot?.items.length ?? 0);
    this.snapshot = undefined;
    this.cleared = false;
    this.added = new Map();
    this.evicted = [];
    this.live = [];
    this.deliveries = new Map();
    return total;
  }
}
