/**
 * The decoded OTLP requests as plain objects, the same whatever the wire form (protobuf or JSON):
 * lowerCamelCase fields, 64-bit integers as decimal strings, enums as numbers, ids as lower-case
 * hex. Fields the sender left at their default may be missing.
 * Plain Node: never import `vscode` here.
 */

export type OtlpSignal = 'traces' | 'metrics' | 'logs';

export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: Uint8Array;
}

export interface KeyValue {
  key?: string;
  value?: AnyValue;
}

export interface Resource {
  attributes?: KeyValue[];
}

export interface InstrumentationScope {
  name?: string;
  version?: string;
}

export const SpanKind = { UNSPECIFIED: 0, INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export interface SpanEvent {
  timeUnixNano?: string;
  name?: string;
  attributes?: KeyValue[];
}

export interface SpanLink {
  traceId?: string;
  spanId?: string;
  attributes?: KeyValue[];
}

export interface Span {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: number;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
  attributes?: KeyValue[];
  events?: SpanEvent[];
  links?: SpanLink[];
  status?: { code?: number; message?: string };
}

export interface ExportTraceServiceRequest {
  resourceSpans?: { resource?: Resource; scopeSpans?: { scope?: InstrumentationScope; spans?: Span[] }[] }[];
}

export interface NumberDataPoint {
  attributes?: KeyValue[];
  startTimeUnixNano?: string;
  timeUnixNano?: string;
  asDouble?: number;
  asInt?: string;
  flags?: number;
}

export interface HistogramDataPoint {
  attributes?: KeyValue[];
  startTimeUnixNano?: string;
  timeUnixNano?: string;
  count?: string;
  sum?: number;
  min?: number;
  max?: number;
  flags?: number;
}

export interface SummaryDataPoint {
  attributes?: KeyValue[];
  startTimeUnixNano?: string;
  timeUnixNano?: string;
  count?: string;
  sum?: number;
  quantileValues?: { quantile?: number; value?: number }[];
  flags?: number;
}

export interface Metric {
  name?: string;
  description?: string;
  unit?: string;
  gauge?: { dataPoints?: NumberDataPoint[] };
  sum?: { dataPoints?: NumberDataPoint[]; aggregationTemporality?: number; isMonotonic?: boolean };
  histogram?: { dataPoints?: HistogramDataPoint[]; aggregationTemporality?: number };
  exponentialHistogram?: { dataPoints?: HistogramDataPoint[]; aggregationTemporality?: number };
  summary?: { dataPoints?: SummaryDataPoint[] };
}

export interface ExportMetricsServiceRequest {
  resourceMetrics?: { resource?: Resource; scopeMetrics?: { scope?: InstrumentationScope; metrics?: Metric[] }[] }[];
}

export interface LogRecord {
  timeUnixNano?: string;
  observedTimeUnixNano?: string;
  severityNumber?: number;
  severityText?: string;
  body?: AnyValue;
  attributes?: KeyValue[];
  traceId?: string;
  spanId?: string;
  eventName?: string;
}

export interface ExportLogsServiceRequest {
  resourceLogs?: { resource?: Resource; scopeLogs?: { scope?: InstrumentationScope; logRecords?: LogRecord[] }[] }[];
}

export interface OtlpRequests {
  traces: ExportTraceServiceRequest;
  metrics: ExportMetricsServiceRequest;
  logs: ExportLogsServiceRequest;
}
