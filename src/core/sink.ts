/**
 * The contract between the relay's receiver and whatever keeps envelopes for forwarding.
 * The receiver answers the app 200 only after {@link EnvelopeSink.accept} resolved: that is the
 * durable acknowledgement (the batch is in write-ahead storage, or forwarding is off).
 * Plain Node: never import `vscode` here.
 */
import type { Disposable } from '../shared/lifecycle';
import type { Envelope } from './envelope';
import type { DeliveryOutcome } from './store/delivery';

export interface EnvelopeSink {
  /**
   * Resolves once the envelopes are durably stored for forwarding (or at once when forwarding is
   * off). Rejects with {@link QueueFullError} when the queue cannot take more: the receiver then
   * answers 503 with `Retry-After` so the SDK keeps the data. `body`, when given, is the request's
   * JSON array as received: a sink may keep it instead of serialising the envelopes again.
   */
  accept(envelopes: readonly Envelope[], body?: ReceivedBody): Promise<DeliveryReceipt | void>;
}

/** The forwarder's answer for one item, by the ticket its receipt gave it. */
export interface DeliveryUpdate {
  readonly ticket: number;
  readonly outcome: DeliveryOutcome;
}

/** Who reports what became of the items it took (batched: one call per turn of the event loop). */
export interface DeliverySource {
  onDelivery(listener: (updates: readonly DeliveryUpdate[]) => void): Disposable;
}

/**
 * What a forwarding sink gives back for an accepted batch: envelope `i` of it has ticket
 * `firstTicket + i`, and `source` reports each ticket's outcome (issue 19: the store keeps it with
 * the item). No receipt: the batch is not forwarded (local only).
 */
export interface DeliveryReceipt {
  readonly source: DeliverySource;
  readonly firstTicket: number;
}

export interface ReceivedBody {
  /** The JSON array text exactly as decoded (and validated into the envelopes). */
  readonly text: Buffer;
  /** The same text gzipped, as the app sent it (gzip's CRC vouches that it inflates to `text`). */
  readonly gzip?: Buffer;
}

export class QueueFullError extends Error {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'The forward queue is full',
  ) {
    super(message);
    this.name = 'QueueFullError';
  }
}
