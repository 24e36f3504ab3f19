/**
 * Delivery values shared between items: one frozen {@link ItemDelivery} per distinct state, reason,
 * status and message, so 10,000 items sent with 200 hold one object between them, and memory per
 * item is a reference whatever the service said. Messages are bounded in count and length.
 * Plain Node: never import `vscode` here.
 */
import type { DeliveryState, DropReason, ItemDelivery } from '../../shared/delivery';

/** Distinct service messages kept; beyond, a dropped item keeps its reason and status only. */
const MAX_MESSAGES = 256;
const MAX_MESSAGE_CHARS = 300;

/** What the forwarder reports for one item (by its ticket, see `DeliveryReceipt`). */
export interface DeliveryOutcome {
  readonly state: 'sent' | 'dropped';
  readonly reason?: DropReason;
  readonly status?: number;
  /** Redacted already by the forwarder. */
  readonly message?: string;
}

const interned = new Map<string, ItemDelivery>();
let messages = 0;

export const LOCAL_ONLY: ItemDelivery = delivery('local');
export const QUEUED: ItemDelivery = delivery('queued');

/** The shared value for this outcome. */
export function delivery(state: DeliveryState, reason?: DropReason, status?: number, message?: string): ItemDelivery {
  const cut =
    message === undefined || message === ''
      ? undefined
      : message.length > MAX_MESSAGE_CHARS
        ? `${message.slice(0, MAX_MESSAGE_CHARS - 1)}…`
        : message;
  const validStatus = status !== undefined && Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
  const key = `${state}|${reason ?? ''}|${validStatus ?? ''}|${cut ?? ''}`;
  const known = interned.get(key);
  if (known) return known;
  if (cut !== undefined) {
    if (messages >= MAX_MESSAGES) return delivery(state, reason, validStatus);
    messages++;
  }
  const value: { -readonly [K in keyof ItemDelivery]: ItemDelivery[K] } = { state };
  if (reason !== undefined) value.reason = reason;
  if (validStatus !== undefined) value.status = validStatus;
  if (cut !== undefined) value.message = cut;
  const frozen = Object.freeze(value);
  interned.set(key, frozen);
  return frozen;
}

export function deliveryOfOutcome(outcome: DeliveryOutcome): ItemDelivery {
  return delivery(outcome.state, outcome.reason, outcome.status, outcome.message);
}
