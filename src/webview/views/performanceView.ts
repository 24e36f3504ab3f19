/**
 * Performance (the portal's "investigate performance", locally): requests by operation name — or
 * dependencies by type, target or name — with count, failures, average, p50, p95 and p99 over a time
 * range; the selected row's duration distribution, where dragging picks the samples; the
 * dependencies it calls (or the operations calling it); and samples that open the transaction.
 */
import type { PanelItem } from '../../shared/messages';
import type { WebviewString } from '../../shared/webviewStrings';
import { displayText, h, replaceChildren, setText, telemetryText } from '../dom';
import { formatCount, formatDuration } from '../format';
import { HistogramChart } from '../histogramChart';
import { plural, t } from '../l10n';
import {
  type DurationRange,
  durationHistogram,
  GROUPINGS,
  type Grouping,
  groupSpans,
  isFailedSpan,
  pickSamples,
  relatedGroups,
  SAMPLE_KINDS,
  type SampleKind,
  type SpanGroup,
  spansInRange,
  TIME_RANGES,
  type TimeRange,
  withinDuration,
} from '../model/performance';
import { VirtualList } from '../virtualList';
import { choiceSelect, keptSelection, sampleRow } from './spanViewParts';
import { type PanelView, Throttle, type ViewContext } from './viewContext';

const ROW_HEIGHT = 24;

export const TIME_RANGE_LABELS: Record<TimeRange, WebviewString> = {
  '5m': 'Last 5 minutes',
  '30m': 'Last 30 minutes',
  '1h': 'Last hour',
  all: 'All data',
};
const GROUPING_LABELS: Record<Grouping, WebviewString> = {
  operation: 'Requests by operation name',
  dependencyType: 'Dependencies by type',
  dependencyTarget: 'Dependencies by target',
  dependencyName: 'Dependencies by name',
};
const SAMPLE_LABELS: Record<SampleKind, WebviewString> = { slowest: 'Slowest', failed: 'Failed', latest: 'Latest' };

export class PerformanceView implements PanelView {
  readonly id = 'performance' as const;
  readonly element: HTMLElement;
  private readonly list: VirtualList<SpanGroup>;
  private readonly countLabel: HTMLElement;
  private readonly detailTitle: HTMLElement;
  private readonly detailStats: HTMLElement;
  private readonly histogram: HistogramChart;
  private readonly rangeNote: HTMLElement;
  private readonly clearRange: HTMLElement;
  private readonly related: HTMLElement;
  private readonly relatedTitle: HTMLElement;
  private readonly samples: HTMLElement;
  private readonly detail: HTMLElement;
  // At most one refresh a second while data arrives (percentiles sort every group; the chart redraws).
  private readonly throttle = new Throttle(1000, 0);
  private range: TimeRange = '1h';
  private grouping: Grouping = 'operation';
  private sampleKind: SampleKind = 'slowest';
  private groups: SpanGroup[] = [];
  private selectedKey: string | undefined;
  private durationRange: DurationRange | undefined;
  private revision = -1;

