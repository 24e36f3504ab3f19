/**
 * Logs: traces, exceptions and custom events, newest first, filtered by minimum severity, table,
 * role, delivery to Azure Monitor (issue 19) and free text (message, exception, properties). The filtered list grows incrementally as
 * items arrive; a filter change rescans the whole buffer.
 */
import type { PanelItem } from '../../shared/messages';
import { searchField, selectControl, type SelectControl } from '../controls';
import { displayText, h, icon, replaceChildren, setText, telemetryText } from '../dom';
import { deliveryFilterSelect, deliveryIcon, deliveryLabel } from '../deliveryText';
import { firstLine, formatCount, formatTime, severityName } from '../format';
import { plural, t } from '../l10n';
import { effectiveSeverity, itemTitle } from '../model/correlation';
import { type DeliveryFilter, isDeliveryFilter, matchesDelivery } from '../model/deliverySummary';
import { VirtualList } from '../virtualList';
import { renderItemDetails } from './itemDetails';
import type { PanelView, ViewContext } from './viewContext';

const ROW_HEIGHT = 24;

interface LogFilter {
  readonly minSeverity: number;
  readonly table: string;
  readonly role: string;
  readonly text: string;
  readonly delivery: DeliveryFilter;
}

const searchTextCache = new WeakMap<PanelItem, string>();

/** Lower-case text a search matches against: message, exception, name, role and properties. */
export function searchText(item: PanelItem): string {
  let text = searchTextCache.get(item);
  if (text === undefined) {
    const parts: unknown[] = [item.message, item.name, item.role, item.operationId];
    for (const exception of item.exceptions ?? []) parts.push(exception.typeName, exception.message, exception.stack);
    if (item.properties && typeof item.properties === 'object')
      for (const [key, value] of Object.entries(item.properties)) parts.push(`${key}=${value}`);
    text = parts
      .filter((part) => typeof part === 'string')
      .join('\n')
      .toLowerCase();
    searchTextCache.set(item, text);
  }
  return text;
}

export class LogsView implements PanelView {
  readonly id = 'logs' as const;
  readonly element: HTMLElement;
  private readonly list: VirtualList<PanelItem>;
  private readonly detailsPane: HTMLElement;
  private readonly countLabel: HTMLElement;
  private readonly roleSelect: SelectControl;
  private filter: LogFilter;
  private filtered: PanelItem[] = [];
  private scanned = 0;
  private generation = -1;
  private evictionRevision = -1;
  private revision = -1;
  private deliveryRevision = -1;
  private filterChanged = true;
  private selected: PanelItem | undefined;

