/**
 * Failures (the portal's "investigate failures", locally): failed requests or dependencies over a
 * time range, grouped by operation, result code or exception type; for the selected group, failed
 * and all calls over time, its other two breakdowns, and the newest failed samples, which open the
 * transaction.
 */
import type { PanelItem } from '../../shared/messages';
import type { WebviewString } from '../../shared/webviewStrings';
import { displayText, h, replaceChildren, setText, telemetryText } from '../dom';
import { formatCount, formatPercent } from '../format';
import { t } from '../l10n';
import {
  countsOverTime,
  failureKeys,
  FAILURE_DIMENSIONS,
  type FailureDimension,
  type FailureGroup,
  groupFailures,
  pickSamples,
  spansInRange,
  TIME_RANGES,
  type TimeRange,
} from '../model/performance';
import { TimeChart } from '../timeChart';
import { VirtualList } from '../virtualList';
import { TIME_RANGE_LABELS } from './performanceView';
import { choiceSelect, keptSelection, sampleRow } from './spanViewParts';
import { type PanelView, Throttle, type ViewContext } from './viewContext';

const ROW_HEIGHT = 24;
const FAILURE_TABLES = ['requests', 'dependencies'] as const;
type FailureTable = (typeof FAILURE_TABLES)[number];

const DIMENSION_LABELS: Record<FailureDimension, WebviewString> = {
  operation: 'Operation',
  resultCode: 'Result code',
  exceptionType: 'Exception type',
};
const TABLE_LABELS: Record<FailureTable, WebviewString> = { requests: 'Failed requests', dependencies: 'Failed dependencies' };

export class FailuresView implements PanelView {
  readonly id = 'failures' as const;
  readonly element: HTMLElement;
  private readonly list: VirtualList<FailureGroup>;
  private readonly countLabel: HTMLElement;
  private readonly detail: HTMLElement;
  private readonly detailTitle: HTMLElement;
  private readonly chart: TimeChart;
  private readonly breakdowns: HTMLElement;
  private readonly samples: HTMLElement;
  private readonly throttle = new Throttle(1000, 0);
  private range: TimeRange = '1h';
  private table: FailureTable = 'requests';
  private dimension: FailureDimension = 'operation';
  private spans: PanelItem[] = [];
  private groups: FailureGroup[] = [];
  private selectedKey: string | undefined;
  private revision = -1;

  constructor(private readonly context: ViewContext) {
    const rangeSelect = choiceSelect('Time range', TIME_RANGES, TIME_RANGE_LABELS, this.range, 'failures-range', (value) => {
      this.range = value;
      this.render(true);
    });
    const tableSelect = choiceSelect('Show', FAILURE_TABLES, TABLE_LABELS, this.table, 'failures-table', (value) => {
      this.table = value;
      this.selectedKey = undefined;
      this.render(true);
    });
    const dimensionSelect = choiceSelect(
      'Group by',
      FAILURE_DIMENSIONS,
      DIMENSION_LABELS,
      this.dimension,
      'failures-dimension',
      (value) => {
        this.dimension = value;
        this.selectedKey = undefined;
        this.render(true);
      },
    );
    this.countLabel = h('span', { class: 'filter-count', 'aria-live': 'polite' });
    this.list = new VirtualList<FailureGroup>({
      rowHeight: ROW_HEIGHT,
      label: t('Failures, most first'),
      className: 'failures-list',
      key: (group) => group.key,
      renderRow: (group) => renderGroupRow(group, this.dimension),
      onSelect: (group) => {
        this.selectedKey = group?.key;
        this.renderDetail();
      },
      emptyText: () =>
        this.table === 'requests' ? t('No failed requests in this time range.') : t('No failed dependencies in this time range.'),
    });
    this.detailTitle = h('div', { class: 'performance-title' });
    this.chart = new TimeChart({
      lines: [
        { label: t('Failed'), color: 'red', fill: true },
        { label: t('All'), color: 'blue' },
      ],
      height: 120,
      // Counts are whole: no "1" label at 0.5.
      formatValue: (value) => (Number.isInteger(value) ? formatCount(value) : ''),
      yMin: 0,
      points: true,
    });
    this.breakdowns = h('div', { class: 'performance-sections failure-breakdowns' });
    this.samples = h('div', { class: 'sample-list', role: 'list', 'aria-label': t('Samples') });
    this.detail = h(
      'div',
      { class: 'detail performance-detail failures-detail' },
      this.detailTitle,
      h(
        'div',
        { class: 'histogram-box' },
        h('div', { class: 'histogram-bar' }, h('h3', { class: 'section-title' }, t('Failed and all calls over time'))),
        this.chart.element,
      ),
      this.breakdowns,
      h('section', { class: 'performance-section' }, h('h3', { class: 'section-title' }, t('Latest failed samples')), this.samples),
    );
    this.element = h(
      'div',
      { class: 'view failures-view' },
      h(
        'div',
        { class: 'master' },
        h('div', { class: 'filter-bar' }, rangeSelect.element, tableSelect.element, dimensionSelect.element, this.countLabel),
        h(
          'div',
          { class: 'list-header failures-columns', 'aria-hidden': 'true' },
          h('span', null, t('Name')),
          h('span', { class: 'numeric' }, t('Failed')),
          h('span', { class: 'numeric' }, t('Of')),
          h('span', { class: 'numeric' }, t('Rate')),
        ),
        this.list.element,
      ),
      this.detail,
    );
  }

