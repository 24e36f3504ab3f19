/**
 * The real `@azure/monitor-opentelemetry` Live Metrics client (useAzureMonitor with
 * enableLiveMetrics, in a child process) through a forwarding relay to the fake Live Metrics
 * service, which checks the real key: pings and posts arrive with it, the portal's filter reaches
 * the SDK (it posts the derived metric), a redirect is followed by the relay, and the panel's Live
 * rates equal the ones computed from what the service received.
 */
import * as assert from 'assert';
import { parseConnectionStringOrThrow } from '../../../src/core/connectionString';
import { LiveMetricsProxy } from '../../../src/core/live';
import { parseMonitoringDataPoints, RelayServer } from '../../../src/core/relay';
import type { LiveSample } from '../../../src/core/relay';
import { toPanelLiveSample } from '../../../src/core/panel/panelFeed';
import { TelemetryStore } from '../../../src/core/store';
import { LiveRates } from '../../../src/webview/model/liveRates';
import { FakeIngestion } from '../../fakes/fakeIngestion';
import type { LiveRecordedRequest } from '../../fakes/fakeLiveMetrics';
import type { LivePeerReport } from '../../peers-fixtures/liveMetricsPeer';
import { RecordingSink, tempDir } from '../relay/helpers';
import { REAL_KEY } from './forwardingRelay';
import { newRunId, startPeer } from './peerProcess';

const ORDERS_METRIC = 'orders-per-second';
const PORTAL_CONFIGURATION = {
  ETag: 'portal-orders-1',
  Metrics: [
    {
      Id: ORDERS_METRIC,
      TelemetryType: 'Request',
      FilterGroups: [{ Filters: [{ FieldName: 'Url', Predicate: 'Contains', Comparand: '/orders' }] }],
      Projection: 'Count()',
      Aggregation: 'Sum',
      BackEndAggregation: 'Sum',
    },
  ],
  DocumentStreams: [
    {
      Id: 'orders-docs',
      DocumentFilterGroups: [
        { TelemetryType: 'Request', Filters: { Filters: [{ FieldName: 'Url', Predicate: 'Contains', Comparand: '/orders' }] } },
      ],
    },
  ],
  QuotaInfo: null,
};

const metricsOf = (request: LiveRecordedRequest): { Name: string; Value: number }[] =>
  (request.body as { Metrics?: { Name: string; Value: number }[] }[]).flatMap((point) => point.Metrics ?? []);

