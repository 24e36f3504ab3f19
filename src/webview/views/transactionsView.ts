/**
 * Transactions: operations (end-to-end transactions, grouped by operation id) newest first; the
 * selected one as a waterfall with its logs inline, item details, and a KQL query to find it in
 * Application Insights. Search covers every item of every operation, not just names.
 */
import type { PanelItem } from '../../shared/messages';
import { searchField, type SelectControl, selectControl } from '../controls';
import { displayText, h, icon, replaceChildren, setText, telemetryText } from '../dom';
import { formatCount, formatDuration, formatTime } from '../format';
import { plural, t } from '../l10n';
import { operationQuery } from '../kql';
import { deliveryFilterSelect, deliveryIcon, deliveryLabel } from '../deliveryText';
import { type DeliveryFilter, isDeliveryFilter, matchesDelivery, summaryDelivery } from '../model/deliverySummary';
import type { Operation } from '../model/operationIndex';
import { VirtualList } from '../virtualList';
import { renderItemDetails } from './itemDetails';
import { searchText } from './logsView';
import { type PanelView, type RevealTarget, Throttle, type ViewContext } from './viewContext';
import { Waterfall } from './waterfall';

const ROW_HEIGHT = 24;

type StatusFilter = '' | 'failed' | 'succeeded' | 'genai';

export class TransactionsView implements PanelView {
  readonly id = 'transactions' as const;
  readonly element: HTMLElement;
  private readonly list: VirtualList<Operation>;
  private readonly waterfall: Waterfall;
  private readonly detailHeader: HTMLElement;
  private readonly detailBody: HTMLElement;
  private readonly itemPane: HTMLElement;
  private readonly countLabel: HTMLElement;
  private readonly searchInput: HTMLElement & { value: string };
  private readonly statusSelect: SelectControl;
  private readonly deliverySelect: SelectControl;
  private delivery: DeliveryFilter;
  private deliveryRevision = -1;
  private readonly throttle = new Throttle(200);
  private operations: Operation[] = [];
  private search: string;
  private status: StatusFilter;
  private selectedId: string | undefined;
  private selectedItem: PanelItem | undefined;
  private revision = -1;
  private filterChanged = true;
  private autoSelected = false;
  /**
   * The operation object (and its version) the header was drawn for. An object, not its id: after
   * a Clear, the same file imported again brings a new Operation with the same id and version, and
   * a header keyed by id and version was never redrawn over the placeholder.
   */
  private headerFor: { operation: Operation; version: number } | undefined;

  constructor(private readonly context: ViewContext) {
    const state = context.host.uiState;
    this.search = state.transactionSearch.toLowerCase();
    this.status = state.failedOnly ? 'failed' : '';
    this.delivery = isDeliveryFilter(state.transactionDelivery) ? state.transactionDelivery : '';
    this.selectedId = state.selectedOperationId;
    const search = (this.searchInput = searchField(t('Search transactions (name, id, any item text)'), state.transactionSearch, (value) => {
      this.search = value.toLowerCase();
      this.filterChanged = true;
      context.host.updateUiState({ transactionSearch: value });
      this.render(true);
    }) as HTMLElement & { value: string });
    const status = (this.statusSelect = selectControl(
      t('Status'),
      [
        { value: '', label: t('All transactions') },
        { value: 'failed', label: t('Failed only') },
        { value: 'succeeded', label: t('Succeeded only') },
        // Issue 19: transactions with a generative-AI call (GenAI semantic conventions).
        { value: 'genai', label: t('GenAI calls') },
      ],
      this.status,
      (value) => {
        this.status = value as StatusFilter;
        this.filterChanged = true;
        context.host.updateUiState({ failedOnly: value === 'failed' });
        this.render(true);
      },
    ));
    // Issue 19: which transactions have items dropped, still waiting on disk, all sent, or local only.
    const delivery = (this.deliverySelect = deliveryFilterSelect(this.delivery, (value) => this.setDelivery(value)));
    this.countLabel = h('span', { class: 'filter-count', 'aria-live': 'polite' });
    this.list = new VirtualList<Operation>({
      rowHeight: ROW_HEIGHT,
      label: t('Transactions, newest first'),
      className: 'operations-list',
      key: (operation) => operation.id,
      renderRow: (operation) => renderOperationRow(operation),
      onSelect: (operation) => this.selectOperation(operation?.id),
      emptyText: () =>
        this.context.model.operations.size === 0
          ? t('No transactions yet. Requests and dependencies with an operation id appear here.')
          : t('No transaction matches the filters.'),
    });
    this.waterfall = new Waterfall((item) => this.showItem(item));
    this.detailHeader = h('div', { class: 'transaction-header' });
    this.itemPane = h('div', { class: 'item-pane' });
    this.detailBody = h('div', { class: 'transaction-body' }, this.waterfall.element, this.itemPane);
    this.element = h(
      'div',
      { class: 'view transactions-view' },
      h(
        'div',
        { class: 'master' },
        h('div', { class: 'filter-bar' }, search, status.element, delivery.element, this.countLabel),
        h(
          'div',
          { class: 'list-header operations-columns', 'aria-hidden': 'true' },
          h('span'),
          h('span', null, t('Start')),
          h('span', null, t('Name')),
          h('span', null, t('Role')),
          h('span', { class: 'numeric' }, t('Duration')),
          h('span', { class: 'numeric' }, t('Items')),
          h('span', { title: t('Delivery') }),
        ),
        this.list.element,
      ),
      h('div', { class: 'detail' }, this.detailHeader, this.detailBody),
    );
  }

