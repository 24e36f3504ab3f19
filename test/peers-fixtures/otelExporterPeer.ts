/**
 * A real Node app using `@azure/monitor-opentelemetry-exporter` with the OpenTelemetry JS SDK, run
 * as a child process by the peer tests (the exporter forces https, so the parent passes the relay's
 * https connection string and NODE_EXTRA_CA_CERTS). It sends spans (server, client, internal with an
 * exception event), logs and metrics, flushes, and prints one JSON line describing what it sent so
 * the test can check every item arrived. Not a test itself.
 */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { AzureMonitorLogExporter, AzureMonitorMetricExporter, AzureMonitorTraceExporter } from '@azure/monitor-opentelemetry-exporter';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface OtelPeerReport {
  readonly runId: string;
  readonly role: string;
  readonly traceId: string;
  readonly spans: {
    readonly name: string;
    readonly spanId: string;
    readonly parentSpanId?: string;
    readonly kind: 'server' | 'client' | 'internal';
  }[];
  readonly exceptionMessage: string;
  readonly logs: { readonly body: string; readonly severity: 'info' | 'warn' | 'error' }[];
  readonly metrics: { readonly name: string; readonly value: number }[];
}

async function main(): Promise<void> {
  const connectionString = process.env.APPLICATIONINSIGHTS_CONNECTION_STRING;
  const runId = process.env.PEER_RUN_ID ?? 'run';
  if (!connectionString) throw new Error('APPLICATIONINSIGHTS_CONNECTION_STRING is not set');
  const role = `otel-peer-${runId}`;
  const resource = resourceFromAttributes({ 'service.name': role, 'service.instance.id': 'peer-1' });
  const options = { connectionString, disableOfflineStorage: true };

  const tracerProvider = new BasicTracerProvider({
    resource,
    spanProcessors: [new SimpleSpanProcessor(new AzureMonitorTraceExporter(options))],
  });
  const tracer = tracerProvider.getTracer('peer');
  const exceptionMessage = `peer failure ${runId}`;
  const server = tracer.startSpan('GET /orders', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': 'GET',
      'url.full': 'http://localhost:8080/orders?id=7',
      'url.path': '/orders',
      'http.route': '/orders',
      'http.response.status_code': 200,
      'peer.run': runId,
    },
  });
  const serverContext = trace.setSpan(context.active(), server);
  const client = tracer.startSpan(
    'GET',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': 'GET',
        'url.full': 'http://inventory.local/items/7',
        'server.address': 'inventory.local',
        'http.response.status_code': 503,
        'peer.run': runId,
      },
    },
    serverContext,
  );
  client.setStatus({ code: SpanStatusCode.ERROR });
  client.end();
  const internal = tracer.startSpan('compute-total', { kind: SpanKind.INTERNAL, attributes: { 'peer.run': runId } }, serverContext);
  const error = new TypeError(exceptionMessage);
  internal.recordException(error);
  internal.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  internal.end();
  server.end();

  const loggerProvider = new LoggerProvider({
    resource,
    processors: [new SimpleLogRecordProcessor({ exporter: new AzureMonitorLogExporter(options) })],
  });
  const logger = loggerProvider.getLogger('peer');
  const logs: OtelPeerReport['logs'] = [
    { body: `order 7 received ${runId}`, severity: 'info' },
    { body: `inventory slow ${runId}`, severity: 'warn' },
    { body: `payment declined ${runId}`, severity: 'error' },
  ];
  const severityNumber = { info: SeverityNumber.INFO, warn: SeverityNumber.WARN, error: SeverityNumber.ERROR } as const;
  for (const log of logs) {
    logger.emit({
      body: log.body,
      severityNumber: severityNumber[log.severity],
      severityText: log.severity.toUpperCase(),
      attributes: { 'peer.run': runId },
    });
  }

  const reader = new PeriodicExportingMetricReader({ exporter: new AzureMonitorMetricExporter(options), exportIntervalMillis: 60_000 });
  const meterProvider = new MeterProvider({ resource, readers: [reader] });
  const meter = meterProvider.getMeter('peer');
  const metrics = [
    { name: 'peer_orders', value: 5 },
    { name: 'peer_queue_depth', value: 42 },
  ];
  const counter = meter.createCounter(metrics[0].name);
  for (let i = 0; i < 5; i++) counter.add(1, { 'peer.run': runId });
  meter.createGauge(metrics[1].name).record(metrics[1].value, { 'peer.run': runId });

  await tracerProvider.forceFlush();
  await loggerProvider.forceFlush();
  await meterProvider.forceFlush();
  await Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown(), meterProvider.shutdown()]);

  const report: OtelPeerReport = {
    runId,
    role,
    traceId: server.spanContext().traceId,
    spans: [
      { name: 'GET /orders', spanId: server.spanContext().spanId, kind: 'server' },
      { name: 'GET', spanId: client.spanContext().spanId, parentSpanId: server.spanContext().spanId, kind: 'client' },
      { name: 'compute-total', spanId: internal.spanContext().spanId, parentSpanId: server.spanContext().spanId, kind: 'internal' },
    ],
    exceptionMessage,
    logs,
    metrics,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`peer failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
