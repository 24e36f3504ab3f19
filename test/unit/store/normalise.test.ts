import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Envelope } from '../../../src/core/envelope';
import { normaliseEnvelope, parseDuration, parseTimestamp, severity, TelemetryItem } from '../../../src/core/store';

const CAPTURES = path.resolve(__dirname, '../../../../test/fixtures/captures');

function capture(name: string): Envelope[] {
  return JSON.parse(fs.readFileSync(path.join(CAPTURES, `${name}.body.json`), 'utf8'));
}

function normalised(envelope: Envelope): TelemetryItem {
  const item = normaliseEnvelope(envelope, 1, 0);
  assert.ok(item, 'the envelope is normalised');
  return item;
}

describe('store: normalising real envelopes', () => {
  it('OTel Python request: ids, duration, result, role, operation', () => {
    const { bytes, ...request } = normalised(capture('py-otel-azure-exporter.req1')[2]);
    assert.ok(bytes > 400 && bytes < 5000, `size estimate ${bytes}`);
    assert.deepStrictEqual(request, {
      seq: 1,
      table: 'requests',
      time: Date.UTC(2026, 10, 24, 17, 39, 1) + 976.446,
      role: 'heldout-py-otel',
      roleInstance: '9d21fbeee984',
      operationId: '9e04db914126c55de899ea09b5975076',
      operationName: 'GET /heldout/py/0',
      sdkVersion: 'py3.11.2:otel1.14.0:ext1.0.0b12',
      id: 'b0da1b4928775e43',
      name: 'GET /heldout/py/0',
      duration: 0,
      success: true,
      resultCode: '200',
      url: '',
      properties: { heldout_run: '9d21fbeee984', heldout_seq: 'server-0' },
    });
  });

  it('OTel Python dependency and exception: parent id, type, stack text', () => {
    const envelopes = capture('py-otel-azure-exporter.req1');
    const dependency = normalised(envelopes[0]);
    assert.strictEqual(dependency.table, 'dependencies');
    assert.strictEqual(dependency.parentId, 'b0da1b4928775e43');
    assert.strictEqual(dependency.type, 'N/A');
    assert.strictEqual(dependency.success, true);
    assert.strictEqual(dependency.resultCode, '0');
    const exception = normalised(envelopes[8]);
    assert.strictEqual(exception.table, 'exceptions');
    assert.strictEqual(exception.name, 'RuntimeError');
    assert.strictEqual(exception.message, 'heldout span exception [9d21fbeee984]');
    assert.strictEqual(exception.exceptions?.length, 1);
    assert.match(exception.exceptions![0].stack!, /^Traceback \(most recent call last\):\n {2}File ".*otel_exporter\.py", line 77/);
    assert.strictEqual(exception.parentId, '0d0af39c5b9eaf1b');
  });

  it('OpenCensus logs: severity, properties as text, all-zero ids mean no operation, parsedStack rendered', () => {
    const envelopes = capture('py-opencensus-logs.req1');
    const message = normalised(envelopes[0]);
    assert.strictEqual(message.table, 'traces');
    assert.strictEqual(message.message, 'alpha [c70cf527274f:log-0]');
    assert.strictEqual(message.severity, 2);
    assert.strictEqual(message.operationId, undefined);
    assert.strictEqual(message.parentId, undefined);
    assert.strictEqual(message.properties?.lineNumber, '35');
    assert.strictEqual(message.properties?.fileName, '/work/steering/heldout/python-clients/oc_logs.py');
    assert.strictEqual(message.role, 'oc_logs.py');
    const exception = normalised(envelopes[5]);
    assert.strictEqual(exception.table, 'exceptions');
    assert.strictEqual(exception.severity, 3);
    assert.deepStrictEqual(exception.exceptions![0].parsedStack, [
      { level: 0, method: '<module>', fileName: '/work/steering/heldout/python-clients/oc_logs.py', line: 40 },
    ]);
    assert.strictEqual(exception.exceptions![0].stack, 'at <module> (/work/steering/heldout/python-clients/oc_logs.py:40)');
    assert.strictEqual(exception.name, 'ValueError');
  });

  it('OpenCensus trace: INPROC dependency with a days-prefixed duration', () => {
    const dependency = normalised(capture('py-opencensus-trace.req1')[0]);
    assert.strictEqual(dependency.table, 'dependencies');
    assert.strictEqual(dependency.type, 'INPROC');
    assert.strictEqual(dependency.duration, 0);
    assert.strictEqual(dependency.operationId, '9cb94be86bcb13fa48360d56cf17decb');
    assert.strictEqual(dependency.id, '34363af334c51a2b');
    assert.strictEqual(dependency.properties?.value, 'alpha');
  });

  it('OpenCensus metrics: timestamp without offset is UTC; one metric point', () => {
    const metric = normalised(capture('py-opencensus-metrics.req1')[0]);
    assert.strictEqual(metric.table, 'customMetrics');
    assert.strictEqual(metric.time, Date.UTC(2026, 10, 24, 17, 38, 50) + 171.306);
    assert.deepStrictEqual(metric.metrics, [{ name: 'prompt view', namespace: 'prompt view', value: 2 }]);
    assert.strictEqual(metric.name, 'prompt view');
    assert.strictEqual(metric.properties, undefined);
  });

  it('legacy Python SDK: every table, null metric fields dropped, no role', () => {
    const items = capture('py-applicationinsights-legacy.req1').map(normalised);
    assert.deepStrictEqual(
      items.map((item) => item.table),
      ['customEvents', 'customEvents', 'customEvents', 'traces', 'exceptions', 'customMetrics', 'requests', 'dependencies'],
    );
    assert.strictEqual(items[0].name, 'heldout.py.event.0');
    assert.strictEqual(items[0].role, undefined);
    assert.deepStrictEqual(items[5].metrics, [{ name: 'heldout.py.legacy.metric', value: 42 }]);
    assert.strictEqual(items[6].duration, 12);
    assert.strictEqual(items[6].url, 'http://127.0.0.1/heldout/legacy');
    assert.strictEqual(items[7].duration, 5);
    assert.deepStrictEqual([items[7].type, items[7].target, items[7].data], ['SQL', 'db', 'SELECT 1']);
  });

  it('Node SDKs: string severities, sub-millisecond durations, metric aggregates', () => {
    const classic = capture('node-applicationinsights-classic.req2').map(normalised);
    assert.strictEqual(classic[3].severity, 2); // "Warning"
    assert.strictEqual(classic[5].severity, 3); // "Error"
    assert.strictEqual(classic[5].exceptions![0].parsedStack!.length, 4);
    assert.deepStrictEqual(normalised(capture('node-applicationinsights-classic.req1')[0]).metrics, [
      { name: 'heldout.node.classic.metric', value: 42, count: 1, min: 42, max: 42 },
    ]);
    const request = normalised(capture('node-otel-azure-exporter.req1')[3]);
    assert.strictEqual(request.duration, 0.7025);
  });

  it('dispatches on baseType, not on the envelope name; flags Statsbeat; ignores unknown types', () => {
    const base: Envelope = {
      name: 'Microsoft.ApplicationInsights.3c6a1f528d0e4b7a9f215e4d2c1b0a99.Request',
      time: '2026-01-01T00:00:00Z',
      data: { baseType: 'MessageData', baseData: { message: 'm' } },
    };
    assert.strictEqual(normalised(base).table, 'traces');
    const statsbeat = normalised({
      ...base,
      name: 'Statsbeat',
      data: { baseType: 'MetricData', baseData: { metrics: [{ name: 'Request Success Count', value: 3 }] } },
    });
    assert.strictEqual(statsbeat.table, 'customMetrics');
    assert.strictEqual(statsbeat.statsbeat, true);
    assert.strictEqual(normalised(base).statsbeat, undefined);
    assert.strictEqual(normaliseEnvelope({ ...base, data: { baseType: 'SomethingElse' } }, 1), undefined);
    assert.strictEqual(normalised({ ...base, data: { baseType: 'PageViewData', baseData: { id: 'p', name: 'home' } } }).table, 'pageViews');
    assert.strictEqual(
      normalised({
        ...base,
        data: { baseType: 'AvailabilityData', baseData: { id: 'a', name: 'ping', success: 'false', runLocation: 'west' } },
      }).success,
      false,
    );
  });

  it('never throws on odd field types, and keeps __proto__ as a plain key', () => {
    const odd = JSON.parse(
      '{"name":"x","time":"2026-01-01T00:00:00Z","tags":{"ai.cloud.role":5,"ai.operation.id":{}},"data":{"baseType":"ExceptionData","baseData":{"exceptions":"no","properties":{"__proto__":"p","n":null,"o":{"a":1}},"measurements":{"m":"1","k":2}}}}',
    );
    const item = normalised(odd);
    assert.strictEqual(item.role, '5');
    assert.strictEqual(item.operationId, undefined);
    assert.strictEqual(item.exceptions, undefined);
    assert.strictEqual(Object.getPrototypeOf(item.properties), Object.prototype);
    assert.deepStrictEqual(Object.keys(item.properties!), ['__proto__', 'o']);
    assert.strictEqual(item.properties!.o, '{"a":1}');
    assert.deepStrictEqual(item.measurements, { k: 2 });
  });
});

