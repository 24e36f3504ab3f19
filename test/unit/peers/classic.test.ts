import * as assert from 'assert';
import { LocalOnlySink, RelayServer } from '../../../src/core/relay';
import { TelemetryItem, TelemetryStore } from '../../../src/core/store';
import type { ClassicPeerReport } from '../../peers-fixtures/classicPeer';
import { tempDir } from '../relay/helpers';
import { describeForwardingPeer } from './forwardingRelay';
import { newRunId, runPeer } from './peerProcess';

/** Checks what the classic track* calls became in the store, against what the peer says it tracked. */
export function assertClassicItems(items: readonly TelemetryItem[], report: ClassicPeerReport): void {
  for (const item of items) {
    assert.strictEqual(item.role, report.role, `role of ${item.table} ${item.name}`);
    assert.match(item.sdkVersion ?? '', /^ulm_node/);
  }
  const only = (table: string, predicate: (item: TelemetryItem) => boolean = () => true): TelemetryItem => {
    const found = items.filter((item) => item.table === table && predicate(item));
    assert.strictEqual(found.length, 1, `exactly one ${table} item, got ${found.length}`);
    assert.strictEqual(found[0].properties?.['peer.run'], report.runId, `${table} keeps its custom property`);
    return found[0];
  };
  const trace = only('traces');
  assert.strictEqual(trace.message, report.trace.message);
  assert.strictEqual(trace.severity, 2, 'Warning');

  const event = only('customEvents');
  assert.strictEqual(event.name, report.event.name);
  assert.deepStrictEqual(event.measurements, { items: report.event.measurement });

  const exception = only('exceptions');
  assert.strictEqual(exception.exceptions?.[0].typeName, report.exception.typeName);
  assert.strictEqual(exception.exceptions?.[0].message, report.exception.message);
  assert.ok(
    (exception.exceptions?.[0].parsedStack ?? []).some((frame) => /classicPeer\.js$/.test(frame.fileName ?? '')),
    'parsed stack names the peer script',
  );

  const metric = only('customMetrics', (item) => item.name === report.metric.name);
  assert.strictEqual(metric.metrics?.[0].value, report.metric.value);

  const request = only('requests');
  assert.strictEqual(request.name, report.request.name);
  assert.strictEqual(request.duration, report.request.duration);
  assert.strictEqual(request.success, true);
  // applicationinsights 3.17 maps trackRequest onto a span and sends responseCode "0" and no url,
  // whatever the caller gave (checked on the raw envelope): the relay shows what was sent.
  assert.strictEqual(request.resultCode, '0');

  const dependency = only('dependencies');
  assert.strictEqual(dependency.name, report.dependency.name);
  assert.strictEqual(dependency.target, report.dependency.target);
  assert.strictEqual(dependency.data, report.dependency.data);
  assert.strictEqual(dependency.type, 'SQL');
  assert.strictEqual(dependency.duration, report.dependency.duration);
  assert.strictEqual(dependency.success, true);

  // Besides the six tracked items, only the SDK's resource metric may appear.
  const others = items.filter((item) => ![trace, event, exception, metric, request, dependency].includes(item));
  assert.ok(
    others.every((item) => item.table === 'customMetrics' && item.name === '_OTELRESOURCE_'),
    JSON.stringify(others.map((item) => `${item.table}:${item.name}`)),
  );
}

describe('peers: applicationinsights@3 classic API → relay', function () {
  this.timeout(90_000);
  let relay: RelayServer;
  let store: TelemetryStore;

  before(async () => {
    store = new TelemetryStore();
    relay = await RelayServer.start({ sink: new LocalOnlySink(), store, tlsDir: tempDir('peer-classic-tls-') });
  });
  after(() => relay.close());

  it('puts every tracked trace, event, exception, metric, request and dependency in the store', async () => {
    const report = await runPeer<ClassicPeerReport>('classicPeer', relay, newRunId());
    assertClassicItems(store.snapshot(), report);
    const stats = relay.stats();
    assert.strictEqual(stats.itemsRejected, 0, JSON.stringify(stats.rejected));
    assert.strictEqual(stats.itemsAccepted, store.size);
  });
});

describeForwardingPeer<ClassicPeerReport>(
  'peers: applicationinsights@3 classic API → relay → ForwardQueue → fake ingestion',
  'classicPeer',
  assertClassicItems,
);
