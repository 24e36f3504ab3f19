/**
 * Shared by the OTLP tests: the real OpenTelemetry JS SDK pipelines (tracer, meter and logger
 * providers) wired to the real OTLP exporters (protobuf or JSON over HTTP) pointed at a relay,
 * and a fixed set of spans, metrics and log records each test sends and then looks for.
 */
import { context, SpanKind, SpanStatusCode, trace, Tracer } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader, PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor, SpanExporter } from '@opentelemetry/sdk-trace-base';

export type Wire = 'protobuf' | 'json';

export interface PeerTarget {
  /** The relay's OTLP endpoint, without `/v1/...`. */
  readonly endpoint: string;
  readonly headers: Record<string, string>;
  readonly wire: Wire;
  readonly gzip?: boolean;
}

function exporterConfig(
  target: PeerTarget,
  signal: 'traces' | 'metrics' | 'logs',
): { url: string; headers: Record<string, string>; compression?: never } {
  const config: Record<string, unknown> = { url: `${target.endpoint}/v1/${signal}`, headers: target.headers };
  if (target.gzip) {
    config.compression = 'gzip';
  }
  return config as { url: string; headers: Record<string, string> };
}

export function traceExporter(target: PeerTarget): SpanExporter {
  return target.wire === 'protobuf'
    ? new ProtoTraceExporter(exporterConfig(target, 'traces'))
    : new JsonTraceExporter(exporterConfig(target, 'traces'));
}

/** DELTA by default (what the Azure exporter asks for); CUMULATIVE is the OTLP exporters' own default. */
export function metricExporter(target: PeerTarget, temporality: AggregationTemporality = AggregationTemporality.DELTA): PushMetricExporter {
  const config = { ...exporterConfig(target, 'metrics'), temporalityPreference: temporality };
  return target.wire === 'protobuf' ? new ProtoMetricExporter(config) : new JsonMetricExporter(config);
}

export function logExporter(target: PeerTarget): ProtoLogExporter | JsonLogExporter {
  return target.wire === 'protobuf'
    ? new ProtoLogExporter(exporterConfig(target, 'logs'))
    : new JsonLogExporter(exporterConfig(target, 'logs'));
}

/**
 * Resolves once the wall clock has moved past the current millisecond. The metrics SDK stamps
 * record and collection times with Date.now() (whole ms), and the relay takes a stream that started
 * in its own start millisecond (or before) for an older one (a baseline, see docs/otlp-metrics.md).
 * Call it after starting a relay, as a real app starts later.
 */
export async function nextMillisecond(): Promise<void> {
  const now = Date.now();
  while (Date.now() <= now) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

export function peerResource(role: string): Resource {
  return resourceFromAttributes({
    'service.name': role,
    'service.namespace': 'shop',
    'service.instance.id': `${role}-1`,
    'service.version': '1.2.3',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.version': '2.12.1',
  });
}

export interface SentSpan {
  readonly name: string;
  readonly spanId: string;
  readonly traceId: string;
  readonly kind: 'server' | 'client' | 'internal' | 'producer' | 'consumer';
}

export interface SentTraces {
  readonly spans: SentSpan[];
  readonly exceptionMessage: string;
}

/** A request with an HTTP call, a DB query, an internal step that throws, and a queue round trip. */
export function recordSpans(tracer: Tracer, tag: string): SentTraces {
  const spans: SentSpan[] = [];
  const done = (span: ReturnType<Tracer['startSpan']>, name: string, kind: SentSpan['kind']): void => {
    span.end();
    spans.push({ name, kind, spanId: span.spanContext().spanId, traceId: span.spanContext().traceId });
  };
  const server = tracer.startSpan('GET /orders/:id', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': 'GET',
      'http.route': '/orders/:id',
      'url.full': 'http://localhost:8080/orders/7?x=1',
      'http.response.status_code': 200,
      'client.address': '10.0.0.9',
      'peer.run': tag,
    },
  });
  const inServer = trace.setSpan(context.active(), server);
  const http = tracer.startSpan(
    'GET',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': 'GET',
        'url.full': 'https://inventory.local:443/items/7',
        'server.address': 'inventory.local',
        'server.port': 443,
        'http.response.status_code': 503,
        'peer.run': tag,
      },
    },
    inServer,
  );
  http.setStatus({ code: SpanStatusCode.ERROR });
  done(http, 'GET', 'client');
  const db = tracer.startSpan(
    'SELECT orders',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system': 'postgresql',
        'db.name': 'shop',
        'db.statement': 'SELECT * FROM orders WHERE id = $1',
        'net.peer.name': 'db.local',
        'peer.run': tag,
      },
    },
    inServer,
  );
  done(db, 'SELECT orders', 'client');
  const internal = tracer.startSpan(
    'compute-total',
    { kind: SpanKind.INTERNAL, attributes: { 'peer.run': tag, 'items.count': 3 } },
    inServer,
  );
  const exceptionMessage = `total failed ${tag}`;
  internal.recordException(new RangeError(exceptionMessage));
  internal.addEvent('cache miss', { 'cache.key': 'order:7' });
  internal.setStatus({ code: SpanStatusCode.ERROR, message: exceptionMessage });
  done(internal, 'compute-total', 'internal');
  const producer = tracer.startSpan(
    'orders publish',
    { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'rabbitmq', 'messaging.destination.name': 'orders', 'peer.run': tag } },
    inServer,
  );
  done(producer, 'orders publish', 'producer');
  done(server, 'GET /orders/:id', 'server');
  const consumer = tracer.startSpan('orders process', {
    kind: SpanKind.CONSUMER,
    attributes: { 'messaging.system': 'rabbitmq', 'messaging.destination.name': 'orders', 'peer.run': tag },
  });
  done(consumer, 'orders process', 'consumer');
  return { spans, exceptionMessage };
}

