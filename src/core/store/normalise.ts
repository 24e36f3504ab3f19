/**
 * Envelope → {@link TelemetryItem}. Dispatches on `data.baseType`, never on the envelope name
 * (both `Microsoft.ApplicationInsights.Request` and `Microsoft.ApplicationInsights.<ikey>.Request`
 * exist). Total over any input that passed the receiver's validation: fields of the wrong type are
 * dropped, never thrown on. Text is cut to Azure's field limits (fieldLimits.ts) and the item says
 * which fields were cut; the item's approximate size is summed on the way, for the store's byte
 * budget. Plain Node: never import `vscode` here.
 */
import { Envelope, SEVERITY_NAMES, TAG } from '../envelope';
import { COUNT_LIMITS, FIELD_LIMITS, FIELD_OVERHEAD_BYTES, ItemBudget } from './fieldLimits';
import { normaliseOperationId, normaliseParentId } from './operationIds';
import { ExceptionDetail, MetricPoint, StackFrame, TableName, TelemetryItem } from './telemetryItem';
import { SharedTexts } from './sharedText';
import { parseDuration, parseTimestamp } from './time';

/** Role, SDK version, operation name, dependency type…: repeated by every item of a process. */
const shared = new SharedTexts();

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
  return typeof baseType === 'string' && Object.prototype.hasOwnProperty.call(TABLE_BY_BASE_TYPE, baseType)
    ? TABLE_BY_BASE_TYPE[baseType]
    : undefined;
}

/** The item for an envelope, or undefined when its baseType is not one we show. */
export function normaliseEnvelope(envelope: Envelope, seq: number, now = Date.now()): TelemetryItem | undefined {
  const table = tableOf(envelope.data?.baseType);
  if (table === undefined) {
    return undefined;
  }
  const budget = new ItemBudget();
  const tags: Fields = isObject(envelope.tags) ? envelope.tags : {};
  const base: Fields = isObject(envelope.data?.baseData) ? envelope.data!.baseData : {};
  const tag = (key: string, field: string): string | undefined => limited(budget, tags[key], FIELD_LIMITS.tag, field);
  const sharedTag = (key: string, field: string): string | undefined => sharedText(tag(key, field));
  const parent = normaliseParentId(tag(TAG.operationParentId, 'parentId'));
  const item: Mutable<TelemetryItem> = {
    seq,
    table,
    time: (typeof envelope.time === 'string' ? parseTimestamp(envelope.time) : undefined) ?? now,
    bytes: 0,
  };
  assign(item, 'role', sharedTag(TAG.cloudRole, 'role'));
  assign(item, 'roleInstance', sharedTag(TAG.cloudRoleInstance, 'roleInstance'));
  assign(item, 'operationId', normaliseOperationId(tag(TAG.operationId, 'operationId')) ?? parent.operationId);
  assign(item, 'operationName', sharedTag(TAG.operationName, 'operationName'));
  assign(item, 'parentId', parent.parentId);
  assign(item, 'sdkVersion', sharedTag(TAG.sdkVersion, 'sdkVersion'));
  if (typeof envelope.sampleRate === 'number' && envelope.sampleRate !== 100 && envelope.sampleRate > 0) {
    item.sampleRate = envelope.sampleRate;
  }
  if (typeof envelope.name === 'string' && isStatsbeat(envelope.name)) {
    item.statsbeat = true;
  }
  fillTableFields(item, table, base, budget);
  assign(item, 'properties', properties(base.properties, budget));
  assign(item, 'measurements', measurements(base.measurements, budget));
  assign(item, 'truncated', budget.truncated);
  item.bytes = budget.bytes;
  return item;
}

