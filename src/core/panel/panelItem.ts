/**
 * Store item → the item the webview shows. Only the fields the panel protocol names are copied, so
 * a field added to the store never leaks into postMessage by accident, and the SDK's own
 * telemetry (Statsbeat, the exporter's resource rows) stays out of the user's views. Plain Node: never import `vscode` here.
 */
import { PANEL_COPIED_FIELDS, PanelException, PanelItem, PanelMetric } from '../../shared/messages';
import { GENAI_CONTENT_KEYS, genAiOf } from '../genai/genaiCall';
import { exceptionFrames, logSourceLocation } from '../source/stackFrames';
import type { TelemetryItem } from '../store/telemetryItem';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The OpenTelemetry exporter's resource carrier: one `customMetrics` row per export with the
 * resource attributes and a constant 1 — not a metric anyone charts.
 */
export const OTEL_RESOURCE_METRIC = '_OTELRESOURCE_';

/** The SDK reporting on itself (Statsbeat, resource rows): kept in the store, never shown. */
export function isShownInPanel(item: TelemetryItem): boolean {
  return item.statsbeat !== true && !(item.table === 'customMetrics' && item.name === OTEL_RESOURCE_METRIC);
}

/** How items are shown: GenAI message content is sensitive, a setting hides it (issue 19). */
export interface PanelItemOptions {
  readonly genAiContent?: boolean;
}

export function toPanelItem(item: TelemetryItem, options: PanelItemOptions = {}): PanelItem {
  const panelItem: Mutable<PanelItem> = { seq: item.seq, table: item.table, time: item.time };
  const target = panelItem as Record<string, unknown>;
  for (const field of PANEL_COPIED_FIELDS) {
    if (item[field] !== undefined) target[field] = item[field];
  }
  if (item.exceptions) {
    panelItem.exceptions = item.exceptions.map((detail) => {
      const exception: Mutable<PanelException> = {};
      if (detail.typeName !== undefined) exception.typeName = detail.typeName;
      if (detail.message !== undefined) exception.message = detail.message;
      if (detail.stack !== undefined) exception.stack = detail.stack;
      const frames = exceptionFrames(detail);
      if (frames.length > 0) exception.frames = frames;
      return exception;
    });
  }
  if (item.table === 'traces' || item.table === 'exceptions') {
    const source = logSourceLocation(item.properties);
    if (source) panelItem.source = source;
  }
  // Issue 19: a GenAI call or message, read from its attributes (content is local-only telemetry text).
  const genai =
    item.table === 'dependencies' || item.table === 'requests' || item.table === 'traces' || item.table === 'customEvents'
      ? genAiOf(item, { showContent: options.genAiContent !== false })
      : undefined;
  if (genai) {
    panelItem.genai = genai;
    // Hidden content is hidden everywhere in the panel: the raw attributes that carry it go too.
    if (options.genAiContent === false && panelItem.properties) {
      panelItem.properties = Object.fromEntries(Object.entries(panelItem.properties).filter(([key]) => !GENAI_CONTENT_KEYS.has(key)));
    }
  }
  if (item.metrics) {
    panelItem.metrics = item.metrics.map((point) => {
      const metric: Mutable<PanelMetric> = { name: point.name, value: point.value };
      if (point.count !== undefined) metric.count = point.count;
      if (point.min !== undefined) metric.min = point.min;
      if (point.max !== undefined) metric.max = point.max;
      if (point.stdDev !== undefined) metric.stdDev = point.stdDev;
      return metric;
    });
  }
  return panelItem;
}

/** The shown items of a list, converted, in the same order. */
export function toPanelItems(items: readonly TelemetryItem[], options: PanelItemOptions = {}): PanelItem[] {
  const result: PanelItem[] = [];
  for (const item of items) {
    if (isShownInPanel(item)) result.push(toPanelItem(item, options));
  }
  return result;
}
