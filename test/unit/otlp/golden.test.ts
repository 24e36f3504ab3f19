/**
 * Golden tests: the same spans, log records and metric points go through the real
 * `@azure/monitor-opentelemetry-exporter` (over https to the relay's Breeze endpoint) and through
 * the real OTLP exporter (to the relay's /v1/*), in one process, one SDK pipeline with two
 * processors/readers. The envelopes both produce are compared field by field; every difference
 * must be one of the documented ones below — a new difference, or a documented one that went
 * away, fails the test.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { AzureMonitorLogExporter, AzureMonitorMetricExporter, AzureMonitorTraceExporter } from '@azure/monitor-opentelemetry-exporter';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Envelope } from '../../../src/core/envelope';
import { parseDuration, parseTimestamp } from '../../../src/core/store/time';
import { startRelay, tempDir, TestRelay } from '../relay/helpers';
import { logExporter, metricExporter, peerResource, PeerTarget, recordSpans, traceExporter } from './otlpPeers';

/** Where our conversion knowingly differs from the JS Azure exporter (see the report in issue 7). */
const EXPECTED_DIFFERENCES = [
  // Python exporter names, which we follow: "HTTP", "N/A" for unknown CLIENT, "InProc" for every INTERNAL span.
  'dep GET: type: ours="HTTP" azure="Http"',
  'dep POST /legacy: type: ours="HTTP" azure="Http"',
  'dep call-unknown: type: ours="N/A" azure="Dependency"',
  'dep root-internal: type: ours="InProc" azure="Dependency"',
  // Python: PRODUCER type names the messaging system; the target is the destination.
  'dep orders publish: type: ours="Queue Message | rabbitmq" azure="Queue Message"',
  'dep orders publish: target: ours="orders" azure=undefined',
  // Python names CONSUMER requests after the span (JS leaves the request name empty).
  'req orders process: name: ours="orders process" azure=undefined',
  'req orders process: tag ai.operation.name: ours="orders process" azure=undefined',
  // Breeze takes both; the Python SDK sends numbers.
  'log order received: severityLevel: ours=1 azure="Information"',
  'log an exception: severityLevel: ours=3 azure="Error"',
  'log empty body: severityLevel: ours=2 azure="Warning"',
  // A map (kvlist) body: we send it as JSON text; the JS exporter drops the record.
  'log structured: the Azure exporter sent nothing',
].sort();

const SPAN_FIELDS = [
  'name',
  'id',
  'success',
  'responseCode',
  'resultCode',
  'url',
  'data',
  'type',
  'target',
  'properties',
  'measurements',
  'severityLevel',
  'message',
  'exceptions',
];

function isOurs(envelope: Envelope): boolean {
  return String(envelope.tags?.['ai.internal.sdkVersion'] ?? '').startsWith('otlp_');
}