function fillTableFields(item: Mutable<TelemetryItem>, table: TableName, base: Fields, budget: ItemBudget): void {
  const field = (key: string, limit: number, as = key): string | undefined => limited(budget, base[key], limit, as);
  /** A field apps repeat (names, result codes, types, targets): one copy kept for all items. */
  const sharedField = (key: string, limit: number, as = key): string | undefined => sharedText(field(key, limit, as));
  switch (table) {
    case 'requests':
      assign(item, 'id', field('id', FIELD_LIMITS.id));
      assign(item, 'name', sharedField('name', FIELD_LIMITS.name));
      assign(item, 'duration', parseDuration(base.duration));
      assign(item, 'success', bool(base.success));
      assign(item, 'resultCode', sharedField('responseCode', FIELD_LIMITS.name, 'resultCode'));
      assign(item, 'url', field('url', FIELD_LIMITS.url));
      return;
    case 'dependencies':
      assign(item, 'id', field('id', FIELD_LIMITS.id));
      assign(item, 'name', sharedField('name', FIELD_LIMITS.name));
      assign(item, 'duration', parseDuration(base.duration));
      assign(item, 'success', bool(base.success) ?? true); // swagger default
      assign(item, 'resultCode', sharedField('resultCode', FIELD_LIMITS.name));
      assign(item, 'target', sharedField('target', FIELD_LIMITS.name));
      assign(item, 'type', sharedField('type', FIELD_LIMITS.name));
      assign(item, 'data', field('data', FIELD_LIMITS.data));
      return;
    case 'traces':
      assign(item, 'message', field('message', FIELD_LIMITS.message));
      assign(item, 'severity', severity(base.severityLevel));
      return;
    case 'exceptions': {
      const details = exceptions(base.exceptions, budget);
      assign(item, 'exceptions', details);
      assign(item, 'severity', severity(base.severityLevel));
      assign(item, 'name', details?.[0]?.typeName);
      assign(item, 'message', details?.[0]?.message);
      return;
    }
    case 'customEvents':
      assign(item, 'name', sharedField('name', FIELD_LIMITS.eventName));
      return;
    case 'customMetrics': {
      const points = metrics(base.metrics, budget);
      assign(item, 'metrics', points);
      assign(item, 'name', points?.[0]?.name);
      return;
    }
    case 'pageViews':
      assign(item, 'id', field('id', FIELD_LIMITS.id));
      assign(item, 'name', sharedField('name', FIELD_LIMITS.name));
      assign(item, 'url', field('url', FIELD_LIMITS.url));
      assign(item, 'duration', parseDuration(base.duration));
      return;
    case 'availabilityResults':
      assign(item, 'id', field('id', FIELD_LIMITS.id));
      assign(item, 'name', sharedField('name', FIELD_LIMITS.name));
      assign(item, 'duration', parseDuration(base.duration));
      assign(item, 'success', bool(base.success));
      assign(item, 'message', field('message', FIELD_LIMITS.message));
      assign(item, 'target', field('runLocation', FIELD_LIMITS.name, 'target'));
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

function exceptions(value: unknown, budget: ItemBudget): ExceptionDetail[] | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }
  const details: ExceptionDetail[] = [];
  for (const entry of value) {
    if (!isObject(entry)) {
      continue;
    }
    if (details.length >= COUNT_LIMITS.exceptions) {
      budget.mark('exceptions', COUNT_LIMITS.exceptions, true);
      break;
    }
    const detail: Mutable<ExceptionDetail> = {};
    assign(detail, 'typeName', limited(budget, entry.typeName, FIELD_LIMITS.name, 'typeName'));
    assign(detail, 'message', limited(budget, entry.message, FIELD_LIMITS.message, 'message'));
    const frames = stackFrames(entry.parsedStack, budget);
    assign(detail, 'parsedStack', frames);
    const stack = limited(budget, entry.stack, FIELD_LIMITS.stack, 'stack');
    assign(detail, 'stack', stack ?? (frames ? budget.text(frames.map(formatFrame).join('\n'), FIELD_LIMITS.stack, 'stack') : undefined));
    details.push(detail);
  }
  return details.length > 0 ? details : undefined;
}

function stackFrames(value: unknown, budget: ItemBudget): StackFrame[] | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }
  const frames: StackFrame[] = [];
  for (const entry of value) {
    if (!isObject(entry)) {
      continue;
    }
    if (frames.length >= COUNT_LIMITS.stackFrames) {
      budget.mark('parsedStack', COUNT_LIMITS.stackFrames, true);
      break;
    }
    const frame: Mutable<StackFrame> = {};
    assign(frame, 'level', finite(entry.level));
    assign(frame, 'method', limited(budget, entry.method, FIELD_LIMITS.name, 'method'));
    assign(frame, 'assembly', limited(budget, entry.assembly, FIELD_LIMITS.name, 'assembly'));
    assign(frame, 'fileName', limited(budget, entry.fileName, FIELD_LIMITS.name, 'fileName'));
    assign(frame, 'line', finite(entry.line));
    frames.push(frame);
  }
  return frames.length > 0 ? frames : undefined;
}