  constructor(private readonly context: ViewContext) {
    const state = context.host.uiState;
    this.filter = {
      minSeverity: state.minSeverity,
      table: state.logTable,
      role: state.logRole,
      text: state.logSearch.toLowerCase(),
      delivery: isDeliveryFilter(state.logDelivery) ? state.logDelivery : '',
    };
    const severity = selectControl(
      t('Minimum severity'),
      [
        { value: '0', label: t('All levels') },
        { value: '1', label: t('Information and above') },
        { value: '2', label: t('Warning and above') },
        { value: '3', label: t('Error and above') },
        { value: '4', label: t('Critical') },
      ],
      String(state.minSeverity),
      (value) => this.setFilter({ minSeverity: Number(value) }, { minSeverity: Number(value) }),
    );
    const table = selectControl(
      t('Table'),
      [
        // The others are Application Insights table names, as the user will query them: not translated.
        { value: '', label: t('All log tables') },
        { value: 'traces', label: 'traces' },
        { value: 'exceptions', label: 'exceptions' },
        { value: 'customEvents', label: 'customEvents' },
      ],
      state.logTable,
      (value) => this.setFilter({ table: value }, { logTable: value }),
    );
    // Issue 19: which log items were dropped, still wait on disk, were sent, or stay local.
    const delivery = deliveryFilterSelect(this.filter.delivery, (chosen) => this.setFilter({ delivery: chosen }, { logDelivery: chosen }));
    this.roleSelect = selectControl(t('Role'), this.roleOptions(), state.logRole, (value) =>
      this.setFilter({ role: value }, { logRole: value }),
    );
    const search = searchField(t('Filter logs (message, exception, property=value)'), state.logSearch, (value) =>
      this.setFilter({ text: value.toLowerCase() }, { logSearch: value }),
    );
    this.countLabel = h('span', { class: 'filter-count', 'aria-live': 'polite' });
    this.list = new VirtualList<PanelItem>({
      rowHeight: ROW_HEIGHT,
      label: t('Log items, newest first'),
      className: 'logs-list',
      key: (item) => item.seq,
      renderRow: (item) => renderLogRow(item),
      onSelect: (item) => this.showDetails(item),
      emptyText: () =>
        this.context.model.logs.aliveCount === 0 ? t('No traces, exceptions or events yet.') : t('No log item matches the filters.'),
    });
    this.detailsPane = h('div', { class: 'details-pane', hidden: true });
    this.element = h(
      'div',
      { class: 'view logs-view' },
      h(
        'div',
        { class: 'filter-bar' },
        search,
        severity.element,
        table.element,
        this.roleSelect.element,
        delivery.element,
        this.countLabel,
      ),
      h(
        'div',
        { class: 'list-header logs-columns', 'aria-hidden': 'true' },
        h('span'),
        h('span', null, t('Time')),
        h('span', null, t('Level')),
        h('span', null, t('Role')),
        h('span', null, t('Message')),
        h('span', { title: t('Delivery') }),
      ),
      this.list.element,
      this.detailsPane,
    );
  }

  render(force: boolean): boolean {
    const model = this.context.model;
    const logs = model.logs;
    // A delivery change (the host's answer for items) redraws the rows, and re-filters when the delivery filter is on.
    const deliveryChanged = model.deliveryRevision !== this.deliveryRevision;
    if (!force && !this.filterChanged && !deliveryChanged && logs.revision === this.revision && logs.generation === this.generation)
      return false;
    this.deliveryRevision = model.deliveryRevision;
    const all = logs.all;
    if (force || this.filterChanged || logs.generation !== this.generation || (deliveryChanged && this.filter.delivery !== '')) {
      this.filtered = all.filter((item) => model.has(item) && this.matches(item)).sort(byTime);
      if (this.filterChanged) this.list.scrollToTop();
      this.filterChanged = false;
    } else {
      if (logs.evictionRevision !== this.evictionRevision) this.filtered = this.filtered.filter((item) => model.has(item));
      const added: PanelItem[] = [];
      for (let index = this.scanned; index < all.length; index++) {
        const item = all[index]!;
        if (this.matches(item)) added.push(item);
      }
      this.filtered = mergeByTime(this.filtered, added.sort(byTime));
    }
    this.scanned = all.length;
    this.generation = logs.generation;
    this.evictionRevision = logs.evictionRevision;
    this.revision = logs.revision;
    const filtered = this.filtered;
    this.list.setSource({ count: filtered.length, at: (index) => filtered[filtered.length - 1 - index]! });
    this.roleSelect.setOptions(this.roleOptions());
    setText(
      this.countLabel,
      filtered.length === logs.aliveCount
        ? plural(filtered.length, '{0} item', '{0} items')
        : t('{0} of {1}', formatCount(filtered.length), formatCount(logs.aliveCount)),
    );
    if (this.selected && !model.has(this.selected)) this.showDetails(undefined);
    else if (this.selected && deliveryChanged) this.showDetails(this.selected);
    return false;
  }

  private setFilter(change: Partial<LogFilter>, saved: Parameters<ViewContext['host']['updateUiState']>[0]): void {
    this.filter = { ...this.filter, ...change };
    this.filterChanged = true;
    this.context.host.updateUiState(saved);
    this.render(true);
  }

  private matches(item: PanelItem): boolean {
    const filter = this.filter;
    if (effectiveSeverity(item) < filter.minSeverity) return false;
    if (filter.table && item.table !== filter.table) return false;
    if (filter.role && item.role !== filter.role) return false;
    if (filter.delivery && !matchesDelivery([item], filter.delivery)) return false;
    return !filter.text || searchText(item).includes(filter.text);
  }

