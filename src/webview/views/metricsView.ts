/**
 * Metrics: one live chart per metric name found in customMetrics items — OpenCensus views and
 * OpenTelemetry instruments alike — with the last value, point count, and count/min/max when the
 * SDK sent them (OTel histograms) or the observed range otherwise. Above them, when the app made
 * GenAI calls, input and output tokens per model over time (issue 19).
 */
import { searchField } from '../controls';
import { displayText, h, setText, telemetryText } from '../dom';
import { formatCount, formatTime, formatValue } from '../format';
import { plural, t } from '../l10n';
import { type ModelTokenSeries, OTHER_MODELS } from '../model/genaiUsage';
import type { MetricSeries } from '../model/metricSeries';
import { isStandardPerformanceCounter } from '../../shared/standardMetrics';
import { TimeChart } from '../timeChart';
import { type PanelView, Throttle, type ViewContext } from './viewContext';

class MetricCard {
  readonly element: HTMLElement;
  private readonly chart: TimeChart;
  private readonly stats: HTMLElement;
  private readonly subtitle: HTMLElement;
  private version = -1;

  constructor(readonly series: MetricSeries) {
    this.chart = new TimeChart({ lines: [{ label: series.name, color: 'blue', fill: true }], height: 120, formatValue, points: true });
    this.stats = h('dl', { class: 'metric-stats' });
    this.subtitle = h('div', { class: 'metric-subtitle' });
    this.element = h(
      'article',
      { class: 'metric-card', 'aria-label': t('Metric {0}', series.name) },
      h('h3', { class: 'metric-name', title: displayText(series.name) }, telemetryText(series.name)),
      this.subtitle,
      this.stats,
      this.chart.element,
    );
  }

  update(): void {
    const series = this.series;
    if (series.version === this.version) return;
    this.version = series.version;
    const stats = series.stats;
    const entries: [string, string][] = [
      [t('Last'), formatValue(stats.last)],
      [t('Points'), formatCount(stats.points)],
    ];
    if (stats.count !== undefined) entries.push([t('Count'), formatCount(stats.count)]);
    entries.push(
      [stats.minMaxSent ? t('Min') : t('Low'), formatValue(stats.min)],
      [stats.minMaxSent ? t('Max') : t('High'), formatValue(stats.max)],
    );
    this.stats.replaceChildren(...entries.map(([name, value]) => h('div', { class: 'stat' }, h('dt', null, name), h('dd', null, value))));
    const roles = [...series.roles].sort().join(', ');
    setText(
      this.subtitle,
      [series.sdk, roles, stats.lastTime !== undefined ? t('updated {0}', formatTime(stats.lastTime)) : ''].filter(Boolean).join(' · '),
    );
    this.chart.setData(series.times, series.values);
  }

  destroy(): void {
    this.chart.destroy();
    this.element.remove();
  }
}

/** Input and output tokens of one model, summed per time bucket. */
class TokenUsageCard {
  readonly element: HTMLElement;
  private readonly chart: TimeChart;
  private readonly stats: HTMLElement;
  private readonly subtitle: HTMLElement;

  constructor(readonly model: string) {
    const name = modelLabel(model);
    this.chart = new TimeChart({
      lines: TOKEN_LINES.map((line) => ({ label: t(line.label), color: line.color })),
      height: 120,
      formatValue,
      yMin: 0,
      points: true,
    });
    this.stats = h('dl', { class: 'metric-stats' });
    this.subtitle = h('div', { class: 'metric-subtitle' });
    this.element = h(
      'article',
      { class: 'metric-card genai-usage-card', 'aria-label': t('Token usage of {0}', name) },
      h('h3', { class: 'metric-name', title: displayText(name) }, telemetryText(name)),
      this.subtitle,
      this.stats,
      this.chart.element,
    );
  }

  update(series: ModelTokenSeries): void {
    setText(this.subtitle, plural(series.calls, '{0} call', '{0} calls'));
    const entries: [string, string][] = [
      [t('Input tokens'), formatCount(series.inputTokens)],
      [t('Output tokens'), formatCount(series.outputTokens)],
    ];
    this.stats.replaceChildren(...entries.map(([name, value]) => h('div', { class: 'stat' }, h('dt', null, name), h('dd', null, value))));
    this.chart.setData(series.times, series.input, series.output);
  }

  destroy(): void {
    this.chart.destroy();
    this.element.remove();
  }
}

const TOKEN_LINES = [
  { label: 'Input tokens', color: 'blue' },
  { label: 'Output tokens', color: 'orange' },
] as const;

function modelLabel(model: string): string {
  return model === OTHER_MODELS ? t('Other models') : model;
}

