/**
 * Envelope → {@link TelemetryItem}. Dispatches on `data.baseType`, never on the envelope name
 * (both `Microsoft.ApplicationInsights.Request` and `Microsoft.ApplicationInsights.<ikey>.Request`
 * exist). Total over any input that passed the receiver's validation: fields of the wrong type are
 * dropped, never thrown on. Plain Node: never import `vscode` here.
 */
import { Envelope, SEVERITY_NAMES, TAG } from '../envelope';
import { normaliseOperationId, normaliseParentId } from './operationIds';
import { ExceptionDetail, MetricPoint, StackFrame, TableName, TelemetryItem } from './telemetryItem';
import { parseDuration, parseTimestamp } from './time';

const TABLE_BY_BASE_TYPE: Readonly<Record<string, TableName>> = {
  RequestData: 'requests',
  RemoteDependencyData: 'dependencies',
  MessageData: 'traces',
  ExceptionData: 'exceptions',
  EventData: 'customEvents',
  MetricData: 'customMetrics',
  PageViewData: 'pageViews',
  PageViewPerfData: 'pageViews',
  AvailabilityData: 'availabilityResults',
};

type Fields = Record<string, unknown>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function tableOf(baseType: unknown): TableName | undefined {
  return typeof baseType === 'string' && Object.prototype.hasOwnProperty.call(TABLE_BY_BASE_TYPE, baseType) ? TABLE_BY_BASE_TYPE[baseType] : undefined;
}

/** The item for an envelope, or undefined when its baseType is not one we show. */
export function normaliseEnvelope(envelope: Envelope, seq: number, now = Date.now()): TelemetryItem | undefined {
  const table = tableOf(envelope.data?.baseType);
  if (table === undefined) {
    return undefined;
  }
  const tags: Fields = isObject(envelope.tags) ? envelope.tags : {};
  const base: Fields = isObject(envelope.data?.baseData) ? envelope.data!.baseData : {};
  const parent = normaliseParentId(text(tags[TAG.operationParentId]));
  const item: Mutable<TelemetryItem> = {
    seq,
    table,
    time: (typeof envelope.time === 'string' ? parseTimestamp(envelope.time) : undefined) ?? now,
  };
  assign(item, 'role', text(tags[TAG.cloudRole]));
  assign(item, 'roleInstance', text(tags[TAG.cloudRoleInstance]));
  assign(item, 'operationId', normaliseOperationId(text(tags[TAG.operationId])) ?? parent.operationId);
  assign(item, 'operationName', text(tags[TAG.operationName]));
  assign(item, 'parentId', parent.parentId);
  assign(item, 'sdkVersion', text(tags[TAG.sdkVersion]));
  if (typeof envelope.sampleRate === 'number' && envelope.sampleRate !== 100 && envelope.sampleRate > 0) {
    item.sampleRate = envelope.sampleRate;
  }
  if (typeof envelope.name === 'string' && isStatsbeat(envelope.name)) {
    item.statsbeat = true;
  }
  fillTableFields(item, table, base);
  assign(item, 'properties', properties(base.properties));
  assign(item, 'measurements', measurements(base.measurements));
  return item;
}

function fillTableFields(item: Mutable<TelemetryItem>, table: TableName, base: Fields): void {
  switch (table) {
    case 'requests':
      assign(item, 'id', text(base.id));
      assign(item, 'name', text(base.name));
      assign(item, 'duration', parseDuration(base.duration));
      assign(item, 'success', bool(base.success));
      assign(item, 'resultCode', text(base.responseCode));
      assign(item, 'url', text(base.url));
      return;
    case 'dependencies':
      assign(item, 'id', text(base.id));
      assign(item, 'name', text(base.name));
      assign(item, 'duration', parseDuration(base.duration));
      assign(item, 'success', bool(base.success) ?? true); // swagger default
      assign(item, 'resultCode', text(base.resultCode));
      assign(item, 'target', text(base.target));
      assign(item, 'type', text(base.type));
      assign(item, 'data', text(base.data));
      return;
    case 'traces':
      assign(item, 'message', text(base.message));
      assign(item, 'severity', severity(base.severityLevel));
      return;
    case 'exceptions': {
      const details = exceptions(base.exceptions);
      assign(item, 'exceptions', details);
      assign(item, 'severity', severity(base.severityLevel));
      assign(item, 'name', details?.[0]?.typeName);
      assign(item, 'message', details?.[0]?.message);
      return;
    }
    case 'customEvents':
      assign(item, 'name', text(base.name));
      return;
    case 'customMetrics': {
      const points = metrics(base.metrics);
      assign(item, 'metrics', points);
      assign(item, 'name', points?.[0]?.name);
      return;
    }
    case 'pageViews':
      assign(item, 'id', text(base.id));
      assign(item, 'name', text(base.name));
      assign(item, 'url', text(base.url));
      assign(item, 'duration', parseDuration(base.duration));
      return;
    case 'availabilityResults':
      assign(item, 'id', text(base.id));
      assign(item, 'name', text(base.name));
      assign(item, 'duration', parseDuration(base.duration));
      assign(item, 'success', bool(base.success));
      assign(item, 'message', text(base.message));
      assign(item, 'target', text(base.runLocation));
      return;
  }
}

