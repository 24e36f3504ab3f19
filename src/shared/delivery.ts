/**
 * Where one item stands on its way to Azure Monitor (issue 19): local only, queued on disk, sent
 * (with the service's answer), or dropped (with the reason). Kept with the item in the store and
 * shown by the panel. Types and constants only: no `vscode`, no Node built-ins.
 */

/**
 * local: the relay was not forwarding when it arrived (it never will be sent); queued: on disk,
 * owed to the service; sent: the service accepted it; dropped: it will never reach Azure.
 */
export type DeliveryState = 'local' | 'queued' | 'sent' | 'dropped';

export const DELIVERY_STATES: readonly DeliveryState[] = ['local', 'queued', 'sent', 'dropped'];

/**
 * Why an item was dropped. rejected: the service refused it (400 and other 4xx, also alone after
 * splitting a refused request: a poison item); partial: refused by index in a 206; quota: 402;
 * not-found: 404; unauthorized: 401/403; expired: older than the queue's retention; damaged: its
 * queue file could not be read back.
 */
export type DropReason = 'rejected' | 'quota' | 'not-found' | 'unauthorized' | 'partial' | 'expired' | 'damaged';

export const DROP_REASONS: readonly DropReason[] = ['rejected', 'quota', 'not-found', 'unauthorized', 'partial', 'expired', 'damaged'];

/**
 * An item's delivery. The store shares one frozen object per distinct value (see
 * `src/core/store/delivery.ts`), so an item holds a reference, never its own strings.
 */
export interface ItemDelivery {
  readonly state: DeliveryState;
  readonly reason?: DropReason;
  /** The HTTP status the service answered for this item (200, 206's per-item code, 400…). */
  readonly status?: number;
  /** The service's message for a dropped item, redacted and cut (shared by every item it names). */
  readonly message?: string;
}

export function isItemDelivery(value: unknown): value is ItemDelivery {
  if (typeof value !== 'object' || value === null) return false;
  const delivery = value as Record<string, unknown>;
  return (
    DELIVERY_STATES.includes(delivery.state as DeliveryState) &&
    (delivery.reason === undefined || DROP_REASONS.includes(delivery.reason as DropReason)) &&
    (delivery.status === undefined || (typeof delivery.status === 'number' && Number.isInteger(delivery.status))) &&
    (delivery.message === undefined || typeof delivery.message === 'string')
  );
}
