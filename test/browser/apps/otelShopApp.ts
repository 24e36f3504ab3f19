/**
 * A small "shop" Node app instrumented with the real `@azure/monitor-opentelemetry-exporter` and the
 * OpenTelemetry JS SDK, started by the panel browser test from a VS Code terminal: it takes the
 * local session key from APPLICATIONINSIGHTS_CONNECTION_STRING and the CA from NODE_EXTRA_CA_CERTS,
 * both injected by the extension into the terminal, and the relay's https URL from argv[2] (the
 * exporter forces https). Sends two transactions with nested dependencies, correlated logs (one
 * of them HTML-looking), an exception and metrics; writes a JSON report to argv[3]. Not a test.
 */
import * as fs from 'fs';
import { context, type Context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { AzureMonitorLogExporter, AzureMonitorMetricExporter, AzureMonitorTraceExporter } from '@azure/monitor-opentelemetry-exporter';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

export const XSS_MESSAGE = '<img src=x onerror="document.body.dataset.pwned=1">payment page rendered';

export interface ShopReport {
  readonly role: string;
  readonly okTraceId: string;
  readonly failedTraceId: string;
  readonly sent: number;
}

async function main(): Promise<void> {
  const injected = process.env.APPLICATIONINSIGHTS_CONNECTION_STRING ?? '';
  const key = /InstrumentationKey=([0-9a-f-]{36})/i.exec(injected)?.[1];
  const [httpsUrl, reportFile] = process.argv.slice(2);
  if (!key || !httpsUrl || !reportFile)
    throw new Error('usage: APPLICATIONINSIGHTS_CONNECTION_STRING=… node otelShopApp.js <relay https url> <report file>');
  if (!process.env.NODE_EXTRA_CA_CERTS) throw new Error('NODE_EXTRA_CA_CERTS is not set: the relay CA is not trusted');
  const options = { connectionString: `InstrumentationKey=${key};IngestionEndpoint=${httpsUrl}`, disableOfflineStorage: true };
  const role = 'shop-api';
  const resource = resourceFromAttributes({ 'service.name': role, 'service.instance.id': 'shop-api-1' });

  const tracerProvider = new BasicTracerProvider({
    resource,
    spanProcessors: [new SimpleSpanProcessor(new AzureMonitorTraceExporter(options))],
  });
  const loggerProvider = new LoggerProvider({
    resource,
    processors: [new SimpleLogRecordProcessor({ exporter: new AzureMonitorLogExporter(options) })],
  });
  const meterProvider = new MeterProvider({
    resource,
    readers: [new PeriodicExportingMetricReader({ exporter: new AzureMonitorMetricExporter(options), exportIntervalMillis: 60_000 })],
  });
  const tracer = tracerProvider.getTracer('shop');
  const logger = loggerProvider.getLogger('shop');
  const meter = meterProvider.getMeter('shop');
  let sent = 0;
  const log = (ctx: Context, body: string, severity: 'info' | 'warn' | 'error', time: number): void => {
    const severityNumber = { info: SeverityNumber.INFO, warn: SeverityNumber.WARN, error: SeverityNumber.ERROR }[severity];
    logger.emit({ body, severityNumber, severityText: severity.toUpperCase(), timestamp: time, context: ctx });
    sent++;
  };
  const child = (
    parent: Context,
    name: string,
    kind: SpanKind,
    start: number,
    ms: number,
    attributes: Record<string, string | number>,
    failed = false,
  ) => {
    const span = tracer.startSpan(name, { kind, startTime: start, attributes }, parent);
    if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(start + ms);
    sent++;
    return span;
  };

  // GET /orders/42: a database query, an HTTP call that itself calls a cache, logs in between.
  const t0 = Date.now() - 5000;
  const ok = tracer.startSpan('GET /orders/{id}', {
    kind: SpanKind.SERVER,
    startTime: t0,
    attributes: {
      'http.request.method': 'GET',
      'url.full': 'http://localhost:5000/orders/42',
      'url.path': '/orders/42',
      'http.route': '/orders/{id}',
      'http.response.status_code': 200,
    },
  });
  const okContext = trace.setSpan(context.active(), ok);
  log(okContext, 'loading order 42', 'info', t0 + 2);
  child(okContext, 'SELECT shop.orders', SpanKind.CLIENT, t0 + 5, 38, {
    'db.system': 'postgresql',
    'db.name': 'shop',
    'db.statement': 'SELECT * FROM orders WHERE id = $1',
    'server.address': 'orders-db',
  });
  const inventory = tracer.startSpan(
    'GET',
    {
      kind: SpanKind.CLIENT,
      startTime: t0 + 50,
      attributes: {
        'http.request.method': 'GET',
        'url.full': 'http://inventory.local/items/42',
        'server.address': 'inventory.local',
        'http.response.status_code': 200,
      },
    },
    okContext,
  );
  const inventoryContext = trace.setSpan(okContext, inventory);
  child(inventoryContext, 'GET cache', SpanKind.CLIENT, t0 + 55, 9, {
    'db.system': 'redis',
    'db.statement': 'GET stock:42',
    'server.address': 'cache.local',
  });
  log(inventoryContext, 'inventory slow: 61 ms (budget 50 ms)', 'warn', t0 + 110);
  inventory.end(t0 + 111);
  sent++;
  log(okContext, XSS_MESSAGE, 'info', t0 + 120);
  ok.end(t0 + 140);
  sent++;

  // POST /orders: the payment call fails and the request answers 500 with an exception.
  const t1 = t0 + 1500;
  const failed = tracer.startSpan('POST /orders', {
    kind: SpanKind.SERVER,
    startTime: t1,
    attributes: {
      'http.request.method': 'POST',
      'url.full': 'http://localhost:5000/orders',
      'url.path': '/orders',
      'http.route': '/orders',
      'http.response.status_code': 500,
    },
  });
  const failedContext = trace.setSpan(context.active(), failed);
  child(failedContext, 'INSERT shop.orders', SpanKind.CLIENT, t1 + 3, 12, {
    'db.system': 'postgresql',
    'db.name': 'shop',
    'db.statement': 'INSERT INTO orders (customer, total) VALUES ($1, $2)',
    'server.address': 'orders-db',
  });
  child(
    failedContext,
    'POST',
    SpanKind.CLIENT,
    t1 + 20,
    210,
    {
      'http.request.method': 'POST',
      'url.full': 'https://payments.example/charge',
      'server.address': 'payments.example',
      'http.response.status_code': 502,
    },
    true,
  );
  const error = new Error('payment gateway answered 502 Bad Gateway');
  error.name = 'PaymentError';
  failed.recordException(error, t1 + 232);
  sent++;
  log(failedContext, 'order creation failed for customer 77', 'error', t1 + 233);
  failed.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  failed.end(t1 + 240);
  sent++;

  const orders = meter.createCounter('orders_created');
  orders.add(3);
  const value = meter.createHistogram('order_value');
  for (const amount of [12.5, 40, 99.9, 25]) value.record(amount);
  sent += 2;

  await tracerProvider.forceFlush();
  await loggerProvider.forceFlush();
  await meterProvider.forceFlush();
  await Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown(), meterProvider.shutdown()]);
  const report: ShopReport = { role, okTraceId: ok.spanContext().traceId, failedTraceId: failed.spanContext().traceId, sent };
  fs.writeFileSync(reportFile, JSON.stringify(report));
}

// The test imports XSS_MESSAGE and the report type from here: run only as a program.
if (require.main === module) {
  main().catch((error: unknown) => {
    const reportFile = process.argv[3];
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    if (reportFile) fs.writeFileSync(reportFile, JSON.stringify({ error: text }));
    process.stderr.write(`shop app failed: ${text}\n`);
    process.exit(1);
  });
}
