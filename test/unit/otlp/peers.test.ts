import * as assert from 'assert';
import { randomUUID } from 'crypto';
import { ForwardQueue } from '../../../src/core/forward';
import { parseConnectionStringOrThrow } from '../../../src/core/connectionString';
import type { TelemetryItem } from '../../../src/core/store/telemetryItem';
import { FakeIngestion } from '../../fakes/fakeIngestion';
import { startRelay, tempDir, TestRelay } from '../relay/helpers';
import { PeerTarget, sendLogs, sendMetrics, sendTraces, Wire } from './otlpPeers';

const VARIANTS: { wire: Wire; gzip: boolean; label: string }[] = [
  { wire: 'protobuf', gzip: false, label: '-otlp-proto' },
  { wire: 'protobuf', gzip: true, label: '-otlp-proto, gzip' },
  { wire: 'json', gzip: false, label: '-otlp-http (JSON)' },
  { wire: 'json', gzip: true, label: '-otlp-http (JSON), gzip' },
];

function target(t: TestRelay, wire: Wire, gzip: boolean): PeerTarget {
  return { endpoint: t.relay.otlpEndpoint, headers: { 'x-azmon-key': t.relay.localKey }, wire, gzip };
}

function ofRole(t: TestRelay, role: string): TelemetryItem[] {
  return t.store.snapshot().filter((item) => item.role === `shop.${role}`);
}

describe('otlp: real OpenTelemetry JS exporters → relay → store', () => {
  let t: TestRelay;
  beforeEach(async () => {
    t = await startRelay();
  });
  afterEach(async () => {
    await t.relay.close();
  });

  for (const variant of VARIANTS) {
    it(`spans from @opentelemetry/exporter-trace${variant.label} arrive as requests, dependencies and exceptions`, async () => {
      const role = `traces-${variant.wire}-${variant.gzip}`;
      const sent = await sendTraces(target(t, variant.wire, variant.gzip), role, randomUUID());
      const items = ofRole(t, role);
      for (const span of sent.spans) {
        const item = items.find((candidate) => candidate.id === span.spanId);
        assert.ok(item, `span ${span.name} (${span.kind}) arrived`);
        const expectedTable = span.kind === 'server' || span.kind === 'consumer' ? 'requests' : 'dependencies';
        assert.strictEqual(item.table, expectedTable, span.name);
        assert.strictEqual(item.operationId, span.traceId);
        assert.strictEqual(item.roleInstance, `${role}-1`);
      }
      const exception = items.find((item) => item.table === 'exceptions');
      assert.ok(exception, 'the recorded exception arrived');
      assert.strictEqual(exception.exceptions?.[0].message, sent.exceptionMessage);
      assert.strictEqual(exception.exceptions?.[0].typeName, 'RangeError');
      assert.strictEqual(exception.parentId, sent.spans.find((span) => span.name === 'compute-total')?.spanId);
      assert.ok(
        items.some((item) => item.table === 'traces' && item.message === 'cache miss'),
        'the span event arrived as a trace',
      );
      const server = items.find((item) => item.table === 'requests' && item.name === 'GET /orders/:id');
      assert.ok(server && server.success === true && server.resultCode === '200', JSON.stringify(server));
      const http = items.find((item) => item.name === 'GET /items/7');
      assert.ok(http, 'the HTTP dependency is named METHOD path');
      assert.strictEqual(http.type, 'HTTP');
      assert.strictEqual(http.resultCode, '503');
      assert.strictEqual(http.success, false);
      const db = items.find((item) => item.name === 'SELECT orders');
      assert.strictEqual(db?.type, 'postgresql');
      assert.strictEqual(db?.target, 'db.local|shop');
      assert.strictEqual(db?.data, 'SELECT * FROM orders WHERE id = $1');
      assert.strictEqual(t.sink.items.length, sent.spans.length + 2, 'the sink got every span and both events');
      assert.ok(t.sink.items.every((envelope) => envelope.iKey === t.relay.localKey));
      assert.strictEqual(t.relay.stats().otlpRequests, sent.spans.length, 'one export per span (SimpleSpanProcessor)');
    });

    it(`metric points from @opentelemetry/exporter-metrics${variant.label} arrive with value, count, min and max`, async () => {
      const role = `metrics-${variant.wire}-${variant.gzip}`;
      const tag = randomUUID().slice(0, 8);
      const sent = await sendMetrics(target(t, variant.wire, variant.gzip), role, tag);
      const points = ofRole(t, role)
        .filter((item) => item.table === 'customMetrics')
        .flatMap((item) => item.metrics ?? []);
      for (const metric of sent) {
        const matching = points.filter((candidate) => candidate.name === metric.name);
        assert.ok(matching.length > 0, `${metric.name} arrived`);
        // The up-down counter stays cumulative under the DELTA preference, so shutdown's final
        // collection sends it again with the same value; every point must still be right.
        for (const point of matching) {
          assert.strictEqual(point.value, metric.value, metric.name);
          assert.strictEqual(point.count, metric.count, metric.name);
          assert.strictEqual(point.min, metric.min, metric.name);
          assert.strictEqual(point.max, metric.max, metric.name);
        }
      }
      assert.deepStrictEqual(new Set(points.map((point) => point.name)), new Set(sent.map((metric) => metric.name)));
    });

    it(`log records from @opentelemetry/exporter-logs${variant.label} arrive with severity and trace context`, async () => {
      const role = `logs-${variant.wire}-${variant.gzip}`;
      const sent = await sendLogs(target(t, variant.wire, variant.gzip), role, randomUUID());
      const items = ofRole(t, role);
      assert.strictEqual(items.length, sent.length);
      for (const log of sent) {
        const item = items.find((candidate) => candidate.message === log.body);
        assert.ok(item, `"${log.body}" arrived`);
        assert.strictEqual(item.table, 'traces');
        assert.strictEqual(item.severity, log.severityLevel, log.body);
        assert.strictEqual(item.operationId, log.traceId, log.body);
        assert.strictEqual(item.properties?.['peer.run'] !== undefined, true);
      }
    });
  }

  it('the relay answers the exporters with a protobuf ExportTraceServiceResponse they accept (no retries)', async () => {
    const role = 'no-retries';
    await sendTraces(target(t, 'protobuf', false), role, 'x');
    // A retried export would show up as duplicate spans.
    const ids = ofRole(t, role)
      .filter((item) => item.table === 'requests' || item.table === 'dependencies')
      .map((item) => item.id);
    assert.strictEqual(new Set(ids).size, ids.length);
    assert.strictEqual(ids.length, 6);
  });
});

