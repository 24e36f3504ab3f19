/**
 * How an item's delivery to Azure Monitor reads (issue 19): a short label, an icon, and for a
 * dropped item the reason in words. The service's message is telemetry-grade text: callers render
 * it with the dom.ts helpers only.
 */
import type { DeliveryState, DropReason, ItemDelivery } from '../shared/delivery';
import type { WebviewString } from '../shared/webviewStrings';
import { type SelectControl, selectControl } from './controls';
import { t } from './l10n';
import { DELIVERY_FILTERS, type DeliveryFilter, isDeliveryFilter } from './model/deliverySummary';

const STATE: Readonly<Record<DeliveryState, { label: WebviewString; icon: string }>> = {
  local: { label: 'Local only', icon: 'device-desktop' },
  queued: { label: 'Waiting on disk', icon: 'clock' },
  sent: { label: 'Sent to Azure Monitor', icon: 'cloud-upload' },
  dropped: { label: 'Dropped', icon: 'warning' },
};

const REASON: Readonly<Record<DropReason, WebviewString>> = {
  rejected: 'the service refused it',
  partial: 'the service refused this item in a partial answer (206)',
  quota: 'the daily cap or quota is reached (402)',
  'not-found': 'the ingestion endpoint was not found (404)',
  unauthorized: 'the service refused the credentials (401/403)',
  expired: 'it waited on disk longer than the retention period',
  damaged: 'its queue file was damaged',
};

export function deliveryLabel(state: DeliveryState): string {
  return t(STATE[state]?.label ?? 'Dropped');
}

export function deliveryIcon(state: DeliveryState): string {
  return STATE[state]?.icon ?? 'warning';
}

/** One sentence: what happened to the item (the service's own message is not included). */
export function deliverySentence(delivery: ItemDelivery): string {
  switch (delivery.state) {
    case 'local':
      return t('Local only: the relay was not forwarding when this item arrived, so it is not sent.');
    case 'queued':
      return t('Queued on disk; it is sent when the service can take it.');
    case 'sent':
      return delivery.status !== undefined
        ? t('Sent: the service accepted it (HTTP {0}).', delivery.status)
        : t('Sent: the service accepted it.');
    case 'dropped': {
      const reason = t(REASON[delivery.reason ?? 'rejected'] ?? 'the service refused it');
      return delivery.status !== undefined
        ? t('Dropped: {0} (HTTP {1}). It will not reach Azure Monitor.', reason, delivery.status)
        : t('Dropped: {0}. It will not reach Azure Monitor.', reason);
    }
    default:
      return '';
  }
}

const FILTER_LABELS: Readonly<Record<DeliveryFilter, WebviewString>> = {
  '': 'Any delivery',
  dropped: 'Dropped items',
  queued: 'Waiting on disk',
  sent: 'Sent to Azure Monitor',
  local: 'Local only',
};

/** The "Delivery" filter Transactions and Logs both offer (an unknown value counts as "any"). */
export function deliveryFilterSelect(value: DeliveryFilter, onChange: (filter: DeliveryFilter) => void): SelectControl {
  const control = selectControl(
    t('Delivery'),
    DELIVERY_FILTERS.map((filter) => ({ value: filter, label: t(FILTER_LABELS[filter]) })),
    value,
    (chosen) => onChange(isDeliveryFilter(chosen) ? chosen : ''),
  );
  control.element.classList.add('delivery-filter');
  return control;
}
