/**
 * Live: request, dependency and exception rates and durations over the last five minutes, like
 * Live Metrics in the portal. Uses the SDK's Live Metrics (QuickPulse) posts when it sends them
 * (`enable_live_metrics=True`), else counts the telemetry items as they arrive.
 */
import { h, setText } from '../dom';
import type { WebviewString } from '../../shared/webviewStrings';
import { formatBytes, formatDuration, formatRate, formatValue } from '../format';
import { plural, t } from '../l10n';
import { LIVE_WINDOW_SECONDS, type LiveMetricKey, type LiveSeries } from '../model/liveRates';
import type { ChartColor } from '../theme';
import { TimeChart } from '../timeChart';
import type { PanelView, ViewContext } from './viewContext';

interface ChartSpec {
  readonly title: WebviewString;
  readonly lines: readonly { key: LiveMetricKey; label: WebviewString; color: ChartColor; fill?: boolean }[];
  readonly format: (value: number) => string;
  /** Hidden unless the source sends it (Live Metrics only). */
  readonly optional?: boolean;
}

const CHARTS: readonly ChartSpec[] = [
  {
    title: 'Incoming requests',
    lines: [
      { key: 'requestRate', label: 'Requests/s', color: 'blue', fill: true },
      { key: 'requestFailedRate', label: 'Failed/s', color: 'red' },
    ],
    format: (value) => formatRate(value),
  },
  {
    title: 'Request duration',
    lines: [{ key: 'requestDuration', label: 'Average duration', color: 'purple' }],
    format: (value) => formatDuration(value),
  },
  {
    title: 'Outgoing dependency calls',
    lines: [
      { key: 'dependencyRate', label: 'Calls/s', color: 'green', fill: true },
      { key: 'dependencyFailedRate', label: 'Failed/s', color: 'red' },
    ],
    format: (value) => formatRate(value),
  },
  {
    title: 'Dependency duration',
    lines: [{ key: 'dependencyDuration', label: 'Average duration', color: 'orange' }],
    format: (value) => formatDuration(value),
  },
  {
    title: 'Exceptions',
    lines: [{ key: 'exceptionRate', label: 'Exceptions/s', color: 'red', fill: true }],
    format: (value) => formatRate(value),
  },
  {
    title: 'Processor time',
    lines: [{ key: 'cpuPercent', label: '% processor', color: 'yellow', fill: true }],
    format: (value) => `${formatValue(value)}%`,
    optional: true,
  },
  {
    title: 'Committed memory',
    lines: [{ key: 'memoryBytes', label: 'Committed bytes', color: 'purple', fill: true }],
    format: (value) => formatBytes(value),
    optional: true,
  },
];

interface Tile {
  readonly key: LiveMetricKey;
  readonly label: WebviewString;
  readonly format: (value: number) => string;
  readonly alarm?: boolean;
}

const TILES: readonly Tile[] = [
  { key: 'requestRate', label: 'Requests', format: formatRate },
  { key: 'requestFailedRate', label: 'Failed requests', format: formatRate, alarm: true },
  { key: 'requestDuration', label: 'Request duration', format: formatDuration },
  { key: 'dependencyRate', label: 'Dependency calls', format: formatRate },
  { key: 'dependencyFailedRate', label: 'Failed calls', format: formatRate, alarm: true },
  { key: 'dependencyDuration', label: 'Call duration', format: formatDuration },
  { key: 'exceptionRate', label: 'Exceptions', format: formatRate, alarm: true },
];

const DOCUMENT_KINDS: Record<string, WebviewString> = {
  request: 'Request',
  dependency: 'Dependency',
  exception: 'Exception',
  event: 'Event',
  trace: 'Trace',
};

/** Items arrive in SDK batches: average recent seconds instead of showing the last (partial) one. */
const RECENT_SECONDS = 10;

export class LiveView implements PanelView {
  readonly id = 'live' as const;
  readonly element: HTMLElement;
  private readonly source: HTMLElement;
  /** Shown while the Azure portal's Live Metrics watches an app through the relay. */
  private readonly portal: HTMLElement;
  private readonly tiles = new Map<LiveMetricKey, { element: HTMLElement; value: HTMLElement }>();
  private readonly charts: { spec: ChartSpec; chart: TimeChart; element: HTMLElement }[] = [];
  private revision = -1;
  private documentsRevision = -1;
  /** The portal's "Sample telemetry": documents the SDK posted for the portal's document streams. */
  private readonly documents: HTMLElement;
  private readonly documentList: HTMLElement;