export async function sendTraces(target: PeerTarget, role: string, tag: string): Promise<SentTraces> {
  const provider = new BasicTracerProvider({
    resource: peerResource(role),
    spanProcessors: [new SimpleSpanProcessor(traceExporter(target))],
  });
  const sent = recordSpans(provider.getTracer('otlp-peer'), tag);
  await provider.forceFlush();
  await provider.shutdown();
  return sent;
}

export interface SentMetric {
  readonly name: string;
  readonly value: number;
  readonly count: number;
  readonly min?: number;
  readonly max?: number;
}

export async function sendMetrics(target: PeerTarget, role: string, tag: string): Promise<SentMetric[]> {
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter(target), exportIntervalMillis: 600_000 });
  const provider = new MeterProvider({ resource: peerResource(role), readers: [reader] });
  const meter = provider.getMeter('otlp-peer');
  const counter = meter.createCounter(`orders_${tag}`);
  for (let i = 0; i < 5; i++) counter.add(1, { 'peer.run': tag });
  const histogram = meter.createHistogram(`latency_${tag}`, { unit: 'ms' });
  for (const value of [4, 10, 1]) histogram.record(value, { 'peer.run': tag });
  meter.createGauge(`queue_depth_${tag}`).record(42, { 'peer.run': tag });
  meter.createUpDownCounter(`in_flight_${tag}`).add(-3, { 'peer.run': tag });
  await provider.forceFlush();
  await provider.shutdown();
  return [
    { name: `orders_${tag}`, value: 5, count: 1 },
    { name: `latency_${tag}`, value: 15, count: 3, min: 1, max: 10 },
    { name: `queue_depth_${tag}`, value: 42, count: 1 },
    { name: `in_flight_${tag}`, value: -3, count: 1 },
  ];
}

export interface SentLog {
  readonly body: string;
  readonly severityLevel: number;
  readonly traceId?: string;
}

export async function sendLogs(target: PeerTarget, role: string, tag: string): Promise<SentLog[]> {
  const provider = new LoggerProvider({
    resource: peerResource(role),
    processors: [new SimpleLogRecordProcessor({ exporter: logExporter(target) })],
  });
  const logger = provider.getLogger('otlp-peer');
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  const spanContext = trace.setSpanContext(context.active(), { traceId, spanId: 'b7ad6b7169203331', traceFlags: 1 });
  const logs: (SentLog & { severityNumber: SeverityNumber })[] = [
    { body: `debug detail ${tag}`, severityNumber: SeverityNumber.DEBUG, severityLevel: 0 },
    { body: `order received ${tag}`, severityNumber: SeverityNumber.INFO, severityLevel: 1, traceId },
    { body: `inventory slow ${tag}`, severityNumber: SeverityNumber.WARN, severityLevel: 2 },
    { body: `payment declined ${tag}`, severityNumber: SeverityNumber.ERROR, severityLevel: 3 },
    { body: `disk gone ${tag}`, severityNumber: SeverityNumber.FATAL, severityLevel: 4 },
  ];
  for (const log of logs) {
    logger.emit({
      body: log.body,
      severityNumber: log.severityNumber,
      severityText: SeverityNumber[log.severityNumber],
      attributes: { 'peer.run': tag },
      context: log.traceId ? spanContext : undefined,
    });
  }
  await provider.forceFlush();
  await provider.shutdown();
  return logs.map(({ body, severityLevel, traceId: id }) => ({ body, severityLevel, traceId: id }));
}