export class MetricsView implements PanelView {
  readonly id = 'metrics' as const;
  readonly element: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly counterGrid: HTMLElement;
  private readonly counterTitle: HTMLElement;
  private readonly counterGroup: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly countLabel: HTMLElement;
  private readonly cards = new Map<MetricSeries, MetricCard>();
  private readonly usageSection: HTMLElement;
  private readonly usageGrid: HTMLElement;
  private readonly usageCards = new Map<string, TokenUsageCard>();
  private readonly throttle = new Throttle(250, 12);
  private revision = -1;
  private usageRevision = -1;
  private search = '';

  constructor(private readonly context: ViewContext) {
    this.grid = h('div', { class: 'metric-grid' });
    this.counterGrid = h('div', { class: 'metric-grid' });
    this.counterTitle = h('span', { class: 'metric-group-title' });
    // OpenCensus sends six standard counters by default; they go below the user's own metrics, folded.
    this.counterGroup = h('details', { class: 'metric-group', hidden: true }, h('summary', null, this.counterTitle), this.counterGrid);
    this.empty = h(
      'div',
      { class: 'placeholder' },
      t(
        'No custom metrics yet. OpenCensus views (metrics_exporter) and OpenTelemetry instruments (meter.create_counter, create_histogram…) appear here as customMetrics.',
      ),
    );
    this.usageGrid = h('div', { class: 'metric-grid' });
    const legend = h(
      'div',
      { class: 'chart-legend' },
      TOKEN_LINES.map((line) =>
        h('span', { class: ['legend-item', `legend-${line.color}`] }, h('span', { class: 'legend-swatch' }), t(line.label)),
      ),
    );
    this.usageSection = h(
      'section',
      { class: 'metric-group genai-usage', hidden: true, 'aria-label': t('GenAI token usage') },
      h('h2', { class: 'metric-group-title' }, t('GenAI token usage')),
      legend,
      this.usageGrid,
    );
    this.countLabel = h('span', { class: 'filter-count' });
    const search = searchField(t('Filter metrics by name'), '', (value) => {
      this.search = value.toLowerCase();
      this.render(true);
    });
    this.element = h(
      'div',
      { class: 'view metrics-view' },
      h('div', { class: 'filter-bar' }, search, this.countLabel),
      h('div', { class: 'scroll-area' }, this.usageSection, this.empty, this.grid, this.counterGroup),
    );
  }

  render(force: boolean): boolean {
    const metrics = this.context.model.metrics;
    const usage = this.context.model.genaiUsage;
    if (!force && metrics.revision === this.revision && usage.revision === this.usageRevision) return false;
    if (!this.throttle.ready(force, metrics.seriesCount + usage.calls)) return true;
    this.revision = metrics.revision;
    this.usageRevision = usage.revision;
    this.renderTokenUsage();
    const all = metrics.list();
    const shown = all.filter((series) => !this.search || series.name.toLowerCase().includes(this.search));
    const wanted = new Set(shown);
    for (const [series, card] of this.cards) {
      if (!wanted.has(series)) {
        card.destroy();
        this.cards.delete(series);
      }
    }
    const cardOf = (series: MetricSeries): HTMLElement => {
      let card = this.cards.get(series);
      if (!card) this.cards.set(series, (card = new MetricCard(series)));
      return card.element;
    };
    const counters = shown.filter((series) => isStandardPerformanceCounter(series.name));
    placeInOrder(this.grid, shown.filter((series) => !isStandardPerformanceCounter(series.name)).map(cardOf));
    placeInOrder(this.counterGrid, counters.map(cardOf));
    this.counterGroup.hidden = counters.length === 0;
    setText(this.counterTitle, t('Standard performance counters ({0})', formatCount(counters.length)));
    for (const series of shown) this.cards.get(series)!.update();
    this.empty.hidden = all.length > 0;
    setText(
      this.countLabel,
      shown.length === all.length
        ? plural(all.length, '{0} metric', '{0} metrics')
        : plural(all.length, '{1} of {0} metric', '{1} of {0} metrics', formatCount(shown.length)),
    );
    return false;
  }

  /** Shown only when the app made GenAI calls with token counts; the name filter applies to models too. */
  private renderTokenUsage(): void {
    const all = this.context.model.genaiUsage.series();
    const shown = all.filter((series) => !this.search || modelLabel(series.model).toLowerCase().includes(this.search));
    const wanted = new Set(shown.map((series) => series.model));
    for (const [model, card] of this.usageCards) {
      if (!wanted.has(model)) {
        card.destroy();
        this.usageCards.delete(model);
      }
    }
    const cards = shown.map((series) => {
      let card = this.usageCards.get(series.model);
      if (!card) this.usageCards.set(series.model, (card = new TokenUsageCard(series.model)));
      card.update(series);
      return card.element;
    });
    placeInOrder(this.usageGrid, cards);
    this.usageSection.hidden = shown.length === 0;
  }
}

/** Re-appends only when the order changed, so charts are not detached every frame. */
function placeInOrder(grid: HTMLElement, ordered: readonly HTMLElement[]): void {
  const current = [...grid.children];
  if (current.length !== ordered.length || current.some((element, index) => element !== ordered[index])) grid.replaceChildren(...ordered);
}