  constructor(private readonly context: ViewContext) {
    this.source = h('div', { class: 'live-source' });
    this.portal = h('div', { class: 'live-portal', hidden: true, role: 'status' });
    const tileRow = h('div', { class: 'live-tiles' });
    for (const tile of TILES) {
      const value = h('div', { class: 'tile-value' }, '–');
      const element = h('div', { class: 'tile', 'data-metric': tile.key }, h('div', { class: 'tile-label' }, t(tile.label)), value);
      this.tiles.set(tile.key, { element, value });
      tileRow.append(element);
    }
    const grid = h('div', { class: 'live-grid' });
    for (const spec of CHARTS) {
      const chart = new TimeChart({
        lines: spec.lines.map(({ label, color, fill }) => ({ label: t(label), color, fill })),
        height: 140,
        formatValue: spec.format,
        yMin: 0,
      });
      const legend = h(
        'div',
        { class: 'chart-legend' },
        spec.lines.map((line) =>
          h('span', { class: ['legend-item', `legend-${line.color}`] }, h('span', { class: 'legend-swatch' }), t(line.label)),
        ),
      );
      const element = h('article', { class: 'live-card' }, h('h3', null, t(spec.title)), legend, chart.element);
      this.charts.push({ spec, chart, element });
      grid.append(element);
    }
    this.documentList = h('ol', { class: 'live-documents' });
    this.documents = h(
      'article',
      { class: 'live-card live-documents-card', hidden: true },
      h('h3', null, t('Sample telemetry')),
      this.documentList,
    );
    this.element = h(
      'div',
      { class: 'view live-view' },
      h('div', { class: 'filter-bar' }, this.source, this.portal),
      h('div', { class: 'scroll-area' }, tileRow, grid, this.documents),
    );
  }

  render(force: boolean): boolean {
    const live = this.context.model.live;
    if (!force && live.revision === this.revision && this.context.model.liveDocumentsRevision === this.documentsRevision) return false;
    this.revision = live.revision;
    this.draw();
    return false;
  }

  /** Newest first, as the portal lists them; text only (untrusted). */
  private drawDocuments(): void {
    const model = this.context.model;
    if (model.liveDocumentsRevision === this.documentsRevision) return;
    this.documentsRevision = model.liveDocumentsRevision;
    const documents = model.liveDocuments;
    this.documents.hidden = documents.length === 0;
    this.documentList.replaceChildren(
      ...documents
        .slice(-50)
        .reverse()
        .map((document) => {
          const facts = [document.detail, document.code, document.duration, document.role].filter(
            (fact): fact is string => fact !== undefined && fact !== '',
          );
          const properties = (document.properties ?? []).map(([key, value]) => `${key}=${value}`).join(' · ');
          return h(
            'li',
            { class: ['live-document', `live-document-${document.kind}`], 'data-kind': document.kind },
            h('span', { class: 'live-document-time' }, new Date(document.time).toLocaleTimeString()),
            h('span', { class: 'live-document-kind' }, t(DOCUMENT_KINDS[document.kind] ?? 'Trace')),
            h('span', { class: 'live-document-title' }, document.title),
            facts.length > 0 ? h('span', { class: 'live-document-facts' }, facts.join(' · ')) : '',
            properties ? h('span', { class: 'live-document-properties' }, properties) : '',
          );
        }),
    );
  }

  tick(): void {
    this.draw();
  }

  private draw(): void {
    this.drawDocuments();
    const watching = this.context.model.forwarding.live?.portalWatching === true;
    this.portal.hidden = !watching;
    setText(this.portal, watching ? t('Azure portal Live Metrics is watching') : '');
    const series = this.context.model.live.series(Date.now());
    setText(
      this.source,
      series.source === 'live-metrics'
        ? plural(
            series.instances.length,
            'Source: Live Metrics (QuickPulse) from {0} instance · last {1} minutes',
            'Source: Live Metrics (QuickPulse) from {0} instances · last {1} minutes',
            LIVE_WINDOW_SECONDS / 60,
          )
        : t(
            'Source: computed from received telemetry (no Live Metrics posts; the azure-monitor-opentelemetry distro sends them with enable_live_metrics=True) · last {0} minutes',
            LIVE_WINDOW_SECONDS / 60,
          ),
    );
    for (const tile of TILES) {
      const value = currentValue(series, tile.key);
      const view = this.tiles.get(tile.key)!;
      setText(view.value, value === undefined ? '–' : tile.format(value));
      view.element.classList.toggle('alarm', !!tile.alarm && (value ?? 0) > 0);
    }
    for (const { spec, chart, element } of this.charts) {
      const values = spec.lines.map((line) => series.values[line.key]);
      const hasData = values.some((column) => column.some((value) => value !== null));
      element.hidden = !!spec.optional && !hasData;
      if (!element.hidden) chart.setData(series.times, ...values);
    }
  }
}

function currentValue(series: LiveSeries, key: LiveMetricKey): number | undefined {
  const column = series.values[key];
  if (series.source === 'live-metrics') {
    for (let index = column.length - 1; index >= 0; index--) if (column[index] !== null) return column[index]!;
    return undefined;
  }
  const recent = column.slice(-RECENT_SECONDS).filter((value): value is number => value !== null);
  if (recent.length === 0) return key.endsWith('Duration') ? undefined : 0;
  return recent.reduce((sum, value) => sum + value, 0) / recent.length;
}