  render(force: boolean): boolean {
    const index = this.context.model.operations;
    const deliveryRevision = this.context.model.deliveryRevision;
    const stale = force || this.filterChanged || index.revision !== this.revision || deliveryRevision !== this.deliveryRevision;
    if (!stale) return false;
    if (!this.throttle.ready(force || this.filterChanged, index.size)) return true;
    this.revision = index.revision;
    // A delivery change (the host's answer for items) redraws the rows and the item pane below.
    this.deliveryRevision = deliveryRevision;
    if (index.size === 0 && this.context.model.hasSnapshot && (this.selectedId !== undefined || this.autoSelected)) {
      // The buffer is empty (Clear, or everything evicted): nothing is selected any more, and the
      // next transaction to arrive is shown, as on first data.
      this.autoSelected = false;
      this.selectOperation(undefined);
    }
    if (this.filterChanged) this.list.scrollToTop();
    this.filterChanged = false;
    // Oldest first by start time (a request is often exported after its children, so arrival order
    // is not time order); shown reversed.
    this.operations = index.list().filter((operation) => this.matches(operation));
    this.operations.sort((a, b) => a.summary.start - b.summary.start || a.firstSeq - b.firstSeq);
    const operations = this.operations;
    this.list.setSource({ count: operations.length, at: (position) => operations[operations.length - 1 - position]! });
    if (this.selectedId === undefined && !this.autoSelected && operations.length > 0) {
      // First data: show the newest transaction rather than an empty detail pane.
      this.autoSelected = true;
      this.selectOperation(operations[operations.length - 1]!.id);
    }
    this.list.select(this.selectedId);
    setText(
      this.countLabel,
      operations.length === index.size
        ? plural(operations.length, '{0} transaction', '{0} transactions')
        : t('{0} of {1}', formatCount(operations.length), formatCount(index.size)),
    );
    this.renderDetail();
    return false;
  }

  reveal(target: RevealTarget): void {
    if (target.delivery !== undefined) {
      // From the forwarding strip's counts: the transactions with dropped or waiting items.
      this.setDelivery(target.delivery);
      return;
    }
    if (!target.operationId) return;
    if (this.search || this.status || this.delivery) {
      // The filters could hide the transaction asked for.
      this.search = '';
      this.status = '';
      this.searchInput.value = '';
      this.statusSelect.setValue('');
      this.delivery = '';
      this.deliverySelect.setValue('');
      this.context.host.updateUiState({ transactionSearch: '', failedOnly: false, transactionDelivery: '' });
      this.filterChanged = true;
    }
    this.selectOperation(target.operationId);
    this.render(true);
    this.list.select(target.operationId, true);
  }

  private matches(operation: Operation): boolean {
    if (operation.spanCount === 0) return false;
    const summary = operation.summary;
    if (this.status === 'failed' && !summary.failed) return false;
    if (this.status === 'succeeded' && summary.failed) return false;
    if (this.status === 'genai' && !operation.items.some((item) => item.genai !== undefined)) return false;
    if (this.delivery && !matchesDelivery(operation.items, this.delivery)) return false;
    const search = this.search;
    if (!search) return true;
    return (
      operation.id.toLowerCase().includes(search) ||
      summary.name.toLowerCase().includes(search) ||
      operation.items.some((item) => searchText(item).includes(search))
    );
  }

  private setDelivery(value: DeliveryFilter): void {
    this.delivery = value;
    this.deliverySelect.setValue(value);
    this.filterChanged = true;
    this.context.host.updateUiState({ transactionDelivery: value });
    this.render(true);
  }

  private selectOperation(id: string | undefined): void {
    if (id !== this.selectedId) this.selectedItem = undefined;
    this.selectedId = id;
    this.context.host.updateUiState({ selectedOperationId: id });
    this.renderDetail();
  }