  private roleOptions(): { value: string; label: string }[] {
    const roles = [...this.context.model.roles].sort((a, b) => a.localeCompare(b));
    if (this.filter?.role && !roles.includes(this.filter.role)) roles.push(this.filter.role);
    return [{ value: '', label: t('All roles') }, ...roles.map((role) => ({ value: role, label: displayText(role) }))];
  }

  private showDetails(item: PanelItem | undefined): void {
    this.selected = item;
    this.detailsPane.hidden = !item;
    if (!item) {
      this.list.select(undefined);
      return;
    }
    replaceChildren(
      this.detailsPane,
      h('vscode-toolbar-button', {
        class: 'details-close',
        icon: 'close',
        label: t('Close details'),
        on: { click: () => this.showDetails(undefined) },
      }),
      renderItemDetails(item, {
        showTransaction: (operationId) => this.context.navigate('transactions', { operationId }),
        copy: (text) => this.context.copy(text, t('Item JSON')),
        openSource: (file, line) =>
          this.context.host.post(line === undefined ? { type: 'openSource', file } : { type: 'openSource', file, line }),
      }),
    );
  }
}

/** Oldest first by time, then by arrival (the list shows it reversed: newest first). */
function byTime(a: PanelItem, b: PanelItem): number {
  return a.time - b.time || a.seq - b.seq;
}

/** Merges two time-sorted arrays; cheap when the new items are all newer (the usual case). */
function mergeByTime(sorted: PanelItem[], added: PanelItem[]): PanelItem[] {
  if (added.length === 0) return sorted;
  if (sorted.length === 0 || byTime(sorted[sorted.length - 1]!, added[0]!) <= 0) {
    for (const item of added) sorted.push(item);
    return sorted;
  }
  const merged = new Array<PanelItem>(sorted.length + added.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < sorted.length && j < added.length) merged[k++] = byTime(sorted[i]!, added[j]!) <= 0 ? sorted[i++]! : added[j++]!;
  while (i < sorted.length) merged[k++] = sorted[i++]!;
  while (j < added.length) merged[k++] = added[j++]!;
  return merged;
}

function renderLogRow(item: PanelItem): HTMLElement {
  const severity = effectiveSeverity(item);
  const glyph =
    item.table === 'exceptions' ? 'bug' : item.table === 'customEvents' ? 'symbol-event' : (SEVERITY_ICONS[severity] ?? 'circle-small');
  const title = firstLine(itemTitle(item));
  return h(
    'div',
    { class: ['row', 'logs-columns', `sev-${severity}`, `table-${item.table}`], title: displayText(title) },
    h('span', { class: 'cell-icon' }, icon(glyph)),
    h('span', { class: 'cell-time' }, formatTime(item.time)),
    h('span', { class: 'cell-level' }, item.table === 'customEvents' ? t('Event') : severityName(severity)),
    h('span', { class: 'cell-role' }, telemetryText(item.role ?? '')),
    h(
      'span',
      { class: 'cell-message' },
      item.table !== 'traces' ? h('span', { class: ['table-tag', `table-${item.table}`] }, item.table) : null,
      h('span', { class: 'message-text' }, telemetryText(title)),
    ),
    logDeliveryCell(item),
  );
}

/** The item's delivery to Azure Monitor as an icon with its name (issue 19); empty for imported items. */
function logDeliveryCell(item: PanelItem): HTMLElement {
  const state = item.delivery?.state;
  if (!state) return h('span', { class: 'cell-delivery' });
  return h(
    'span',
    { class: ['cell-delivery', `delivery-${state}`], 'data-delivery': state, title: deliveryLabel(state) },
    icon(deliveryIcon(state), deliveryLabel(state)),
  );
}

const SEVERITY_ICONS: Record<number, string> = { 0: 'debug-stackframe-dot', 1: 'info', 2: 'warning', 3: 'error', 4: 'flame' };
