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

const MAX_QUEUED_LIVE_SAMPLES = 20_000;

export class UpdateQueue {
  private snapshot: Snapshot | undefined;
  private cleared = false;
  private added = new Map<number, PanelItem>();
  private evicted: number[] = [];
  private live: LiveSample[] = [];
  /** New delivery states of items already applied (issue 19), by seq: bounded by the items held. */
  private deliveries = new Map<number, ItemDelivery>();

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
      this.deliveries.size === 0
    );
  }

  pushSnapshot(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    this.cleared = false;
    this.added = new Map();
    this.evicted = [];
    this.live = [];
    this.deliveries = new Map();
  }

  pushDelta(delta: Delta): void {
    if (delta.cleared) {
      this.cleared = true;
      this.snapshot = undefined;
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
    }
    for (const seq of delta.evicted) {
      this.deliveries.delete(seq);
      if (!this.added.delete(seq)) this.evicted.push(seq);
    }
    if (delta.live.length > 0) {
      this.live.push(...delta.live);
      if (this.live.length > MAX_QUEUED_LIVE_SAMPLES) this.live = this.live.slice(-MAX_QUEUED_LIVE_SAMPLES);
    }
  }

  /** Applies everything queued to the model and empties the queue. Returns the number of items added. */
  applyTo(model: TelemetryModel): number {
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