  constructor(private readonly context: ViewContext) {
    const rangeSelect = choiceSelect('Time range', TIME_RANGES, TIME_RANGE_LABELS, this.range, 'performance-range', (value) => {
      this.range = value;
      this.render(true);
    });
    const groupingSelect = choiceSelect('Group by', GROUPINGS, GROUPING_LABELS, this.grouping, 'performance-grouping', (value) => {
      this.grouping = value;
      this.selectedKey = undefined;
      this.durationRange = undefined;
      this.render(true);
    });
    const sampleSelect = choiceSelect('Samples', SAMPLE_KINDS, SAMPLE_LABELS, this.sampleKind, 'performance-sample-kind', (value) => {
      this.sampleKind = value;
      this.renderDetail();
    });
    this.countLabel = h('span', { class: 'filter-count', 'aria-live': 'polite' });
    this.list = new VirtualList<SpanGroup>({
      rowHeight: ROW_HEIGHT,
      label: t('Operations, most total time first'),
      className: 'performance-list',
      key: (group) => group.key,
      renderRow: (group) => renderGroupRow(group),
      onSelect: (group) => this.select(group?.key),
      emptyText: () => (this.grouping === 'operation' ? t('No requests in this time range.') : t('No dependencies in this time range.')),
    });
    this.detailTitle = h('div', { class: 'performance-title' });
    this.detailStats = h('dl', { class: 'performance-stats' });
    this.histogram = new HistogramChart(140, t('Duration distribution; drag across it to pick the samples'), (range) => {
      this.durationRange = range;
      this.renderDetail();
    });
    this.rangeNote = h('span', { class: 'range-note', 'aria-live': 'polite' });
    this.clearRange = h(
      'vscode-button',
      { secondary: true, class: 'clear-range', hidden: true, on: { click: () => this.resetDurationRange() } },
      t('Clear range'),
    );
    this.relatedTitle = h('h3', { class: 'section-title' });
    this.related = h('div', { class: 'related-list', role: 'list' });
    this.samples = h('div', { class: 'sample-list', role: 'list', 'aria-label': t('Samples') });
    this.detail = h(
      'div',
      { class: 'detail performance-detail' },
      this.detailTitle,
      this.detailStats,
      h(
        'div',
        { class: 'histogram-box' },
        h(
          'div',
          { class: 'histogram-bar' },
          h('h3', { class: 'section-title' }, t('Duration distribution')),
          this.rangeNote,
          this.clearRange,
        ),
        this.histogram.element,
      ),
      h(
        'div',
        { class: 'performance-sections' },
        h('section', { class: 'performance-section' }, this.relatedTitle, this.related),
        h(
          'section',
          { class: 'performance-section' },
          h('div', { class: 'histogram-bar' }, h('h3', { class: 'section-title' }, t('Samples')), sampleSelect.element),
          this.samples,
        ),
      ),
    );
    this.element = h(
      'div',
      { class: 'view performance-view' },
      h(
        'div',
        { class: 'master' },
        h('div', { class: 'filter-bar' }, rangeSelect.element, groupingSelect.element, this.countLabel),
        h(
          'div',
          { class: 'list-header performance-columns', 'aria-hidden': 'true' },
          h('span', null, t('Name')),
          ...(['Count', 'Failed', 'Average', 'P50', 'P95', 'P99'] as const).map((column) => h('span', { class: 'numeric' }, t(column))),
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
    const spans = spansInRange(model.spans.all, (item) => model.has(item), this.range);
    this.groups = groupSpans(spans, this.grouping);
    const groups = this.groups;
    this.list.setSource({ count: groups.length, at: (index) => groups[index]! });
    this.selectedKey = keptSelection(groups, this.selectedKey);
    this.list.select(this.selectedKey);
    const spanCount = groups.reduce((sum, group) => sum + group.count, 0);
    setText(
      this.countLabel,
      this.grouping === 'operation'
        ? plural(spanCount, '{0} request', '{0} requests')
        : plural(spanCount, '{0} dependency', '{0} dependencies'),
    );
    this.renderDetail();
    return false;
  }

  private select(key: string | undefined): void {
    if (key === this.selectedKey) return;
    this.selectedKey = key;
    this.resetDurationRange();
  }

  private resetDurationRange(): void {
    this.durationRange = undefined;
    this.histogram.clearSelection();
    this.renderDetail();
  }

  private renderDetail(): void {
    const group = this.groups.find((candidate) => candidate.key === this.selectedKey);
    this.detail.hidden = !group;
    if (!group) return;
    const operations = this.context.model.operations;
    const operationItems = (id: string) => operations.get(id)?.items;
    replaceChildren(
      this.detailTitle,
      h('span', { class: 'performance-name', title: displayText(group.key) }, group.key ? telemetryText(group.key) : t('(unnamed)')),
    );
    replaceChildren(
      this.detailStats,
      ...(
        [
          ['Count', formatCount(group.count)],
          ['Failed', formatCount(group.failures)],
          ['Average', formatDuration(group.average)],
          ['P50', formatDuration(group.p50)],
          ['P95', formatDuration(group.p95)],
          ['P99', formatDuration(group.p99)],
        ] as const
      ).map(([name, value]) => h('div', { class: 'stat' }, h('dt', null, t(name)), h('dd', null, value))),
    );
    this.histogram.setHistogram(durationHistogram(group.items));
    const picked = withinDuration(group.items, this.durationRange);
    this.clearRange.hidden = !this.durationRange;
    setText(
      this.rangeNote,
      this.durationRange
        ? t(
            '{0} to {1}: {2} of {3}',
            formatDuration(this.durationRange.from),
            formatDuration(this.durationRange.to),
            formatCount(picked.length),
            formatCount(group.count),
          )
        : t('Drag across the bars to pick a duration range.'),
    );
    setText(this.relatedTitle, this.grouping === 'operation' ? t('Top dependencies') : t('Called by'));
    const related = relatedGroups(picked, this.grouping, operationItems);
    replaceChildren(
      this.related,
      related.length === 0
        ? h(
            'div',
            { class: 'placeholder' },
            this.grouping === 'operation' ? t('No dependencies in these transactions.') : t('No requests in these transactions.'),
          )
        : related.map((entry) =>
            h(
              'div',
              { class: 'related-row', role: 'listitem', title: displayText(entry.label) },
              h('span', { class: 'cell-name' }, telemetryText(entry.label || t('(unnamed)'))),
              h('span', { class: 'numeric' }, formatCount(entry.count)),
              h(
                'span',
                { class: ['numeric', entry.failures > 0 ? 'failed' : ''] },
                entry.failures > 0 ? plural(entry.failures, '{0} failed', '{0} failed') : '',
              ),
              h('span', { class: 'numeric' }, formatDuration(entry.average)),
            ),
          ),
    );
    const samples = pickSamples(picked, this.sampleKind);
    replaceChildren(
      this.samples,
      samples.length === 0 ? h('div', { class: 'placeholder' }, t('No samples.')) : samples.map((item) => this.sampleRow(item)),
    );
  }

  private sampleRow(item: PanelItem): HTMLElement {
    return sampleRow(this.context, item, isFailedSpan(item), typeof item.resultCode === 'string' ? item.resultCode : '');
  }
}

function renderGroupRow(group: SpanGroup): HTMLElement {
  return h(
    'div',
    { class: ['row', 'performance-columns', group.failures > 0 ? 'has-failures' : ''], title: displayText(group.key) },
    h('span', { class: 'cell-name' }, group.key ? telemetryText(group.key) : t('(unnamed)')),
    h('span', { class: 'numeric' }, formatCount(group.count)),
    h('span', { class: ['numeric', group.failures > 0 ? 'failed' : ''] }, formatCount(group.failures)),
    h('span', { class: 'numeric' }, formatDuration(group.average)),
    h('span', { class: 'numeric' }, formatDuration(group.p50)),
    h('span', { class: 'numeric' }, formatDuration(group.p95)),
    h('span', { class: 'numeric' }, formatDuration(group.p99)),
  );
}
