/** Counters for the status bar, the panel and the CLI. Plain Node: never import `vscode` here. */
import type { RejectReason } from './rejection';

export interface RelayStats {
  /** Every request that reached a handler, whatever its fate. */
  readonly requests: number;
  readonly trackRequests: number;
  readonly liveRequests: number;
  /** OTLP/HTTP export requests (traces, metrics, logs). */
  readonly otlpRequests: number;
  /** Items in track requests whose body could be parsed. */
  readonly itemsReceived: number;
  /** Items acknowledged with 200 (in the forward queue and the store). */
  readonly itemsAccepted: number;
  readonly itemsRejected: number;
  /** Refused requests, by reason. */
  readonly rejected: Readonly<Partial<Record<RejectReason, number>>>;
}

export class RelayCounters {
  requests = 0;
  trackRequests = 0;
  liveRequests = 0;
  otlpRequests = 0;
  itemsReceived = 0;
  itemsAccepted = 0;
  itemsRejected = 0;
  private readonly rejected: Partial<Record<RejectReason, number>> = {};

  reject(reason: RejectReason, items = 0): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
    this.itemsRejected += items;
  }

  snapshot(): RelayStats {
    return {
      requests: this.requests,
      trackRequests: this.trackRequests,
      liveRequests: this.liveRequests,
      otlpRequests: this.otlpRequests,
      itemsReceived: this.itemsReceived,
      itemsAccepted: this.itemsAccepted,
      itemsRejected: this.itemsRejected,
      rejected: { ...this.rejected },
    };
  }
}
