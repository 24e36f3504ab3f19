/**
 * OTLP JSON request bodies written by hand (as the spec shows them: hex ids, int64 as strings,
 * enums as numbers), for the tests that need exact control over every field.
 */

export const TRACE_ID = '5b8efff798038103d269b633813fc60c';
export const SPAN_ID = 'eee19b7ec3c1b174';
export const PARENT_ID = 'eee19b7ec3c1b173';
/** 2026-01-02T03:04:05.678901234Z */
export const START_NANOS = '1767323045678901234';

export type JsonAttributeValue = string | number | boolean | string[];

export function kv(attributes: Record<string, JsonAttributeValue>): unknown[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));
}

function anyValue(value: JsonAttributeValue): unknown {
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

export interface JsonSpan {
  name?: string;
  kind?: number;
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  attributes?: Record<string, JsonAttributeValue>;
  durationNanos?: bigint;
  status?: { code: number; message?: string };
  events?: unknown[];
  links?: unknown[];
}

export function span(options: JsonSpan = {}): Record<string, unknown> {
  const end = BigInt(START_NANOS) + (options.durationNanos ?? 12_345_678n);
  return {
    traceId: options.traceId ?? TRACE_ID,
    spanId: options.spanId ?? SPAN_ID,
    parentSpanId: options.parentSpanId ?? '',
    name: options.name ?? 'operation',
    kind: options.kind ?? 1,
    startTimeUnixNano: START_NANOS,
    endTimeUnixNano: end.toString(),
    attributes: kv(options.attributes ?? {}),
    events: options.events ?? [],
    links: options.links ?? [],
    status: options.status ?? {},
  };
}

export const DEFAULT_RESOURCE = { 'service.name': 'checkout', 'service.namespace': 'shop', 'service.instance.id': 'pod-7' };

export function traceRequest(spans: unknown[], resource: Record<string, JsonAttributeValue> = DEFAULT_RESOURCE): Record<string, unknown> {
  return { resourceSpans: [{ resource: { attributes: kv(resource) }, scopeSpans: [{ scope: { name: 'tests' }, spans }] }] };
}

export function metricRequest(
  metrics: unknown[],
  resource: Record<string, JsonAttributeValue> = DEFAULT_RESOURCE,
): Record<string, unknown> {
  return { resourceMetrics: [{ resource: { attributes: kv(resource) }, scopeMetrics: [{ scope: { name: 'tests' }, metrics }] }] };
}

export function logRequest(
  logRecords: unknown[],
  resource: Record<string, JsonAttributeValue> = DEFAULT_RESOURCE,
): Record<string, unknown> {
  return { resourceLogs: [{ resource: { attributes: kv(resource) }, scopeLogs: [{ scope: { name: 'tests' }, logRecords }] }] };
}

export function body(request: unknown): Buffer {
  return Buffer.from(JSON.stringify(request), 'utf8');
}
