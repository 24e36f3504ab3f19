/** Number, time and name formatting for the panel (locale-aware where it matters). */
import type { TableName } from '../shared/messages';
import type { WebviewString } from '../shared/webviewStrings';
import { t } from './l10n';

const SEVERITY_NAMES: readonly WebviewString[] = ['Verbose', 'Information', 'Warning', 'Error', 'Critical'];

export function severityName(level: number | undefined): string {
  const name = level === undefined ? undefined : SEVERITY_NAMES[Math.max(0, Math.min(4, Math.trunc(level)))];
  return name ? t(name) : '';
}

/** `12 ms`, `1.25 s`, `2 min 5 s`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1) return `${ms === 0 ? 0 : ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms * 10) / 10} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** `14:03:07.123` in local time. */
export function formatTime(epochMs: number): string {
  if (!Number.isFinite(epochMs)) return '';
  const millis = String(Math.floor(((epochMs % 1000) + 1000) % 1000)).padStart(3, '0');
  return `${timeFormat.format(epochMs)}.${millis}`;
}

const countFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const valueFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 3 });
const compactFormat = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

export function formatCount(value: number): string {
  return countFormat.format(value);
}

export function formatValue(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  return Math.abs(value) >= 1e6 ? compactFormat.format(value) : valueFormat.format(value);
}

export function formatRate(perSecond: number): string {
  return `${perSecond >= 100 ? Math.round(perSecond) : perSecond.toFixed(perSecond >= 10 ? 1 : 2)}/s`;
}

export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio > 0 && ratio < 0.1 ? 1 : 0)}%`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  const megabytes = bytes / 1024 / 1024;
  if (megabytes < 1024) return `${megabytes.toFixed(megabytes < 100 ? 1 : 0)} MB`;
  return `${(megabytes / 1024).toFixed(2)} GB`;
}

/** Short label for a table: shown in rows next to the item. */
export function tableLabel(table: TableName): string {
  return t(TABLE_LABELS[table] ?? 'trace');
}

const TABLE_LABELS: Record<TableName, WebviewString> = {
  requests: 'request',
  dependencies: 'dependency',
  traces: 'trace',
  exceptions: 'exception',
  customEvents: 'event',
  customMetrics: 'metric',
  pageViews: 'page view',
  availabilityResults: 'availability',
};

/** Cuts long single-line text for row cells (full text is in the details pane). */
export function firstLine(text: string | undefined, max = 500): string {
  if (!text) return '';
  const newline = text.indexOf('\n');
  const line = newline === -1 ? text : text.slice(0, newline);
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
