import * as assert from 'assert';
import type { Envelope } from '../../../src/core/envelope';
import type { ForwardStats } from '../../../src/core/forward/forwardStats';
import { PanelFeed, snapshotMessage, toForwardingStatus, toPanelItem } from '../../../src/core/panel';
import { LiveSamples } from '../../../src/core/relay/liveSamples';
import { TelemetryStore } from '../../../src/core/store';
import { isHostToWebview, type HostToWebview } from '../../../src/shared/messages';

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let counter = 0;
function log(message: string, extra: Partial<Envelope> = {}): Envelope {
  counter++;
  return {
    name: 'Microsoft.ApplicationInsights.Message',
    time: new Date(Date.UTC(2026, 0, 1) + counter).toISOString(),
    tags: { 'ai.cloud.role': 'api' },
    data: { baseType: 'MessageData', baseData: { message, severityLevel: 1 } },
    ...extra,
  };
}

function stats(partial: Partial<ForwardStats> = {}): ForwardStats {
  return {
    state: 'forwarding',
    queuedItems: 0,
    queuedBytes: 0,
    queuedFiles: 0,
    maxDiskBytes: 1e6,
    acceptedItems: 0,
    sentItems: 0,
    retriedItems: 0,
    droppedItems: 0,
    droppedByReason: {},
    refusedFull: 0,
    requests: 0,
    consecutiveFailures: 0,
    ...partial,
  };
}

