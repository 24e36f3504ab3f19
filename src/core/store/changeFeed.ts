/**
 * Batches store changes for one subscriber and delivers them no more often than its interval, so a
 * burst of 10k items becomes a handful of messages to the webview. Items added and evicted within
 * the same batch are never reported at all. Plain Node: never import `vscode` here.
 */
import type { Disposable } from '../../shared/lifecycle';
import type { TelemetryItem } from './telemetryItem';

export interface StoreChange {
  /** The store was cleared before `added` (drop everything shown so far). */
  readonly cleared?: true;
  /** In order of arrival. */
  readonly added: readonly TelemetryItem[];
  /** Seqs of items delivered earlier that the ring buffers have since evicted. */
  readonly evicted: readonly number[];
  /** Items delivered earlier whose delivery state changed since (issue 19); absent when none. */
  readonly updated?: readonly TelemetryItem[];
}

export type ChangeListener = (change: StoreChange) => void;

export interface SubscribeOptions {
  /** Minimum time between two deliveries. Default 100 ms. */
  readonly intervalMs?: number;
}

/** A change-feed subscription: the shared {@link Disposable}. */
export type Subscription = Disposable;

export const DEFAULT_CHANGE_INTERVAL_MS = 100;

export class ChangeBatcher implements Subscription {
  private added = new Map<number, TelemetryItem>();
  private evicted: number[] = [];
  private updated = new Map<number, TelemetryItem>();
  private cleared = false;
  private timer: NodeJS.Timeout | undefined;
  private lastDelivery = Number.NEGATIVE_INFINITY;
  private disposed = false;
  private readonly intervalMs: number;

  constructor(
    private readonly listener: ChangeListener,
    options: SubscribeOptions = {},
    private readonly onDispose: (batcher: ChangeBatcher) => void = () => undefined,
  ) {
    this.intervalMs = Math.max(0, options.intervalMs ?? DEFAULT_CHANGE_INTERVAL_MS);
  }

  itemAdded(item: TelemetryItem): void {
    this.added.set(item.seq, item);
    this.schedule();
  }

  /** An item's delivery state changed; one not delivered yet goes out with its new state anyway. */
  itemChanged(item: TelemetryItem): void {
    if (this.added.has(item.seq)) return;
    this.updated.set(item.seq, item);
    this.schedule();
  }

  itemEvicted(seq: number): void {
    this.updated.delete(seq);
    // Not delivered yet: the subscriber never needs to hear about it.
    if (!this.added.delete(seq)) {
      this.evicted.push(seq);
    }
    this.schedule();
  }

  storeCleared(): void {
    this.added.clear();
    this.updated.clear();
    this.evicted = [];
    this.cleared = true;
    this.schedule();
  }

  /** Delivers what is pending now (used on dispose by callers that want a last batch). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.disposed || (!this.cleared && this.added.size === 0 && this.evicted.length === 0 && this.updated.size === 0)) {
      return;
    }
    const base: StoreChange = this.cleared
      ? { cleared: true, added: [...this.added.values()], evicted: [] }
      : { added: [...this.added.values()], evicted: this.evicted };
    const change: StoreChange = this.updated.size > 0 && !this.cleared ? { ...base, updated: [...this.updated.values()] } : base;
    this.updated = new Map();
    this.added = new Map();
    this.evicted = [];
    this.cleared = false;
    this.lastDelivery = Date.now();
    try {
      this.listener(change);
    } catch {
      // A failing subscriber must not break the store or the other subscribers.
    }
  }

  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.disposed = true;
    this.added.clear();
    this.updated.clear();
    this.evicted = [];
    this.onDispose(this);
  }

  private schedule(): void {
    if (this.timer || this.disposed) {
      return;
    }
    const wait = Math.max(0, this.lastDelivery + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }
}