/** 0–4 from an int (clamped) or a swagger name (any case). */
export function severity(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return Math.min(4, Math.max(0, Math.trunc(value)));
  }
  if (typeof value === 'string') {
    const index = SEVERITY_NAMES.findIndex((name) => name.toLowerCase() === value.trim().toLowerCase());
    if (index >= 0) {
      return index;
    }
    const numeric = Number(value);
    return value.trim() !== '' && Number.isFinite(numeric) ? severity(numeric) : undefined;
  }
  return undefined;
}

function exceptions(value: unknown): ExceptionDetail[] | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }
  const details: ExceptionDetail[] = [];
  for (const entry of value) {
    if (!isObject(entry)) {
      continue;
    }
    const detail: Mutable<ExceptionDetail> = {};
    assign(detail, 'typeName', text(entry.typeName));
    assign(detail, 'message', text(entry.message));
    const frames = stackFrames(entry.parsedStack);
    assign(detail, 'parsedStack', frames);
    assign(detail, 'stack', text(entry.stack) ?? (frames ? frames.map(formatFrame).join('\n') : undefined));
    details.push(detail);
  }
  return details.length > 0 ? details : undefined;
}

function stackFrames(value: unknown): StackFrame[] | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }
  const frames: StackFrame[] = [];
  for (const entry of value) {
    if (!isObject(entry)) {
      continue;
    }
    const frame: Mutable<StackFrame> = {};
    assign(frame, 'level', finite(entry.level));
    assign(frame, 'method', text(entry.method));
    assign(frame, 'assembly', text(entry.assembly));
    assign(frame, 'fileName', text(entry.fileName));
    assign(frame, 'line', finite(entry.line));
    frames.push(frame);
  }
  return frames.length > 0 ? frames : undefined;
}

function formatFrame(frame: StackFrame): string {
  const location = frame.fileName ? ` (${frame.fileName}${frame.line !== undefined ? `:${frame.line}` : ''})` : '';
  return `at ${frame.method ?? '<unknown>'}${location}`;
}

function metrics(value: unknown): MetricPoint[] | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }
  const points: MetricPoint[] = [];
  for (const entry of value) {
    const name = isObject(entry) ? text(entry.name) : undefined;
    const pointValue = isObject(entry) ? finite(entry.value) : undefined;
    if (name === undefined || pointValue === undefined) {
      continue;
    }
    const point: Mutable<MetricPoint> = { name, value: pointValue };
    assign(point, 'namespace', text(entry.ns));
    assign(point, 'count', finite(entry.count));
    assign(point, 'min', finite(entry.min));
    assign(point, 'max', finite(entry.max));
    assign(point, 'stdDev', finite(entry.stdDev));
    points.push(point);
  }
  return points.length > 0 ? points : undefined;
}

/** Property values become text (OpenCensus sends `lineNumber` as a number). */
function properties(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) {
    return undefined;
  }
  if (allText(value)) {
    // The usual case (every value a string): keep the parsed object itself, one allocation less per item.
    return value as Record<string, string>;
  }
  const result: Record<string, string> = {};
  let any = false;
  // for-in over a JSON.parse result: own keys only, and no entry arrays (a hot path under load).
  for (const key in value) {
    const entry = value[key];
    if (entry === null || entry === undefined) {
      continue;
    }
    setOwn(result, key, typeof entry === 'string' ? entry : typeof entry === 'object' ? JSON.stringify(entry) : String(entry));
    any = true;
  }
  return any ? result : undefined;
}

/** Non-empty, every value a string, and no `__proto__` key (which a plain copy must define explicitly). */
function allText(value: Fields): boolean {
  let any = false;
  for (const key in value) {
    if (typeof value[key] !== 'string' || key === '__proto__') return false;
    any = true;
  }
  return any;
}

function measurements(value: unknown): Record<string, number> | undefined {
  if (!isObject(value)) {
    return undefined;
  }
  const result: Record<string, number> = {};
  let any = false;
  for (const key in value) {
    const number = finite(value[key]);
    if (number !== undefined) {
      setOwn(result, key, number);
      any = true;
    }
  }
  return any ? result : undefined;
}

/** `Statsbeat` or `….Statsbeat`, any case: a cheap last-letter check first, as almost no name matches. */
function isStatsbeat(name: string): boolean {
  const last = name.charCodeAt(name.length - 1);
  return (last === 0x74 || last === 0x54) /* t, T */ && /(^|\.)Statsbeat$/i.test(name);
}

/** Plain assignment of `__proto__` would change the prototype instead of keeping the key. */
function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value;
  }
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    return lower === 'true' ? true : lower === 'false' ? false : undefined;
  }
  return undefined;
}

/** Sets a field only when it has a value, so items carry no `undefined` keys (smaller postMessage). */
function assign<T, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) {
    target[key] = value;
  }
}
