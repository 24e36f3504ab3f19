/**
 * Who hears of a change in a part's statistics: observers run at once on every change (a flush
 * waits on them), listeners get one snapshot per turn of the event loop however many changes it
 * held. Used by the forwarder ({@link ForwardStatsFeed}, with its counters) and the Live Metrics
 * proxy. Plain Node: never import `vscode` here.
 */
import type { Disposable } from '../../shared/lifecycle';
import type { ForwardStats } from './forwardStats';

export class StatsFeed<S> {
  private readonly listeners = new Set<(stats: S) => void>();
  private readonly observers = new Set<() => void>();
  private emitScheduled = false;

  /** `snapshot` builds the stats when a batched notification goes out. */
  constructor(private readonly snapshot: () => S) {}

  onStats(listener: (stats: S) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Runs `check` synchronously on every change until disposed. */
  observe(check: () => void): Disposable {
    this.observers.add(check);
    return { dispose: () => this.observers.delete(check) };
  }

  changed(): void {
    this.notifyObservers();
    if (this.emitScheduled || this.listeners.size === 0) return;
    this.emitScheduled = true;
    setImmediate(() => {
      this.emitScheduled = false;
      const stats = this.snapshot();
      for (const listener of [...this.listeners]) listener(stats);
    });
  }

  /** On close: observers look once more (a waiting flush ends), listeners are let go. */
  close(): void {
    this.notifyObservers();
    this.listeners.clear();
  }

  private notifyObservers(): void {
    for (const check of [...this.observers]) check();
  }
}

/** Counted since open. */
export interface ForwardCounters {
  acceptedItems: number;
  retriedItems: number;
  refusedFull: number;
  requests: number;
}

/** The forwarder's feed, with the counters that only it keeps (the rest of its stats is read from the parts). */
export class ForwardStatsFeed extends StatsFeed<ForwardStats> {
  readonly counters: ForwardCounters = { acceptedItems: 0, retriedItems: 0, refusedFull: 0, requests: 0 };
}