  private renderDetail(): void {
    const operation = this.selectedId ? this.context.model.operations.get(this.selectedId) : undefined;
    this.element.classList.toggle('has-selection', !!operation);
    if (!operation) {
      this.headerFor = undefined;
      this.waterfall.element.hidden = true;
      this.itemPane.hidden = true;
      replaceChildren(
        this.detailHeader,
        h(
          'div',
          { class: 'placeholder' },
          this.selectedId
            ? t('This transaction is no longer in the buffer.')
            : t('Select a transaction to see its waterfall, logs and exceptions.'),
        ),
      );
      return;
    }
    this.waterfall.element.hidden = false;
    const summary = operation.summary;
    if (this.headerFor?.operation !== operation || this.headerFor.version !== operation.version) {
      this.headerFor = { operation, version: operation.version };
      replaceChildren(
        this.detailHeader,
        h(
          'div',
          { class: 'transaction-title' },
          h(
            'span',
            { class: ['status-icon', summary.failed ? 'failed' : 'ok'] },
            icon(summary.failed ? 'error' : 'pass', summary.failed ? t('Failed') : t('Succeeded')),
          ),
          h('span', { class: 'transaction-name' }, telemetryText(summary.name)),
          h('span', { class: 'transaction-duration' }, formatDuration(summary.duration)),
        ),
        h(
          'div',
          { class: 'transaction-meta' },
          h('span', null, `${formatTime(summary.start)}`),
          summary.role ? h('span', null, telemetryText(summary.role)) : null,
          h(
            'span',
            null,
            `${plural(summary.spanCount, '{0} span', '{0} spans')} · ${plural(summary.itemCount - summary.spanCount, '{0} log/exception', '{0} logs/exceptions')}`,
          ),
          h('span', { class: 'operation-id', title: 'operation_Id' }, telemetryText(operation.id)),
          h(
            'vscode-button',
            {
              secondary: true,
              icon: 'search',
              class: 'query-transaction',
              title: t('Open a KQL query for this transaction in the Query tab (it also runs in Application Insights Logs)'),
              on: { click: () => this.context.navigate('query', { query: operationQuery(operation.id) }) },
            },
            t('Query'),
          ),
        ),
      );
    }
    this.waterfall.show(operation);
    if (this.selectedItem && !operation.items.includes(this.selectedItem)) this.selectedItem = undefined;
    const item = this.selectedItem ?? summary.root;
    this.waterfall.select(item);
    this.renderItem(item);
  }

  private showItem(item: PanelItem | undefined): void {
    this.selectedItem = item;
    this.renderItem(item);
  }

  private renderItem(item: PanelItem | undefined): void {
    this.itemPane.hidden = !item;
    if (!item) return;
    // Keyed by the delivery too: the host's answer for the item redraws its details.
    const key = `${item.seq}:${item.delivery?.state ?? ''}`;
    if (this.itemPane.dataset.seq === key) return;
    this.itemPane.dataset.seq = key;
    replaceChildren(
      this.itemPane,
      renderItemDetails(item, {
        copy: (text) => this.context.copy(text, t('Item JSON')),
        openSource: (file, line) =>
          this.context.host.post(line === undefined ? { type: 'openSource', file } : { type: 'openSource', file, line }),
      }),
    );
  }
}

function renderOperationRow(operation: Operation): HTMLElement {
  const summary = operation.summary;
  return h(
    'div',
    {
      class: ['row', 'operations-columns', summary.failed ? 'failed' : ''],
      title: `${displayText(summary.name)}\noperation_Id ${displayText(operation.id, 100)}`,
    },
    h(
      'span',
      { class: ['status-icon', summary.failed ? 'failed' : 'ok'] },
      icon(summary.failed ? 'error' : 'pass', summary.failed ? t('Failed') : t('Succeeded')),
    ),
    h('span', { class: 'cell-time' }, formatTime(summary.start)),
    h('span', { class: 'cell-name' }, telemetryText(summary.name)),
    h('span', { class: 'cell-role' }, telemetryText(summary.role)),
    h('span', { class: 'cell-duration numeric' }, formatDuration(summary.duration)),
    h('span', { class: 'cell-count numeric' }, String(summary.itemCount)),
    deliveryCell(operation),
  );
}

/** The transaction's most pressing delivery state as an icon with its name (issue 19). */
function deliveryCell(operation: Operation): HTMLElement {
  const state = summaryDelivery(operation.items);
  if (!state) return h('span', { class: 'cell-delivery' });
  return h(
    'span',
    { class: ['cell-delivery', `delivery-${state}`], 'data-delivery': state, title: deliveryLabel(state) },
    icon(deliveryIcon(state), deliveryLabel(state)),
  );
}