describe('store: timestamps, durations, severities', () => {
  it('parses ISO timestamps with any fraction, with or without offset', () => {
    assert.strictEqual(parseTimestamp('2026-11-24T17:38:38Z'), Date.UTC(2026, 10, 24, 17, 38, 38));
    assert.strictEqual(parseTimestamp('2026-11-24T17:38:38.9829981Z'), Date.UTC(2026, 10, 24, 17, 38, 38) + 982.9981);
    assert.strictEqual(parseTimestamp('2026-11-24T17:38:38.5'), Date.UTC(2026, 10, 24, 17, 38, 38) + 500);
    assert.strictEqual(parseTimestamp('2026-11-24T19:38:38+02:00'), Date.UTC(2026, 10, 24, 17, 38, 38));
    assert.strictEqual(parseTimestamp('2026-11-24T12:38:38-0500'), Date.UTC(2026, 10, 24, 17, 38, 38));
    assert.strictEqual(parseTimestamp('2026-11-24'), Date.UTC(2026, 10, 24));
    for (const bad of ['1', 'yesterday', '2026-13-01T00:00:00Z', '2026-11-24T25:00:00Z', '', '2026-11-24T17:38:38Zjunk']) {
      assert.strictEqual(parseTimestamp(bad), undefined, bad);
    }
  });

  it('parses durations with or without days, to milliseconds', () => {
    assert.strictEqual(parseDuration('00:00:00.012'), 12);
    assert.strictEqual(parseDuration('0.00:00:00.000'), 0);
    assert.strictEqual(parseDuration('00:00:00.0007025'), 0.7025);
    assert.strictEqual(parseDuration('1.02:03:04.5'), ((24 + 2) * 3600 + 3 * 60 + 4.5) * 1000);
    assert.strictEqual(parseDuration('00:01:00'), 60000);
    assert.strictEqual(parseDuration(15), 15);
    for (const bad of ['', 'PT1S', '1:2', '00:00:00.', -1, null, {}]) {
      assert.strictEqual(parseDuration(bad), undefined, String(bad));
    }
  });

  it('reads severities as ints (clamped) or names', () => {
    assert.deepStrictEqual([0, 1, 2, 3, 4, 7, -1, 2.9].map(severity), [0, 1, 2, 3, 4, 4, 0, 2]);
    assert.deepStrictEqual(['Verbose', 'information', 'WARNING', 'Error', 'Critical', '3', 'loud', ''].map(severity), [
      0,
      1,
      2,
      3,
      4,
      3,
      undefined,
      undefined,
    ]);
  });
});
