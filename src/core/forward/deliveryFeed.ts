/**
 * The forwarder's per-item outcomes, for whoever shows them (the store, issue 19): collected as the
 * ledger settles items and handed over once per turn of the event loop, so a batch of 512 answers
 * is one call. Nothing is collected while no one listens. Plain Node: never import `vscode` here.
 */
import type { Disposable } from '../../shared/lifecycle';
import type { DeliverySource, DeliveryUpdate } from '../sink';
import type { DeliveryOutcome } from '../store/delivery';

export class DeliveryFeed implements DeliverySource {
  private readonly listeners = new Set<(updates: readonly DeliveryUpdate[]) => void>();
  private pending: DeliveryUpdate[] = [];
  private scheduled = false;

  onDelivery(listener: (updates: readonly DeliveryUpdate[]) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  delivered(ticket: number, outcome: DeliveryOutcome): void {
    if (this.listeners.size === 0) return;
    this.pending.push({ ticket, outcome });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Hands over what is pending now (also on close, so the last answers are not lost). */
  flush(): void {
    this.scheduled = false;
    const updates = this.pending;
    if (updates.length === 0) return;
    this.pending = [];
    for (const listener of [...this.listeners]) {
      try {
        listener(updates);
      } catch {
        // A failing listener must not break the forwarder.
      }
    }
  }

  close(): void {
    this.flush();
    this.listeners.clear();
  }
}
