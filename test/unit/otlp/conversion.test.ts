import * as assert from 'assert';
import * as protobuf from 'protobufjs';
import type { Envelope } from '../../../src/core/envelope';
import {
  convertOtlp,
  decodeOtlp,
  encodeExportResponse,
  nanosToDuration,
  nanosToIso,
  OtlpSignal,
  severityLevelOf,
} from '../../../src/core/otlp';
import { OTLP_PROTO } from '../../../src/core/otlp/otlpSchema';
import { body, kv, logRequest, metricRequest, PARENT_ID, span, SPAN_ID, TRACE_ID, traceRequest } from './otlpJson';

const KEY = '3c6a1f52-8d0e-4b7a-9f21-5e4d2c1b0a99';

function convert(signal: OtlpSignal, request: unknown): ReturnType<typeof convertOtlp> {
  const decoded = decodeOtlp(signal, body(request), 'json');
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.message);
  return convertOtlp(signal, decoded.request, { iKey: KEY, nowMs: Date.UTC(2026, 0, 1) });
}

function one(signal: OtlpSignal, request: unknown): Envelope {
  const { envelopes } = convert(signal, request);
  assert.strictEqual(envelopes.length, 1, JSON.stringify(envelopes));
  return envelopes[0];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read any field of any base data
function baseData(envelope: Envelope): Record<string, any> {
  return envelope.data!.baseData!;
}

describe('otlp: time, duration and severity formats', () => {
  it('durations are D.HH:MM:SS.mmm, rounded to the millisecond like the Python exporter', () => {
    assert.strictEqual(nanosToDuration(0n), '0.00:00:00.000');
    assert.strictEqual(nanosToDuration(-5n), '0.00:00:00.000');
    assert.strictEqual(nanosToDuration(1_499_999n), '0.00:00:00.001');
    assert.strictEqual(nanosToDuration(1_500_000n), '0.00:00:00.002');
    const d = ((((24n + 1n) * 60n + 1n) * 60n + 1n) * 1000n + 1n) * 1_000_000n;
    assert.strictEqual(nanosToDuration(d), '1.01:01:01.001');
  });

  it('times keep microseconds from the nanosecond timestamp', () => {
    assert.strictEqual(nanosToIso(1767323045678901234n), '2026-01-02T03:04:05.678901Z');
    assert.strictEqual(nanosToIso(0n, Date.UTC(2026, 0, 1)), '2026-01-01T00:00:00.000Z');
  });

  it('severity numbers map to levels 0–4 (TRACE/DEBUG 0, INFO 1, WARN 2, ERROR 3, FATAL 4)', () => {
    const expected = [undefined, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4];
    assert.deepStrictEqual(
      expected.map((_, n) => severityLevelOf(n)),
      expected,
    );
  });
});

describe('otlp: JSON and protobuf decode to the same thing', () => {
  it('snake_case keys, int64 as numbers and enum numbers are accepted', () => {
    const camel = traceRequest([span({ kind: 2, attributes: { 'http.request.method': 'GET', 'http.response.status_code': 404 } })]);
    const snake = JSON.parse(
      JSON.stringify(camel)
        .replace(/"resourceSpans"/, '"resource_spans"')
        .replace(/"scopeSpans"/, '"scope_spans"')
        .replace(/"traceId"/, '"trace_id"')
        .replace(/"startTimeUnixNano":"(\d+)"/, '"start_time_unix_nano":"$1"')
        .replace(/"intValue":"404"/, '"int_value":404'),
    );
    assert.notStrictEqual(JSON.stringify(snake), JSON.stringify(camel));
    const a = convert('traces', camel).envelopes;
    const b = convert('traces', snake).envelopes;
    assert.deepStrictEqual(b, a);
    assert.strictEqual(baseData(a[0]).responseCode, '404');
  });

  it('the protobuf form of the same request converts identically', () => {
    const request = traceRequest([
      span({
        kind: 3,
        parentSpanId: PARENT_ID,
        attributes: { 'db.system': 'redis', 'net.peer.name': 'cache', answer: 42, ratio: 0.25, flags: ['a', 'b'] },
      }),
    ]);
    const type = protobuf.parse(OTLP_PROTO).root.lookupType('opentelemetry.proto.ExportTraceServiceRequest');
    const idsAsBytes = JSON.parse(JSON.stringify(request), (key, value) =>
      ['traceId', 'spanId', 'parentSpanId'].includes(key) ? Buffer.from(value, 'hex') : value,
    );
    const bytes = Buffer.from(type.encode(type.fromObject(idsAsBytes)).finish());
    const decoded = decodeOtlp('traces', bytes, 'protobuf');
    assert.ok(decoded.ok);
    const fromProtobuf = convertOtlp('traces', decoded.request, { iKey: KEY });
    assert.deepStrictEqual(fromProtobuf.envelopes, convert('traces', request).envelopes);
    assert.strictEqual(fromProtobuf.envelopes[0].tags?.['ai.operation.parentId'], PARENT_ID);
    assert.deepStrictEqual(baseData(fromProtobuf.envelopes[0]).properties, { answer: '42', ratio: '0.25', flags: '["a","b"]' });
  });

  it("partial_success is encoded in both forms with the signal's field name", () => {
    const type = protobuf.parse(OTLP_PROTO).root.lookupType('opentelemetry.proto.ExportLogsServiceResponse');
    const decoded = type.toObject(type.decode(encodeExportResponse('logs', 'protobuf', 3, 'why')), { longs: String });
    assert.deepStrictEqual(decoded, { partialSuccess: { rejectedLogRecords: '3', errorMessage: 'why' } });
    assert.deepStrictEqual(JSON.parse(encodeExportResponse('metrics', 'json', 2, 'x').toString()), {
      partialSuccess: { rejectedDataPoints: '2', errorMessage: 'x' },
    });
    assert.deepStrictEqual(JSON.parse(encodeExportResponse('traces', 'json', 0, '').toString()), {});
  });
});

describe('otlp: span → envelope mapping', () => {
  it('a SERVER span becomes a request with the operation tags and the local key', () => {
    const envelope = one(
      'traces',
      traceRequest([
        span({
          kind: 2,
          parentSpanId: PARENT_ID,
          name: 'GET',
          attributes: {
            'http.request.method': 'GET',
            'url.full': 'http://x.local/a/b?c=1',
            'http.response.status_code': 201,
            'client.address': '10.1.2.3',
            'user_agent.original': 'curl/8',
            'custom.thing': 'kept',
          },
        }),
      ]),
    );
    assert.strictEqual(envelope.name, 'Microsoft.ApplicationInsights.Request');
    assert.strictEqual(envelope.iKey, KEY);
    assert.strictEqual(envelope.time, '2026-01-02T03:04:05.678901Z');
    assert.deepStrictEqual(envelope.tags, {
      'ai.cloud.role': 'shop.checkout',
      'ai.cloud.roleInstance': 'pod-7',
      'ai.internal.sdkVersion': 'otlp_unknown',
      'ai.operation.id': TRACE_ID,
      'ai.operation.parentId': PARENT_ID,
      'ai.user.userAgent': 'curl/8',
      'ai.location.ip': '10.1.2.3',
      'ai.operation.name': 'GET /a/b',
    });
    assert.deepStrictEqual(baseData(envelope), {
      ver: 2,
      id: SPAN_ID,
      name: 'GET /a/b',
      duration: '0.00:00:00.012',
      success: true,
      responseCode: '201',
      url: 'http://x.local/a/b?c=1',
      properties: { 'custom.thing': 'kept' },
      measurements: {},
    });
  });

  it('request success: the span status when set, else HTTP status < 400', () => {
    const result = (status: number, code: number): boolean =>
      baseData(
        one(
          'traces',
          traceRequest([span({ kind: 2, status: { code }, attributes: { 'http.method': 'GET', 'http.status_code': status } })]),
        ),
      ).success;
    assert.strictEqual(result(500, 0), false);
    assert.strictEqual(result(404, 0), false);
    assert.strictEqual(result(302, 0), true);
    assert.strictEqual(result(500, 1), true, 'OK overrides');
    assert.strictEqual(result(200, 2), false, 'ERROR overrides');
  });

  const dependency = (kind: number, attributes: Record<string, string | number>): Record<string, unknown> => {
    const data = baseData(one('traces', traceRequest([span({ kind, name: 'dep', attributes })])));
    return { type: data.type, target: data.target, data: data.data, resultCode: data.resultCode, name: data.name };
  };

  it('dependency type, target and data from HTTP (old and new semconv), DB, RPC and messaging attributes', () => {
    assert.deepStrictEqual(dependency(3, { 'http.method': 'POST', 'http.url': 'https://api.local:443/v1/pay', 'http.status_code': 502 }), {
      type: 'HTTP',
      target: 'https://api.local/v1/pay',
      data: 'https://api.local:443/v1/pay',
      resultCode: '502',
      name: 'POST /v1/pay',
    });
    assert.deepStrictEqual(
      dependency(3, {
        'http.request.method': 'GET',
        'url.full': 'http://inv.local:8080/items',
        'server.address': 'inv.local',
        'server.port': 8080,
        'http.response.status_code': 200,
      }),
      { type: 'HTTP', target: 'inv.local', data: 'http://inv.local:8080/items', resultCode: '200', name: 'GET /items' },
    );
    assert.deepStrictEqual(
      dependency(3, { 'db.system': 'mssql', 'db.statement': 'SELECT 1', 'net.peer.name': 'sql.local', 'db.name': 'shop' }),
      { type: 'SQL', target: 'sql.local|shop', data: 'SELECT 1', resultCode: '0', name: 'dep' },
    );
    assert.deepStrictEqual(dependency(3, { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT 2', 'db.namespace': 'orders' }), {
      type: 'postgresql',
      target: 'orders',
      data: 'SELECT 2',
      resultCode: '0',
      name: 'dep',
    });
    assert.deepStrictEqual(dependency(3, { 'db.system': 'cassandra', 'db.operation': 'get' }), {
      type: 'cassandra',
      target: 'cassandra',
      data: 'get',
      resultCode: '0',
      name: 'dep',
    });
    assert.deepStrictEqual(dependency(3, { 'rpc.system': 'grpc', 'rpc.grpc.status_code': 14, 'server.address': 'grpc.local' }), {
      type: 'GRPC',
      target: 'grpc.local',
      data: undefined,
      resultCode: '14',
      name: 'dep',
    });
    assert.deepStrictEqual(dependency(3, { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' }), {
      type: 'kafka',
      target: 'orders',
      data: undefined,
      resultCode: '0',
      name: 'dep',
    });
    assert.deepStrictEqual(dependency(4, { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' }), {
      type: 'Queue Message | kafka',
      target: 'orders',
      data: undefined,
      resultCode: '0',
      name: 'dep',
    });
    assert.deepStrictEqual(dependency(3, {}), { type: 'N/A', target: undefined, data: undefined, resultCode: '0', name: 'dep' });
    assert.deepStrictEqual(dependency(1, { 'az.namespace': 'Microsoft.Storage' }), {
      type: 'InProc | Microsoft.Storage',
      target: undefined,
      data: undefined,
      resultCode: '0',
      name: 'dep',
    });
    assert.deepStrictEqual(
      dependency(0, {}),
      { type: 'InProc', target: undefined, data: undefined, resultCode: '0', name: 'dep' },
      'UNSPECIFIED counts as INTERNAL',
    );
  });

  it('a database dependency keeps server.* in properties but not the new DB field attributes', () => {
    const data = baseData(
      one(
        'traces',
        traceRequest([
          span({
            kind: 3,
            attributes: {
              'db.system.name': 'mysql',
              'db.query.text': 'SELECT 1',
              'server.address': 'db',
              'server.port': 3307,
              'db.operation.name': 'SELECT',
              app: 'x',
            },
          }),
        ]),
      ),
    );
    assert.deepStrictEqual(data.properties, { 'server.address': 'db', 'server.port': '3307', app: 'x' });
  });

  it('long fields are truncated to the Breeze limits; links go to _MS.links; sample rate from _MS.sampleRate', () => {
    const links = Array.from({ length: 110 }, (_, index) => ({ traceId: TRACE_ID, spanId: index.toString(16).padStart(16, '0') }));
    const envelope = one(
      'traces',
      traceRequest([
        span({
          kind: 3,
          name: 'n'.repeat(2000),
          links,
          attributes: {
            'db.system': 'redis',
            'db.statement': 's'.repeat(9000),
            big: 'v'.repeat(9000),
            ['k'.repeat(151)]: 'dropped',
            '_MS.sampleRate': 25,
          },
        }),
      ]),
    );
    const data = baseData(envelope);
    assert.strictEqual(data.name.length, 1024);
    assert.strictEqual(data.data.length, 8192);
    assert.strictEqual(data.properties.big.length, 8192);
    assert.strictEqual(
      Object.keys(data.properties).some((key) => key.startsWith('kkk')),
      false,
    );
    assert.strictEqual(JSON.parse(data.properties['_MS.links']).length, 102);
    assert.strictEqual(envelope.sampleRate, 25);
  });

  it('an exception event becomes ExceptionData parented to the span; other events become messages', () => {
    const events = [
      {
        timeUnixNano: '1767323045700000000',
        name: 'exception',
        attributes: kv({
          'exception.type': 'KeyError',
          'exception.message': "'x'",
          'exception.stacktrace': 'Traceback (most recent call last):\n  ...',
          'exception.escaped': false,
        }),
      },
      { timeUnixNano: '1767323045710000000', name: 'retrying', attributes: kv({ attempt: 2 }) },
    ];
    const [main, exception, message] = convert('traces', traceRequest([span({ kind: 2, events })])).envelopes;
    assert.strictEqual(main.data?.baseType, 'RequestData');
    assert.strictEqual(exception.data?.baseType, 'ExceptionData');
    assert.strictEqual(exception.tags?.['ai.operation.parentId'], SPAN_ID);
    assert.strictEqual(exception.time, '2026-01-02T03:04:05.700000Z');
    assert.deepStrictEqual(baseData(exception), {
      ver: 2,
      exceptions: [{ typeName: 'KeyError', message: "'x'", hasFullStack: true, stack: 'Traceback (most recent call last):\n  ...' }],
      properties: { 'exception.escaped': 'false' },
    });
    assert.deepStrictEqual(baseData(message), { ver: 2, message: 'retrying', properties: { attempt: '2' } });
  });

  it('cloud role: namespace.name; unknown_service falls back to Kubernetes names; instance from host.name', () => {
    const tags = (resource: Record<string, string>): Record<string, string> | undefined =>
      one('traces', traceRequest([span()], resource)).tags;
    assert.strictEqual(tags({ 'service.name': 'api' })?.['ai.cloud.role'], 'api');
    assert.strictEqual(tags({ 'service.name': 'unknown_service:python', 'k8s.deployment.name': 'web' })?.['ai.cloud.role'], 'web');
    assert.strictEqual(tags({ 'service.name': 'unknown_service:python' })?.['ai.cloud.role'], 'unknown_service:python');
    assert.strictEqual(tags({ 'service.name': 'api', 'host.name': 'box-1' })?.['ai.cloud.roleInstance'], 'box-1');
    assert.strictEqual(
      tags({ 'service.name': 'api', 'service.version': '2.0', 'telemetry.sdk.language': 'python', 'telemetry.sdk.version': '1.27.0' })?.[
        'ai.internal.sdkVersion'
      ],
      'otlp_python:otel1.27.0',
    );
  });
});

describe('otlp: log record and metric point mapping', () => {
  const record = (extra: Record<string, unknown>): Record<string, unknown> => ({
    timeUnixNano: '1767323045678901234',
    severityNumber: 13,
    severityText: 'WARN',
    body: { stringValue: 'disk almost full' },
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    attributes: kv({ volume: '/data' }),
    ...extra,
  });

  it('a record becomes MessageData with severity, trace context and properties', () => {
    const envelope = one('logs', logRequest([record({})]));
    assert.strictEqual(envelope.name, 'Microsoft.ApplicationInsights.Message');
    assert.strictEqual(envelope.tags?.['ai.operation.id'], TRACE_ID);
    assert.strictEqual(envelope.tags?.['ai.operation.parentId'], SPAN_ID);
    assert.deepStrictEqual(baseData(envelope), {
      ver: 2,
      message: 'disk almost full',
      severityLevel: 2,
      properties: { volume: '/data' },
      measurements: {},
    });
  });

  it('exception attributes → ExceptionData; microsoft.custom_event.name → EventData; no body → "n/a"; no time → observed time', () => {
    const exception = one(
      'logs',
      logRequest([record({ attributes: kv({ 'exception.type': 'OSError', 'exception.message': 'no space' }) })]),
    );
    assert.strictEqual(exception.data?.baseType, 'ExceptionData');
    assert.deepStrictEqual(baseData(exception).exceptions, [{ typeName: 'OSError', message: 'no space', hasFullStack: false }]);
    const event = one('logs', logRequest([record({ attributes: kv({ 'microsoft.custom_event.name': 'signup', plan: 'pro' }) })]));
    assert.deepStrictEqual(
      [event.data?.baseType, baseData(event).name, baseData(event).properties],
      ['EventData', 'signup', { plan: 'pro' }],
    );
    const empty = one('logs', logRequest([{ observedTimeUnixNano: '1767323045000000000', attributes: [] }]));
    assert.strictEqual(baseData(empty).message, 'n/a');
    assert.strictEqual(baseData(empty).severityLevel, undefined);
    assert.strictEqual(empty.time, '2026-01-02T03:04:05.000000Z');
  });

  it('sums, gauges, histograms, exponential histograms and summaries → one MetricData per point', () => {
    const point = (extra: Record<string, unknown>): Record<string, unknown> => ({
      timeUnixNano: '1767323045678901234',
      attributes: kv({ host: 'a' }),
      ...extra,
    });
    const result = convert(
      'metrics',
      metricRequest([
        {
          name: 'requests',
          sum: { dataPoints: [point({ asInt: '7' }), point({ asInt: '9', flags: 1 })], aggregationTemporality: 1, isMonotonic: true },
        },
        { name: 'temp', gauge: { dataPoints: [point({ asDouble: 21.5 })] } },
        {
          name: 'latency',
          histogram: { dataPoints: [point({ count: '4', sum: 10, min: 1, max: 6, bucketCounts: ['1', '3'], explicitBounds: [5] })] },
        },
        { name: 'size', exponentialHistogram: { dataPoints: [point({ count: '2', sum: 3, scale: 1 })] } },
        {
          name: 'gc',
          summary: {
            dataPoints: [
              point({
                count: '3',
                sum: 9,
                quantileValues: [
                  { quantile: 0, value: 1 },
                  { quantile: 1, value: 5 },
                ],
              }),
            ],
          },
        },
        { name: '', gauge: { dataPoints: [point({ asDouble: 1 })] } },
      ]),
    );
    const points = result.envelopes.map((envelope) => baseData(envelope).metrics[0]);
    assert.deepStrictEqual(points, [
      { name: 'requests', kind: 'Aggregation', value: 7, count: 1 },
      { name: 'temp', kind: 'Aggregation', value: 21.5, count: 1 },
      { name: 'latency', kind: 'Aggregation', value: 10, count: 4, min: 1, max: 6 },
      { name: 'size', kind: 'Aggregation', value: 3, count: 2 },
      { name: 'gc', kind: 'Aggregation', value: 9, count: 3 },
    ]);
    assert.ok(
      result.envelopes.every(
        (envelope) => envelope.name === 'Microsoft.ApplicationInsights.Metric' && envelope.time === '2026-01-02T03:04:05.678901Z',
      ),
    );
    assert.deepStrictEqual(baseData(result.envelopes[0]).properties, { host: 'a' });
    assert.strictEqual(result.rejected, 1, 'the nameless metric');
    assert.match(result.errorMessage, /no name/);
  });
});