  render(force: boolean): boolean {
    const model = this.context.model;
    if (!force && model.spans.revision === this.revision) return false;
    if (!this.throttle.ready(force, model.spans.aliveCount)) return true;
    this.revision = model.spans.revision;
    this.spans = spansInRange(model.spans.all, (item) => model.has(item), this.range).filter((item) => item.table === this.table);
    this.groups = groupFailures(this.spans, this.table, this.dimension, this.operationItems);
    const groups = this.groups;
    this.list.setSource({ count: groups.length, at: (index) => groups[index]! });
    this.selectedKey = keptSelection(groups, this.selectedKey);
    this.list.select(this.selectedKey);
    const failed = this.spans.filter((item) => item.success === false).length;
    setText(this.countLabel, t('{0} failed of {1}', formatCount(failed), formatCount(this.spans.length)));
    this.renderDetail();
    return false;
  }

  private readonly operationItems = (id: string): readonly PanelItem[] | undefined => this.context.model.operations.get(id)?.items;

  private renderDetail(): void {
    const group = this.groups.find((candidate) => candidate.key === this.selectedKey);
    this.detail.hidden = !group;
    if (!group) return;
    replaceChildren(
      this.detailTitle,
      h('span', { class: 'performance-name', title: displayText(group.key) }, keyText(group.key, this.dimension)),
      h('span', { class: 'failure-summary' }, t('{0} failed of {1}', formatCount(group.items.length), formatCount(group.total))),
    );
    // "All" counts the calls under the same key (every call for exception types, which only failed calls have).
    const all =
      this.dimension === 'exceptionType'
        ? this.spans
        : this.spans.filter((item) => failureKeys(item, this.dimension, this.operationItems).includes(group.key));
    const series = countsOverTime(group.items, all);
    this.chart.setData(series.times, series.failed, series.all);
    const others = FAILURE_DIMENSIONS.filter((dimension) => dimension !== this.dimension);
    replaceChildren(
      this.breakdowns,
      others.map((dimension) => {
        const entries = groupFailures(group.items, this.table, dimension, this.operationItems).slice(0, 5);
        return h(
          'section',
          { class: 'performance-section', 'data-dimension': dimension },
          h('h3', { class: 'section-title' }, t(DIMENSION_LABELS[dimension])),
          h(
            'div',
            { class: 'related-list', role: 'list' },
            entries.map((entry) =>
              h(
                'div',
                { class: 'related-row', role: 'listitem', title: displayText(entry.key) },
                h('span', { class: 'cell-name' }, keyText(entry.key, dimension)),
                h('span', { class: 'numeric failed' }, formatCount(entry.items.length)),
              ),
            ),
          ),
        );
      }),
    );
    const samples = pickSamples(group.items, 'latest');
    replaceChildren(
      this.samples,
      samples.map((item) => this.sampleRow(item)),
    );
  }

  private sampleRow(item: PanelItem): HTMLElement {
    const name =
      this.table === 'requests'
        ? item.name
        : [item.type, item.target].filter((part) => typeof part === 'string' && part !== '').join(' · ');
    const text = `${typeof item.resultCode === 'string' ? item.resultCode : ''} ${typeof name === 'string' ? name : ''}`.trim();
    return sampleRow(this.context, item, true, text);
  }
}

function keyText(key: string, dimension: FailureDimension): HTMLElement | string {
  if (key !== '') return telemetryText(key);
  return dimension === 'exceptionType' ? t('(no exception)') : t('(unnamed)');
}

function renderGroupRow(group: FailureGroup, dimension: FailureDimension): HTMLElement {
  return h(
    'div',
    { class: ['row', 'failures-columns'], title: displayText(group.key) },
    h('span', { class: 'cell-name' }, keyText(group.key, dimension)),
    h('span', { class: 'numeric failed' }, formatCount(group.items.length)),
    h('span', { class: 'numeric' }, formatCount(group.total)),
    h('span', { class: 'numeric' }, group.total > 0 ? formatPercent(group.items.length / group.total) : ''),
  );
}
