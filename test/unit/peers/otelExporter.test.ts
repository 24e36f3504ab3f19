import * as assert from 'assert';
import { LocalOnlySink, RelayServer } from '../../../src/core/relay';
import { TelemetryItem, TelemetryStore } from '../../../src/core/store';
import type { OtelPeerReport } from '../../peers-fixtures/otelExporterPeer';
import { tempDir } from '../relay/helpers';
import { describeForwardingPeer } from './forwardingRelay';
import { newRunId, runPeer } from './peerProcess';

/** Checks what the exporter's spans, logs and metrics became in the store, against what the peer says it sent. */
export function assertOtelItems(items: readonly TelemetryItem[], report: OtelPeerReport): void {
  for (const item of items) {
    assert.strictEqual(item.role, report.role, `role of ${item.table} ${item.name}`);
    assert.strictEqual(item.roleInstance, 'peer-1');
    assert.match(item.sdkVersion ?? '', /ext1\.0\.0-beta\.47/);
  }
  const table = (name: string): TelemetryItem[] => items.filter((item) => item.table === name);
  const [server, client, internal] = report.spans;

  const requests = table('requests');
  assert.strictEqual(requests.length, 1, 'one request (the server span)');
  assert.strictEqual(requests[0].id, server.spanId);
  assert.strictEqual(requests[0].operationId, report.traceId);
  assert.strictEqual(requests[0].name, 'GET /orders');
  assert.strictEqual(requests[0].resultCode, '200');
  assert.strictEqual(requests[0].success, true);
  assert.strictEqual(requests[0].url, 'http://localhost:8080/orders?id=7');
  assert.strictEqual(requests[0].properties?.['peer.run'], report.runId);

  const dependencies = table('dependencies');
  assert.strictEqual(dependencies.length, 2, 'two dependencies (client + internal spans)');
  const http = dependencies.find((item) => item.id === client.spanId);
  assert.ok(http, 'the client span arrived');
  assert.strictEqual(http.type, 'Http');
  assert.strictEqual(http.target, 'inventory.local');
  assert.strictEqual(http.data, 'http://inventory.local/items/7');
  assert.strictEqual(http.resultCode, '503');
  assert.strictEqual(http.success, false);
  assert.strictEqual(http.parentId, server.spanId);
  assert.strictEqual(http.operationId, report.traceId);
  const inProc = dependencies.find((item) => item.id === internal.spanId);
  assert.ok(inProc, 'the internal span arrived');
  assert.strictEqual(inProc.type, 'InProc');
  assert.strictEqual(inProc.name, 'compute-total');
  assert.strictEqual(inProc.parentId, server.spanId);
  assert.ok(typeof inProc.duration === 'number' && inProc.duration >= 0);

  const exceptions = table('exceptions');
  assert.strictEqual(exceptions.length, 1, 'the exception event became one exception');
  assert.strictEqual(exceptions[0].operationId, report.traceId);
  assert.strictEqual(exceptions[0].parentId, internal.spanId);
  assert.strictEqual(exceptions[0].exceptions?.[0].typeName, 'TypeError');
  assert.strictEqual(exceptions[0].exceptions?.[0].message, report.exceptionMessage);
  assert.match(exceptions[0].exceptions?.[0].stack ?? '', /otelExporterPeer\.js/);

  const traces = table('traces');
  assert.deepStrictEqual(
    traces.map((item) => [item.message, item.severity, item.properties?.['peer.run']]),
    report.logs.map((log) => [log.body, { info: 1, warn: 2, error: 3 }[log.severity], report.runId]),
  );

  const metrics = table('customMetrics');
  for (const sent of report.metrics) {
    const points = metrics.filter((item) => item.name === sent.name);
    assert.strictEqual(points.length, 1, `one point for ${sent.name}`);
    assert.strictEqual(points[0].metrics?.[0].value, sent.value);
    assert.strictEqual(points[0].properties?.['peer.run'], report.runId);
  }
  // The exporter adds a resource metric to each trace export; nothing else may appear.
  const others = metrics.filter((item) => !report.metrics.some((sent) => sent.name === item.name));
  assert.ok(
    others.length >= 1 && others.every((item) => item.name === '_OTELRESOURCE_' && item.properties?.['service.name'] === report.role),
    JSON.stringify(others.map((item) => item.name)),
  );
  assert.deepStrictEqual(table('customEvents'), []);
  assert.strictEqual(items.length, 1 + 2 + 1 + report.logs.length + report.metrics.length + others.length);
}

describe('peers: @azure/monitor-opentelemetry-exporter + OpenTelemetry JS SDK → relay', function () {
  this.timeout(90_000);
  let relay: RelayServer;
  let store: TelemetryStore;

  before(async () => {
    store = new TelemetryStore();
    relay = await RelayServer.start({ sink: new LocalOnlySink(), store, tlsDir: tempDir('peer-otel-tls-') });
  });
  after(() => relay.close());

  it('puts every span, exception, log and metric in the store with the right table and fields', async () => {
    const report = await runPeer<OtelPeerReport>('otelExporterPeer', relay, newRunId());
    assertOtelItems(store.snapshot(), report);
    const stats = relay.stats();
    assert.strictEqual(stats.itemsRejected, 0, JSON.stringify(stats.rejected));
    assert.strictEqual(stats.itemsAccepted, store.size);
    assert.ok(store.getOperation(report.traceId).length === 4, 'request, 2 dependencies and the exception share the trace');
  });
});

describeForwardingPeer<OtelPeerReport>(
  'peers: @azure/monitor-opentelemetry-exporter → relay → ForwardQueue → fake ingestion',
  'otelExporterPeer',
  assertOtelItems,
);