describe('otlp: real exporters → relay → forward queue → fake ingestion', () => {
  const localKey = '11111111-2222-4333-8444-555555555555';
  const realKey = 'a1b2c3d4-e5f6-4789-8abc-def012345678';
  let fake: FakeIngestion;
  let queue: ForwardQueue;
  let t: TestRelay;
  beforeEach(async () => {
    fake = await FakeIngestion.start({ expectKey: realKey });
    queue = await ForwardQueue.open({
      storageDir: tempDir('azmon-otlp-forward-'),
      connectionString: parseConnectionStringOrThrow(`InstrumentationKey=${realKey};IngestionEndpoint=${fake.url}`),
      localInstrumentationKey: localKey,
      backoffBaseMs: 20,
      backoffMaxMs: 100,
      log: () => undefined,
    });
    t = await startRelay({ localKey, sink: queue });
  });
  afterEach(async () => {
    await t.relay.close();
    await queue.close();
    await fake.close();
  });

  it('every span, point and record reaches Azure (the fake) converted, under the real key', async () => {
    const traces = await sendTraces(target(t, 'protobuf', true), 'fwd', 'fwd');
    const metrics = await sendMetrics(target(t, 'json', false), 'fwd', 'fwd');
    const logs = await sendLogs(target(t, 'json', true), 'fwd', 'fwd');
    // Every item the relay acknowledged (at least one per span, event, point and record).
    const expected = t.store.size;
    assert.ok(expected >= traces.spans.length + 2 + metrics.length + logs.length, `${expected} items acknowledged`);
    const received = await fake.waitForItems(expected, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.strictEqual(fake.received().length, expected, 'each exactly once');
    assert.ok(
      received.every((item) => item.iKey === realKey),
      'the key was rewritten',
    );
    const ids = new Set(received.map((item) => String(item.data?.baseData?.id)));
    for (const span of traces.spans) assert.ok(ids.has(span.spanId), span.name);
    const metricNames = new Set(
      received.flatMap((item) => ((item.data?.baseData?.metrics as { name: string }[] | undefined) ?? []).map((point) => point.name)),
    );
    for (const metric of metrics) assert.ok(metricNames.has(metric.name), metric.name);
    const messages = new Set(received.map((item) => item.data?.baseData?.message));
    for (const log of logs) assert.ok(messages.has(log.body), log.body);
    assert.ok(received.every((item) => item.tags?.['ai.cloud.role'] === 'shop.fwd'));
  });
});
