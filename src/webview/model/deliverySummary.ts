/**
 * A transaction's delivery at a glance (issue 19): the state that most needs the user's eye among
 * its items (dropped, then waiting, then local only, then sent), and the Transactions filter over
 * it. DOM-free, unit-tested in Node.
 */
import type { DeliveryState } from '../../shared/delivery';
import type { PanelItem } from '../../shared/messages';

/** The Transactions filter: '' shows every transaction. */
export type DeliveryFilter = '' | DeliveryState;

export const DELIVERY_FILTERS: readonly DeliveryFilter[] = ['', 'dropped', 'queued', 'sent', 'local'];

const RANK: Readonly<Record<DeliveryState, number>> = { sent: 1, local: 2, queued: 3, dropped: 4 };

/** The most pressing state among the items that have one; undefined when none has (imported items). */
export function summaryDelivery(items: Iterable<PanelItem>): DeliveryState | undefined {
  let worst: DeliveryState | undefined;
  for (const item of items) {
    const state = item.delivery?.state;
    if (state !== undefined && RANK[state] !== undefined && (worst === undefined || RANK[state] > RANK[worst])) {
      worst = state;
      if (state === 'dropped') break;
    }
  }
  return worst;
}

/**
 * dropped / queued / local: some item of the transaction is in that state; sent: every item with a
 * state was sent (a transaction with one dropped span is not "sent").
 */
export function matchesDelivery(items: Iterable<PanelItem>, filter: DeliveryFilter): boolean {
  if (filter === '') return true;
  if (filter === 'sent') return summaryDelivery(items) === 'sent';
  for (const item of items) if (item.delivery?.state === filter) return true;
  return false;
}

export function isDeliveryFilter(value: unknown): value is DeliveryFilter {
  return typeof value === 'string' && (DELIVERY_FILTERS as readonly string[]).includes(value);
}
