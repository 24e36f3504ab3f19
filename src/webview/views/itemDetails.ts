/**
 * Everything one telemetry item carries, readable: fields, message with its newlines, exception
 * stacks in monospace, custom dimensions and measurements. All values are rendered as text.
 */
import type { PanelItem } from '../../shared/messages';
import { type Child, h } from '../dom';
import { formatDuration, formatTime, formatValue, severityName, tableLabel } from '../format';
import { itemTitle, operationKey } from '../model/correlation';

export interface ItemDetailsActions {
  /** Shown as a link when the item belongs to a transaction. */
  showTransaction?(operationId: string): void;
  copy(text: string): void;
}

export function renderItemDetails(item: PanelItem, actions: ItemDetailsActions): HTMLElement {
  const operationId = operationKey(item);
  const fields: [string, string | undefined][] = [
    ['Table', item.table],
    ['Time', `${new Date(item.time).toLocaleDateString()} ${formatTime(item.time)}`],
    ['Duration', item.duration === undefined ? undefined : formatDuration(item.duration)],
    ['Success', item.success === undefined ? undefined : String(item.success)],
    ['Result code', item.resultCode],
    ['Severity', item.severity === undefined ? undefined : `${severityName(item.severity)} (${item.severity})`],
    ['Type', item.type],
    ['Target', item.target],
    ['Role', item.role],
    ['Role instance', item.roleInstance],
    ['Operation id', operationId ?? item.operationId],
    ['Parent id', item.parentId],
    ['Id', item.id],
    ['SDK', item.sdkVersion],
  ];
  const toolbar = h(
    'div',
    { class: 'details-actions' },
    operationId && actions.showTransaction
      ? h('vscode-button', { secondary: true, icon: 'type-hierarchy', on: { click: () => actions.showTransaction?.(operationId) } }, 'Show transaction')
      : null,
    h('vscode-button', { secondary: true, icon: 'copy', on: { click: () => actions.copy(JSON.stringify(item, null, 2)) } }, 'Copy as JSON'),
  );
  return h(
    'section',
    { class: 'details', 'aria-label': 'Item details' },
    h('header', { class: 'details-header' }, h('span', { class: ['table-tag', `table-${item.table}`] }, tableLabel(item.table)), h('span', { class: 'details-title' }, itemTitle(item) || '(no name)'), toolbar),
    h('dl', { class: 'fields' }, fields.filter(([, value]) => value !== undefined && value !== '').map(([name, value]) => [h('dt', null, name), h('dd', null, value!)])),
    item.table !== 'exceptions' && typeof item.message === 'string' && item.message !== '' ? section('Message', h('pre', { class: 'message' }, item.message)) : null,
    (item.exceptions ?? []).map((exception, index) =>
      section(
        index === 0 ? 'Exception' : `Inner exception ${index}`,
        h('div', { class: 'exception-head' }, h('span', { class: 'exception-type' }, exception.typeName ?? ''), exception.message ? h('span', { class: 'exception-message' }, exception.message) : null),
        exception.stack ? h('pre', { class: 'stack', tabindex: '0', 'aria-label': 'Stack trace' }, exception.stack) : null,
      ),
    ),
    item.metrics?.length
      ? section(
          'Metrics',
          table(
            ['Name', 'Value', 'Count', 'Min', 'Max'],
            item.metrics.map((metric) => [metric.name, formatValue(metric.value), formatValue(metric.count), formatValue(metric.min), formatValue(metric.max)]),
          ),
        )
      : null,
    propertySection('Custom dimensions (properties)', item.properties),
    propertySection('Custom measurements', item.measurements),
  );
}

function section(title: string, ...content: Child[]): HTMLElement {
  return h('section', { class: 'details-section' }, h('h3', null, title), ...content);
}

function propertySection(title: string, values: Readonly<Record<string, string | number>> | undefined): HTMLElement | null {
  if (!values || typeof values !== 'object') return null;
  const entries = Object.entries(values);
  if (entries.length === 0) return null;
  entries.sort(([a], [b]) => a.localeCompare(b));
  return section(title, table(['Name', 'Value'], entries.map(([key, value]) => [key, typeof value === 'number' ? formatValue(value) : String(value)])));
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): HTMLElement {
  return h(
    'table',
    { class: 'kv' },
    h('thead', null, h('tr', null, headers.map((header) => h('th', null, header)))),
    h('tbody', null, rows.map((row) => h('tr', null, row.map((cell) => h('td', null, cell))))),
  );
}