function formatFrame(frame: StackFrame): string {
  const location = frame.fileName ? ` (${frame.fileName}${frame.line !== undefined ? `:${frame.line}` : ''})` : '';
  return `at ${frame.method ?? '<unknown>'}${location}`;
}

function metrics(value: unknown, budget: ItemBudget): MetricPoint[] | undefined {
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
    if (points.length >= COUNT_LIMITS.metrics) {
      budget.mark('metrics', COUNT_LIMITS.metrics, true);
      break;
    }
    const point: Mutable<MetricPoint> = { name: budget.text(name, FIELD_LIMITS.name, 'name'), value: pointValue };
    assign(point, 'namespace', limited(budget, entry.ns, FIELD_LIMITS.metricNamespace, 'namespace'));
    assign(point, 'count', finite(entry.count));
    assign(point, 'min', finite(entry.min));
    assign(point, 'max', finite(entry.max));
    assign(point, 'stdDev', finite(entry.stdDev));
    points.push(point);
  }
  return points.length > 0 ? points : undefined;
}

/**
 * Property values become text (OpenCensus sends `lineNumber` as a number), names are cut to 150
 * and values to 8,192 characters, and at most {@link COUNT_LIMITS.properties} are kept.
 */
function properties(value: unknown, budget: ItemBudget): Record<string, string> | undefined {
  if (!isObject(value)) {
    return undefined;
  }
  if (withinLimits(value, budget)) {
    // The usual case (every value a string, nothing to cut): keep the parsed object itself, one allocation less per item.
    return value as Record<string, string>;
  }
  const result: Record<string, string> = {};
  let kept = 0;
  // for-in over a JSON.parse result: own keys only, and no entry arrays (a hot path under load).
  for (const key in value) {
    const entry = value[key];
    if (entry === null || entry === undefined) {
      continue;
    }
    if (kept >= COUNT_LIMITS.properties) {
      budget.mark('properties', COUNT_LIMITS.properties, true);
      break;
    }
    const name = budget.text(key, FIELD_LIMITS.propertyName, 'propertyNames');
    if (Object.prototype.hasOwnProperty.call(result, name)) {
      continue; // two names equal once cut: the first one stays
    }
    const asText = typeof entry === 'string' ? entry : typeof entry === 'object' ? JSON.stringify(entry) : String(entry);
    setOwn(result, name, budget.text(asText, FIELD_LIMITS.propertyValue, 'propertyValues'));
    kept++;
  }
  return kept > 0 ? result : undefined;
}

/**
 * Non-empty, every value a string within its limit, every name within its limit, not too many, and
 * no `__proto__` key (which a plain copy must define explicitly). Counts the bytes on the way; when
 * it says no, the caller's copy counts them again instead (the bytes of this walk are taken back).
 */
function withinLimits(value: Fields, budget: ItemBudget): boolean {
  let count = 0;
  let bytes = 0;
  for (const key in value) {
    const entry = value[key];
    if (
      typeof entry !== 'string' ||
      key === '__proto__' ||
      key.length > FIELD_LIMITS.propertyName ||
      entry.length > FIELD_LIMITS.propertyValue ||
      ++count > COUNT_LIMITS.properties
    )
      return false;
    bytes += 2 * FIELD_OVERHEAD_BYTES + 2 * (key.length + entry.length);
  }
  budget.bytes += bytes;
  return count > 0;
}

function measurements(value: unknown, budget: ItemBudget): Record<string, number> | undefined {
  if (!isObject(value)) {
    return undefined;
  }
  const result: Record<string, number> = {};
  let kept = 0;
  for (const key in value) {
    const number = finite(value[key]);
    if (number === undefined) {
      continue;
    }
    if (kept >= COUNT_LIMITS.measurements) {
      budget.mark('measurements', COUNT_LIMITS.measurements, true);
      break;
    }
    const name = budget.text(key, FIELD_LIMITS.propertyName, 'measurementNames');
    if (!Object.prototype.hasOwnProperty.call(result, name)) {
      setOwn(result, name, number);
      kept++;
    }
  }
  return kept > 0 ? result : undefined;
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

/** Text of a string or finite number field, cut to `limit` characters (marked as `field`) and counted. */
function limited(budget: ItemBudget, value: unknown, limit: number, field: string): string | undefined {
  const asText = text(value);
  return asText === undefined ? undefined : budget.text(asText, limit, field);
}

function sharedText(value: string | undefined): string | undefined {
  return value === undefined ? undefined : shared.share(value);
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
