/**
 * The two steps every intake path (Breeze track, OTLP) ends with: hand the batch to the sink —
 * the app may be answered 200 only once this resolved — and then show it in the local store.
 * Plain Node: never import `vscode` here.
 */
import type { Envelope } from '../envelope';
import { DeliveryReceipt, QueueFullError, ReceivedBody } from '../sink';
import { Rejection, rejection } from './rejection';
import type { RelayContext } from './relayContext';

/**
 * The sink's receipt for a batch, from accept to show: the store keeps each item's delivery state
 * (issue 19). Keyed by the envelopes array both steps are given, so the handlers stay as they are.
 */
const receipts = new WeakMap<readonly Envelope[], DeliveryReceipt>();

export interface SinkRefusal {
  readonly rejection: Rejection;
  readonly headers: Record<string, string>;
}

/**
 * Undefined once the sink holds the batch durably; else what to answer: 503 + Retry-After when
 * the queue is full (the SDK keeps the batch and retries), 500 when storing failed.
 */
export async function acceptDurably(
  context: RelayContext,
  envelopes: readonly Envelope[],
  body?: ReceivedBody,
): Promise<SinkRefusal | undefined> {
  if (envelopes.length === 0) return undefined;
  try {
    const receipt = await context.sink.accept(envelopes, body);
    if (receipt) receipts.set(envelopes, receipt);
    return undefined;
  } catch (error) {
    if (error instanceof QueueFullError) {
      const retryAfter = Math.max(1, Math.ceil(error.retryAfterSeconds));
      return {
        rejection: rejection(503, 'queue-full', `${error.message}; retry after ${retryAfter} s.`),
        headers: { 'Retry-After': String(retryAfter) },
      };
    }
    const detail = error instanceof Error ? error.message : String(error);
    return { rejection: rejection(500, 'sink-error', `The relay could not store the telemetry: ${detail}`), headers: {} };
  }
}

/**
 * Adds an accepted batch to the local view. A failure costs the view only: the batch is safe in the
 * sink. `body`: the JSON array text the envelopes are, unchanged (the history keeps it as it is).
 */
export function showInStore(context: RelayContext, envelopes: readonly Envelope[], body?: Uint8Array): void {
  try {
    // With a receipt the items are queued for Azure; without one they stay local.
    context.store.add(envelopes, receipts.get(envelopes) ?? 'local', body ? { source: 'relay', body } : undefined);
    receipts.delete(envelopes);
  } catch (error) {
    context.log(
      'error',
      `The telemetry store failed to add ${envelopes.length} items: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