function show(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

function compare(label: string, ours: Envelope, azure: Envelope, differences: string[], options: { time?: boolean } = {}): void {
  const o = ours.data?.baseData ?? {};
  const a = azure.data?.baseData ?? {};
  if (ours.name !== azure.name) differences.push(`${label}: envelope name: ours=${show(ours.name)} azure=${show(azure.name)}`);
  if (ours.data?.baseType !== azure.data?.baseType)
    differences.push(`${label}: baseType: ours=${show(ours.data?.baseType)} azure=${show(azure.data?.baseType)}`);
  if ((ours.sampleRate ?? 100) !== (azure.sampleRate ?? 100)) differences.push(`${label}: sampleRate`);
  if (options.time !== false) {
    const drift = Math.abs((parseTimestamp(ours.time) ?? 0) - (parseTimestamp(azure.time) ?? 0));
    if (drift > 1) differences.push(`${label}: time: ours=${ours.time} azure=${azure.time}`);
  }
  if (a.duration !== undefined || o.duration !== undefined) {
    const drift = Math.abs((parseDuration(o.duration) ?? -1) - (parseDuration(a.duration) ?? -100));
    // Ours is rounded to the millisecond (Python's format), theirs has 100 ns ticks.
    if (drift > 0.51) differences.push(`${label}: duration: ours=${show(o.duration)} azure=${show(a.duration)}`);
  }
  for (const field of SPAN_FIELDS) {
    const mine = field === 'properties' || field === 'measurements' ? emptyToUndefined(o[field]) : o[field];
    const theirs = field === 'properties' || field === 'measurements' ? emptyToUndefined(a[field]) : a[field];
    if (JSON.stringify(mine) !== JSON.stringify(theirs)) differences.push(`${label}: ${field}: ours=${show(mine)} azure=${show(theirs)}`);
  }
  const tagKeys = new Set([...Object.keys(ours.tags ?? {}), ...Object.keys(azure.tags ?? {})]);
  tagKeys.delete('ai.internal.sdkVersion');
  for (const key of [...tagKeys].sort()) {
    if (ours.tags?.[key] !== azure.tags?.[key])
      differences.push(`${label}: tag ${key}: ours=${show(ours.tags?.[key])} azure=${show(azure.tags?.[key])}`);
  }
}

function emptyToUndefined(value: unknown): unknown {
  return value && typeof value === 'object' && Object.keys(value).length === 0 ? undefined : value;
}

function pairBy(items: Envelope[], key: (envelope: Envelope) => string): Map<string, { ours?: Envelope; azure?: Envelope }> {
  const pairs = new Map<string, { ours?: Envelope; azure?: Envelope }>();
  for (const envelope of items) {
    const entry = pairs.get(key(envelope)) ?? {};
    if (isOurs(envelope)) entry.ours ??= envelope;
    else entry.azure ??= envelope;
    pairs.set(key(envelope), entry);
  }
  return pairs;
}

describe('otlp golden: our conversion vs @azure/monitor-opentelemetry-exporter on the same telemetry', () => {
  let t: TestRelay;
  let otlp: PeerTarget;
  let azureOptions: ConstructorParameters<typeof AzureMonitorTraceExporter>[0];
  const savedEnv = { ...process.env };
  before(() => {
    // No statsbeat: it would try to reach Azure.
    process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED = 'true';
    process.env.APPLICATION_INSIGHTS_NO_STATSBEAT = 'true';
  });
  after(() => {
    process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED = savedEnv.APPLICATIONINSIGHTS_STATSBEAT_DISABLED;
    process.env.APPLICATION_INSIGHTS_NO_STATSBEAT = savedEnv.APPLICATION_INSIGHTS_NO_STATSBEAT;
    if (savedEnv.APPLICATIONINSIGHTS_STATSBEAT_DISABLED === undefined) delete process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED;
    if (savedEnv.APPLICATION_INSIGHTS_NO_STATSBEAT === undefined) delete process.env.APPLICATION_INSIGHTS_NO_STATSBEAT;
  });
  beforeEach(async () => {
    t = await startRelay({ httpsPort: 0, tlsDir: tempDir('azmon-otlp-golden-tls-') });
    assert.ok(t.relay.localHttpsConnectionString && t.relay.caCertPath, 'the relay has its https listener');
    otlp = { endpoint: t.relay.otlpEndpoint, headers: { 'x-azmon-key': t.relay.localKey }, wire: 'protobuf' };
    // The exporter forces https; trust the relay's CA for this client only.
    azureOptions = {
      connectionString: t.relay.localHttpsConnectionString,
      disableOfflineStorage: true,
      tlsOptions: { ca: fs.readFileSync(t.relay.caCertPath) },
    } as typeof azureOptions;
  });
  afterEach(async () => {
    await t.relay.close();
  });

  it('spans and span events map to the same envelopes, apart from the documented differences', async () => {
    const provider = new BasicTracerProvider({
      resource: peerResource('golden'),
      spanProcessors: [new SimpleSpanProcessor(new AzureMonitorTraceExporter(azureOptions)), new SimpleSpanProcessor(traceExporter(otlp))],
    });
    const tracer = provider.getTracer('golden');
    const sent = recordSpans(tracer, 'golden');
    // Old semantic conventions, other protocols, and fields from attributes.
    const legacy = tracer.startSpan('legacy call', {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.method': 'POST',
        'http.url': 'http://api.local:8080/legacy?q=1',
        'http.status_code': 201,
        'net.peer.name': 'api.local',
        'net.peer.port': 8080,
      },
    });
    legacy.updateName('GET /legacy');
    legacy.end();
    const legacyServer = tracer.startSpan('legacy server', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.method': 'PUT',
        'http.url': 'http://localhost:5000/items/3',
        'http.status_code': 500,
        'http.user_agent': 'curl/8',
        'http.client_ip': '192.168.1.2',
        'enduser.id': 'alice',
        'session.id': 's-1',
      },
    });
    legacyServer.end();
    const mysql = tracer.startSpan('mysql query', {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': 'mysql',
        'db.namespace': 'shop',
        'db.query.text': 'SELECT 1',
        'server.address': 'mysql.local',
        'server.port': 3306,
      },
    });
    mysql.end();
    const grpc = tracer.startSpan('grpc call', {
      kind: SpanKind.CLIENT,
      attributes: { 'rpc.system': 'grpc', 'rpc.grpc.status_code': 5, 'server.address': 'grpc.local' },
    });
    grpc.end();
    tracer.startSpan('call-unknown', { kind: SpanKind.CLIENT, attributes: { answer: 42, ratio: 0.5, flag: true, list: ['a', 'b'] } }).end();
    tracer
      .startSpan('root-internal', {
        kind: SpanKind.INTERNAL,
        links: [{ context: { traceId: sent.spans[0].traceId, spanId: sent.spans[0].spanId, traceFlags: 1 } }],
      })
      .end();
    const failed = tracer.startSpan('failed request', {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'POST', 'url.full': 'http://localhost/pay', 'http.response.status_code': 200 },
    });
    failed.setStatus({ code: SpanStatusCode.ERROR });
    failed.end();
    await provider.forceFlush();
    await provider.shutdown();

    const spanItems = t.sink.items.filter(
      (envelope) => envelope.data?.baseType === 'RequestData' || envelope.data?.baseType === 'RemoteDependencyData',
    );
    const pairs = pairBy(spanItems, (envelope) => String(envelope.data?.baseData?.id));
    assert.strictEqual(pairs.size, sent.spans.length + 7);
    const differences: string[] = [];
    for (const [id, pair] of pairs) {
      assert.ok(pair.ours && pair.azure, `span ${id} went both ways`);
      const spanName = String(sent.spans.find((span) => span.spanId === id)?.name ?? pair.ours.data?.baseData?.name);
      compare(`${pair.ours.data?.baseType === 'RequestData' ? 'req' : 'dep'} ${spanName}`, pair.ours, pair.azure, differences);
    }
    const eventItems = t.sink.items.filter(
      (envelope) => envelope.data?.baseType === 'ExceptionData' || envelope.data?.baseType === 'MessageData',
    );
    const eventPairs = pairBy(eventItems, (envelope) => `${envelope.data?.baseType} ${envelope.tags?.['ai.operation.parentId']}`);
    assert.strictEqual(eventPairs.size, 2, 'the exception and the plain event');
    for (const [key, pair] of eventPairs) {
      assert.ok(pair.ours && pair.azure, `${key} went both ways`);
      compare(`event ${pair.ours.data?.baseType}`, pair.ours, pair.azure, differences);
    }
    assert.deepStrictEqual(
      differences.filter((line) => !line.startsWith('log ')).sort(),
      EXPECTED_DIFFERENCES.filter((line) => !line.startsWith('log ')),
    );
  });

  it('log records map to the same envelopes, apart from the documented differences', async () => {
    const provider = new LoggerProvider({
      resource: peerResource('golden'),
      processors: [
        new SimpleLogRecordProcessor({ exporter: new AzureMonitorLogExporter(azureOptions) }),
        new SimpleLogRecordProcessor({ exporter: logExporter(otlp) }),
      ],
    });
    const logger = provider.getLogger('golden');
    const inTrace = trace.setSpanContext(context.active(), {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
    });
    const records: { label: string; record: Parameters<typeof logger.emit>[0] }[] = [
      {
        label: 'order received',
        record: {
          body: 'order received',
          severityNumber: SeverityNumber.INFO,
          attributes: { 'order.id': 7, 'http.request.method': 'GET' },
          context: inTrace,
        },
      },
      {
        label: 'an exception',
        record: {
          body: 'boom',
          severityNumber: SeverityNumber.ERROR,
          attributes: { 'exception.type': 'ValueError', 'exception.message': 'bad value', 'exception.stacktrace': 'Traceback…\n  line 1' },
        },
      },
      { label: 'a custom event', record: { body: 'ignored', attributes: { 'microsoft.custom_event.name': 'checkout', plan: 'pro' } } },
      { label: 'empty body', record: { severityNumber: SeverityNumber.WARN, attributes: { reason: 'none' } } },
      {
        label: 'structured',
        record: { body: { user: 'alice', items: [1, 2] }, severityNumber: SeverityNumber.INFO2, attributes: { marker: 'structured' } },
      },
    ];
    for (const { label, record } of records) {
      logger.emit({ ...record, attributes: { ...record.attributes, 'golden.label': label } });
    }
    await provider.forceFlush();
    await provider.shutdown();
    const pairs = pairBy(t.sink.items, (envelope) =>
      String(envelope.data?.baseData?.properties && (envelope.data.baseData.properties as Record<string, string>)['golden.label']),
    );
    assert.strictEqual(pairs.size, records.length);
    const differences: string[] = [];
    for (const [label, pair] of pairs) {
      assert.ok(pair.ours, `${label} came in over OTLP`);
      if (!pair.azure) {
        differences.push(`log ${label}: the Azure exporter sent nothing`);
        continue;
      }
      compare(`log ${label}`, pair.ours, pair.azure, differences);
    }
    assert.deepStrictEqual(
      differences.sort(),
      EXPECTED_DIFFERENCES.filter((line) => line.startsWith('log ')),
    );
  });

  it('metric points carry the same name, value, count, min, max and properties', async () => {
    const readers = [
      new PeriodicExportingMetricReader({ exporter: new AzureMonitorMetricExporter(azureOptions), exportIntervalMillis: 600_000 }),
      new PeriodicExportingMetricReader({ exporter: metricExporter(otlp), exportIntervalMillis: 600_000 }),
    ];
    const provider = new MeterProvider({ resource: peerResource('golden'), readers });
    const meter = provider.getMeter('golden');
    const counter = meter.createCounter('golden_orders');
    counter.add(2, { plan: 'pro' });
    counter.add(3, { plan: 'pro' });
    counter.add(1, { plan: 'free' });
    const histogram = meter.createHistogram('golden_latency');
    for (const value of [12.5, 3, 40]) histogram.record(value, { route: '/pay' });
    meter.createGauge('golden_temperature').record(21.5);
    await provider.forceFlush();
    await provider.shutdown();
    const metricItems = t.sink.items.filter((envelope) => envelope.data?.baseType === 'MetricData');
    const key = (envelope: Envelope): string => {
      const point = (envelope.data?.baseData?.metrics as { name: string }[])[0];
      return `${point.name} ${JSON.stringify(envelope.data?.baseData?.properties ?? {})}`;
    };
    const pairs = pairBy(metricItems, key);
    // The Azure exporter may add an `_OTELRESOURCE_` point with the resource attributes; we do not.
    const resourcePoint = [...pairs.keys()].filter((name) => name.startsWith('_OTELRESOURCE_'));
    assert.ok(resourcePoint.every((name) => pairs.get(name)?.ours === undefined));
    for (const name of resourcePoint) pairs.delete(name);
    assert.strictEqual(pairs.size, 4, [...pairs.keys()].join(', '));
    const differences: string[] = [];
    for (const [label, pair] of pairs) {
      assert.ok(pair.ours && pair.azure, `${label} went both ways`);
      // The Azure exporter stamps points with the export time; we keep the point's own time.
      compare(`metric ${label}`, pair.ours, pair.azure, differences, { time: false });
      const ourPoint = (pair.ours.data?.baseData?.metrics as unknown[])[0];
      const theirPoint = (pair.azure.data?.baseData?.metrics as unknown[])[0];
      assert.deepStrictEqual(ourPoint, theirPoint, label);
    }
    assert.deepStrictEqual(differences, []);
  });
});