/** A forward queue stand-in with the real stats type: only its notifications are driven by the test. */
class StatsSource {
  current = stats();
  private listeners = new Set<(stats: ForwardStats) => void>();
  stats(): ForwardStats {
    return this.current;
  }
  onStats(listener: (stats: ForwardStats) => void) {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
  emit(partial: Partial<ForwardStats>): void {
    this.current = stats(partial);
    for (const listener of this.listeners) listener(this.current);
  }
  get listenerCount(): number {
    return this.listeners.size;
  }
}

describe('panel: feed of one webview', () => {
  it('starts with a snapshot of the store, live samples and forwarding, then sends batched deltas', async () => {
    const store = new TelemetryStore();
    const liveSamples = new LiveSamples();
    store.add([log('before 1'), log('before 2')]);
    liveSamples.add([{ time: 1, role: 'api', metrics: [{ name: '\\ApplicationInsights\\Requests/Sec', value: 3 }] }]);
    const forward = new StatsSource();
    const posted: HostToWebview[] = [];
    const feed = new PanelFeed({ store, liveSamples, forward, relayUrl: 'http://127.0.0.1:1234/' }, (message) => posted.push(message), {
      intervalMs: 30,
      forwardingIntervalMs: 30,
    });
    feed.start();
    assert.strictEqual(posted.length, 1);
    const snapshot = posted[0]!;
    assert.ok(snapshot.type === 'snapshot' && isHostToWebview(snapshot));
    assert.deepStrictEqual(
      snapshot.items.map((item) => item.message),
      ['before 1', 'before 2'],
    );
    assert.strictEqual(snapshot.live.length, 1);
    assert.strictEqual(snapshot.relayUrl, 'http://127.0.0.1:1234/');
    assert.strictEqual(snapshot.forwarding.state, 'forwarding');

    for (let index = 0; index < 50; index++) store.add([log(`burst ${index}`)]);
    liveSamples.add([{ time: 2, metrics: [{ name: 'x', value: 1, weight: 2 }] }]);
    await delay(80);
    const deltas = posted.filter((message) => message.type === 'delta');
    assert.strictEqual(deltas.length, 1, 'a burst is one delta');
    const delta = deltas[0]!;
    assert.ok(delta.type === 'delta' && isHostToWebview(delta));
    assert.strictEqual(delta.added.length, 50);
    assert.deepStrictEqual(delta.live, [{ time: 2, metrics: [{ name: 'x', value: 1, weight: 2 }] }]);
    feed.dispose();
  });

  it('sends live samples on their own when no item arrives, and reports clear and eviction', async () => {
    const store = new TelemetryStore({ maxLogItemsPerRole: 100 });
    const liveSamples = new LiveSamples();
    const posted: HostToWebview[] = [];
    const feed = new PanelFeed({ store, liveSamples }, (message) => posted.push(message), { intervalMs: 20 });
    feed.start();
    liveSamples.add([{ time: 5, metrics: [] }]);
    await delay(60);
    assert.deepStrictEqual(posted.slice(1), [{ type: 'delta', added: [], evicted: [], live: [{ time: 5, metrics: [] }] }]);
    const first = store.add([log('soon evicted')])[0]!;
    await delay(50);
    for (let index = 0; index < 100; index++) store.add([log(`fill ${index}`)]);
    await delay(50);
    const lastDelta = posted.at(-1)!;
    assert.ok(lastDelta.type === 'delta');
    assert.deepStrictEqual(lastDelta.evicted, [first.seq]);
    store.clear();
    await delay(50);
    const cleared = posted.at(-1)!;
    assert.ok(cleared.type === 'delta' && cleared.cleared === true && cleared.added.length === 0);
    assert.strictEqual(snapshotMessage({ store, liveSamples }).forwarding.state, 'local-only', 'no forwarder: local-only');
    feed.dispose();
  });

  it('throttles forwarding updates and stops everything on dispose', async () => {
    const store = new TelemetryStore();
    const liveSamples = new LiveSamples();
    const forward = new StatsSource();
    const posted: HostToWebview[] = [];
    const feed = new PanelFeed({ store, liveSamples, forward }, (message) => posted.push(message), {
      intervalMs: 20,
      forwardingIntervalMs: 40,
    });
    feed.start();
    for (let index = 1; index <= 20; index++) forward.emit({ sentItems: index });
    await delay(100);
    const updates = posted.filter((message) => message.type === 'forwarding');
    assert.strictEqual(updates.length, 1, 'twenty notifications within the interval: one update');
    assert.ok(updates[0]!.type === 'forwarding' && updates[0]!.status.sentItems === 20, 'with the latest numbers');
    feed.dispose();
    assert.strictEqual(forward.listenerCount, 0);
    const count = posted.length;
    store.add([log('after dispose')]);
    liveSamples.add([{ time: 9, metrics: [] }]);
    forward.emit({ sentItems: 99 });
    await delay(80);
    assert.strictEqual(posted.length, count, 'nothing is posted after dispose');
  });

  it("leaves Statsbeat and the exporter's resource rows out of what the panel sees", async () => {
    const store = new TelemetryStore();
    const resource: Envelope = {
      name: 'Microsoft.ApplicationInsights.Metric',
      time: '2026-01-01T00:00:00Z',
      data: {
        baseType: 'MetricData',
        baseData: { metrics: [{ name: '_OTELRESOURCE_', value: 1 }], properties: { 'service.name': 'api' } },
      },
    };
    store.add([log('user log'), log('statsbeat', { name: 'Statsbeat' }), resource]);
    assert.strictEqual(store.size, 3, 'the store keeps them');
    const snapshot = snapshotMessage({ store, liveSamples: new LiveSamples() });
    assert.deepStrictEqual(
      snapshot.items.map((item) => item.message),
      ['user log'],
    );
  });
});

describe('panel: conversions', () => {
  it('copies only the fields of the panel protocol', () => {
    const store = new TelemetryStore();
    const [item] = store.add([
      {
        name: 'Microsoft.ApplicationInsights.Request',
        time: '2026-01-01T00:00:00Z',
        sampleRate: 50,
        tags: { 'ai.operation.id': 'a'.repeat(32), 'ai.operation.name': 'GET /', 'ai.cloud.role': 'api' },
        data: {
          baseType: 'RequestData',
          baseData: {
            id: 'b'.repeat(16),
            name: 'GET /',
            duration: '00:00:00.250',
            success: false,
            responseCode: '500',
            url: 'http://x/',
            properties: { a: 1 },
          },
        },
      },
    ]);
    assert.deepStrictEqual(toPanelItem(item!), {
      seq: item!.seq,
      table: 'requests',
      time: Date.UTC(2026, 0, 1),
      role: 'api',
      operationId: 'a'.repeat(32),
      id: 'b'.repeat(16),
      name: 'GET /',
      duration: 250,
      success: false,
      resultCode: '500',
      properties: { a: '1' },
      sampleRate: 50,
    });
  });

  it('maps forwarder statistics onto the strip', () => {
    assert.deepStrictEqual(
      toForwardingStatus(
        stats({
          state: 'retrying',
          queuedItems: 7,
          queuedBytes: 900,
          acceptedItems: 10,
          sentItems: 3,
          droppedItems: 1,
          lastError: '503',
          endpoint: 'https://x/',
        }),
      ),
      {
        state: 'retrying',
        acceptedItems: 10,
        sentItems: 3,
        retryingItems: 7,
        queuedItems: 7,
        queuedBytes: 900,
        droppedItems: 1,
        lastError: '503',
        endpoint: 'https://x/',
      },
    );
    assert.strictEqual(toForwardingStatus(stats({ state: 'forwarding', queuedItems: 7 })).retryingItems, 0);
  });

  it('adds the Live Metrics counters and "portal watching" while forwarding, nothing local-only', () => {
    const live = {
      state: 'failing' as const,
      sent: 12,
      failed: 2,
      skipped: 0,
      portalWatching: true,
      lastError: 'Live Metrics: 503',
      endpoint: 'https://rt/',
    };
    assert.deepStrictEqual(toForwardingStatus(stats(), live).live, {
      portalWatching: true,
      sent: 12,
      failed: 2,
      lastError: 'Live Metrics: 503',
    });
    assert.deepStrictEqual(
      toForwardingStatus(stats(), { ...live, state: 'ok' }).live,
      { portalWatching: true, sent: 12, failed: 2 },
      'an old error is not shown once live works again',
    );
    assert.strictEqual(toForwardingStatus(stats(), { ...live, state: 'off' }).live, undefined);
    assert.strictEqual(toForwardingStatus(stats()).live, undefined);
  });
});