describe('peer: @azure/monitor-opentelemetry Live Metrics through the relay', function () {
  this.timeout(120_000);
  let primary: FakeIngestion;
  let regional: FakeIngestion;
  let proxy: LiveMetricsProxy;
  let relay: RelayServer;

  beforeEach(async () => {
    primary = await FakeIngestion.start({ expectKey: REAL_KEY });
    regional = await FakeIngestion.start({ expectKey: REAL_KEY });
    proxy = new LiveMetricsProxy({
      localKey: '0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70',
      connectionString: parseConnectionStringOrThrow(primary.connectionString(REAL_KEY)),
    });
    relay = await RelayServer.start({
      sink: new RecordingSink(),
      store: new TelemetryStore(),
      localKey: '0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70',
      tlsDir: tempDir('peer-live-tls-'),
      liveUpstream: proxy,
    });
  });
  afterEach(async () => {
    await proxy.close();
    await relay.close();
    await primary.close();
    await regional.close();
  });

  it('pings and posts reach the service with the real key, the filter reaches the SDK, the redirect is followed, the rates agree', async () => {
    // The portal watches, with a derived metric filtered on /orders; the first ping is sent to a region.
    primary.live.setSubscribed(true).setConfiguration(PORTAL_CONFIGURATION).redirectNextPing(regional.url);
    regional.live.setSubscribed(true).setConfiguration(PORTAL_CONFIGURATION);
    const peer = startPeer<LivePeerReport>('liveMetricsPeer', relay, newRunId());
    let report: LivePeerReport;
    try {
      // Posts carrying the derived metric prove the SDK applied the portal's filter.
      await regional.live.waitFor(
        (request) => request.operation === 'post' && metricsOf(request).some((metric) => metric.Name === ORDERS_METRIC && metric.Value > 0),
        3,
        60_000,
      );
    } finally {
      report = await peer.stop();
    }
    assert.ok(report.requests > 0 && report.orders > 0, JSON.stringify(report));

    const first = primary.live.requests();
    assert.deepStrictEqual(
      first.map((request) => [request.operation, request.status]),
      [['ping', 200]],
      'one ping to the configured host, then the redirect',
    );
    assert.strictEqual(first[0].query.get('ikey'), REAL_KEY);
    assert.strictEqual(first[0].query.get('api-version'), '2024-04-01-preview');
    assert.ok(first[0].headers['x-ms-qps-transmission-time'], 'the SDK headers are kept');
    const posts = regional.live.posts();
    assert.ok(posts.length >= 3, `${posts.length} posts at the regional host`);
    for (const request of regional.live.requests()) {
      assert.strictEqual(request.status, 200, `the regional host accepted the ${request.operation}`);
      assert.strictEqual(request.query.get('ikey'), REAL_KEY);
    }
    assert.ok(
      posts.some((request) => request.headers['x-ms-qps-configuration-etag'] === PORTAL_CONFIGURATION.ETag),
      "the SDK posts under the portal's configuration ETag",
    );
    const stats = proxy.stats();
    assert.strictEqual(stats.failed, 0, stats.lastError);
    assert.strictEqual(stats.endpoint, regional.url);

    // Every post the app made reached the panel and the service: the same Live rates on both sides.
    const upstream: LiveSample[] = [];
    for (const request of posts) {
      const parsed = parseMonitoringDataPoints(request.body);
      assert.ok(parsed.ok);
      upstream.push(...parsed.samples);
    }
    const local = relay.liveSamples.snapshot();
    assert.strictEqual(local.length, upstream.length, 'as many samples in the panel as posts upstream');
    const now = Math.max(...local.map((sample) => sample.time)) + 1000;
    const panelRates = new LiveRates();
    panelRates.addSamples(local.map(toPanelLiveSample));
    const serviceRates = new LiveRates();
    serviceRates.addSamples(upstream.map(toPanelLiveSample));
    const panelSeries = panelRates.series(now);
    assert.deepStrictEqual(panelSeries, serviceRates.series(now));
    assert.ok(
      panelSeries.values.requestRate.some((value) => value !== null && value > 0),
      'the panel shows a request rate',
    );

    // The portal's document stream: the SDK sent sample requests to /orders, and the panel kept them.
    const documents = relay.liveDocuments.snapshot();
    assert.ok(documents.length > 0, 'the panel keeps the sample documents');
    assert.ok(
      documents.every((document) => document.kind === 'request' && (document.detail ?? '').includes('/orders')),
      JSON.stringify(documents.slice(0, 3)),
    );
    const upstreamDocuments = posts.flatMap((request) =>
      (request.body as { Documents?: unknown[] }[]).flatMap((point) => point.Documents ?? []),
    );
    assert.strictEqual(documents.length, Math.min(upstreamDocuments.length, 200), 'the same documents the service got');
  });

  it('nobody watches: the SDK only pings; the panel opens: the app posts to the relay, the service still hears pings only', async () => {
    primary.live.setConfiguration(PORTAL_CONFIGURATION).setPollingHint(1000);
    const peer = startPeer<LivePeerReport>('liveMetricsPeer', relay, newRunId());
    try {
      await primary.live.waitFor((request) => request.operation === 'ping', 2, 60_000);
      assert.strictEqual(relay.liveSamples.size, 0, 'not subscribed: the SDK does not post');
      proxy.setPanelWatching(true);
      await new Promise<void>((resolve) => {
        const subscription = relay.liveSamples.subscribe((samples) => {
          if (relay.liveSamples.size >= 3 && samples.length > 0) {
            subscription.dispose();
            resolve();
          }
        });
      });
      const before = primary.live.pings().length;
      await primary.live.waitFor((request) => request.operation === 'ping', before + 1, 30_000);
    } finally {
      await peer.stop();
    }
    assert.strictEqual(primary.live.posts().length, 0, 'the service never got a post nobody in the portal asked for');
    assert.ok(primary.live.requests().every((request) => request.status === 200 && request.query.get('ikey') === REAL_KEY));
  });
});
