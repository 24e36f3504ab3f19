/**
 * The relay as a Live Metrics proxy while forwarding: real loopback HTTP from a raw client through
 * the relay to the fake Live Metrics service (test/fakes/fakeLiveMetrics.ts), which checks keys.
 */
import * as assert from 'assert';
import { parseConnectionStringOrThrow } from '../../../src/core/connectionString';
import { ForwardQueue } from '../../../src/core/forward';
import { decideLiveRedirect, LiveMetricsProxy, LiveMetricsProxyOptions } from '../../../src/core/live';
import { FakeIngestion } from '../../fakes/fakeIngestion';
import { CAPTURE_KEY, envelope, LogLine, Reply, send, startRelay, tempDir, TestRelay } from '../relay/helpers';

const REAL_KEY = '7e1d2c3b-4a59-4687-9a0b-c1d2e3f40516';
const compact = (key: string): string => key.replace(/-/g, '');
const PREVIEW = 'api-version=2024-04-01-preview';

const dataPoint = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  Version: 'node:1.21.0',
  InvariantVersion: 5,
  Instance: 'vm-1',
  RoleName: 'shop-api',
  MachineName: 'vm-1',
  StreamId: 'stream-1',
  Timestamp: new Date().toISOString(),
  IsWebApp: false,
  PerformanceCollectionSupported: true,
  Metrics: [{ Name: '\\ApplicationInsights\\Requests/Sec', Value: 4, Weight: 1 }],
  Documents: [],
  ...overrides,
});

const FILTERED_CONFIGURATION = {
  ETag: 'portal-etag-1',
  Metrics: [
    {
      Id: 'orders-per-second',
      TelemetryType: 'Request',
      FilterGroups: [{ Filters: [{ FieldName: 'Url', Predicate: 'Contains', Comparand: '/orders' }] }],
      Projection: 'Count()',
      Aggregation: 'Sum',
      BackEndAggregation: 'Sum',
    },
  ],
  DocumentStreams: [],
  QuotaInfo: null,
};

interface Setup {
  fake: FakeIngestion;
  proxy: LiveMetricsProxy;
  relay: TestRelay;
  proxyLogs: LogLine[];
  clock: { now: number };
  close(): Promise<void>;
}

async function setup(options: Partial<LiveMetricsProxyOptions> = {}, connected = true): Promise<Setup> {
  const fake = await FakeIngestion.start({ expectKey: REAL_KEY });
  const clock = { now: 1_000_000 };
  const proxyLogs: LogLine[] = [];
  const proxy = new LiveMetricsProxy({
    localKey: CAPTURE_KEY,
    connectionString: connected ? parseConnectionStringOrThrow(fake.connectionString(REAL_KEY)) : undefined,
    log: (level, message) => proxyLogs.push({ level, message }),
    now: () => clock.now,
    ...options,
  });
  const result: Setup = {
    fake,
    proxy,
    relay: await startRelay({ liveUpstream: proxy }),
    proxyLogs,
    clock,
    async close() {
      await proxy.close();
      await result.relay.relay.close();
      await fake.close();
    },
  };
  return result;
}

function ping(
  s: Setup,
  body: Record<string, unknown> = dataPoint({ Metrics: undefined, Documents: undefined }),
  query = `ikey=${CAPTURE_KEY}&${PREVIEW}`,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return send(s.relay.relay.port, {
    path: `/QuickPulseService.svc/ping?${query}`,
    headers: {
      'Content-Type': 'application/json',
      'x-ms-qps-stream-id': String(body.StreamId ?? 'stream-1'),
      'x-ms-qps-transmission-time': '638700000000000000',
      'x-ms-qps-configuration-etag': '',
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

function post(s: Setup, points: Record<string, unknown>[] = [dataPoint()], etag = ''): Promise<Reply> {
  return send(s.relay.relay.port, {
    path: `/QuickPulseService.svc/post?${PREVIEW}&ikey=${CAPTURE_KEY}`,
    headers: {
      'Content-Type': 'application/json',
      'x-ms-qps-transmission-time': '638700000000000000',
      'x-ms-qps-configuration-etag': etag,
    },
    body: JSON.stringify(points),
  });
}

function assertNoRealKey(text: string, what: string): void {
  assert.ok(
    !text.toLowerCase().includes(REAL_KEY) && !text.toLowerCase().includes(compact(REAL_KEY)),
    `${what} carries the real key: ${text}`,
  );
}

function assertAppAnswerClean(reply: Reply): void {
  assertNoRealKey(reply.text, 'the answer body');
  assertNoRealKey(JSON.stringify(reply.headers), 'the answer headers');
  assert.strictEqual(reply.headers['x-ms-qps-service-endpoint-redirect-v2'], undefined, 'the app is never redirected away from the relay');
}

describe('live metrics proxy: the relay forwards QuickPulse while forwarding', function () {
  this.timeout(30_000);
  let s: Setup;
  afterEach(async () => s?.close());

  it('sends a ping on with the real key in ikey, the x-ms-qps-* headers kept, and returns the service answer', async () => {
    s = await setup();
    s.fake.live.setConfiguration(FILTERED_CONFIGURATION).setPollingHint(2500);
    const reply = await ping(s, dataPoint({ Metrics: undefined, Documents: undefined }), `ikey=${CAPTURE_KEY}&${PREVIEW}`, {
      'x-ms-qps-machine-name': 'vm-1',
      'x-ms-qps-role-name': 'shop-api',
    });
    assert.strictEqual(reply.status, 200, reply.text);
    const [seen] = s.fake.live.pings();
    assert.ok(seen, 'the fake saw the ping');
    assert.strictEqual(seen.status, 200, 'the fake accepted the key');
    assert.strictEqual(seen.query.get('ikey'), REAL_KEY);
    assert.strictEqual(seen.query.get('api-version'), '2024-04-01-preview');
    assert.match(seen.path, /^\/QuickPulseService\.svc\/ping\?/);
    for (const [name, value] of Object.entries({
      'x-ms-qps-stream-id': 'stream-1',
      'x-ms-qps-transmission-time': '638700000000000000',
      'x-ms-qps-machine-name': 'vm-1',
      'x-ms-qps-role-name': 'shop-api',
      'x-ms-qps-configuration-etag': '',
    })) {
      assert.strictEqual(seen.headers[name], value, name);
    }
    assert.strictEqual(reply.headers['x-ms-qps-subscribed'], 'false', 'nobody watches: not subscribed');
    assert.strictEqual(reply.headers['x-ms-qps-configuration-etag'], 'portal-etag-1');
    assert.strictEqual(reply.headers['x-ms-qps-service-polling-interval-hint'], '2500');
    assert.deepStrictEqual(reply.json, FILTERED_CONFIGURATION, "the portal's filter reaches the app");
    assertAppAnswerClean(reply);
    assert.strictEqual(s.proxy.stats().sent, 1);
  });

  it('puts the real key in every InstrumentationKey field (classic API, any ikey casing) and never gives it back', async () => {
    s = await setup();
    // A service echoing the key must not hand it to the app.
    s.fake.live.setConfiguration({
      ...FILTERED_CONFIGURATION,
      ETag: `etag-${REAL_KEY}`,
      DocumentStreams: [{ Id: `stream-${compact(REAL_KEY)}`, DocumentFilterGroups: [] }],
    });
    const classic = {
      InstrumentationKey: CAPTURE_KEY,
      Version: '2.9.5',
      InvariantVersion: 1,
      Instance: 'vm-1',
      MachineName: 'vm-1',
      StreamId: 'classic-1',
      Timestamp: '/Date(1795541918982)/',
    };
    const reply = await ping(s, classic, `iKey=${CAPTURE_KEY}`);
    assert.strictEqual(reply.status, 200, reply.text);
    const [seen] = s.fake.live.pings();
    assert.strictEqual(seen.status, 200);
    assert.strictEqual(seen.query.get('iKey'), REAL_KEY);
    assert.strictEqual(seen.query.get('api-version'), null, 'no api-version is added to the classic API');
    assert.strictEqual((seen.body as Record<string, unknown>).InstrumentationKey, REAL_KEY);
    assertAppAnswerClean(reply);
    assert.strictEqual(reply.headers['x-ms-qps-configuration-etag'], `etag-${CAPTURE_KEY}`);
    assert.strictEqual(reply.json.DocumentStreams[0].Id, `stream-${compact(CAPTURE_KEY)}`);

    s.fake.live.setSubscribed(true);
    await ping(s, classic, `iKey=${CAPTURE_KEY}`);
    const postReply = await send(s.relay.relay.port, {
      path: `/QuickPulseService.svc/post?ikey=${CAPTURE_KEY}`,
      headers: { 'x-ms-qps-stream-id': 'classic-1' },
      body: JSON.stringify([
        { ...classic, Metrics: [{ Name: 'x', Value: 1, Weight: 1 }] },
        { ...classic, instrumentationKey: CAPTURE_KEY },
      ]),
    });
    assert.strictEqual(postReply.status, 200, postReply.text);
    const [posted] = s.fake.live.posts();
    assert.strictEqual(posted.status, 200, 'every InstrumentationKey field of the post carried the real key');
    assert.deepStrictEqual(
      (posted.body as Record<string, unknown>[]).map((point) => point.InstrumentationKey ?? point.instrumentationKey),
      [REAL_KEY, REAL_KEY],
    );
    assertAppAnswerClean(postReply);
  });

  it('says "subscribed" when the portal watches, forwards the posts, and still keeps them for the panel', async () => {
    s = await setup();
    s.fake.live.setSubscribed(true).setConfiguration(FILTERED_CONFIGURATION);
    const first = await ping(s);
    assert.strictEqual(first.headers['x-ms-qps-subscribed'], 'true');
    const reply = await post(
      s,
      [dataPoint(), dataPoint({ Metrics: [{ Name: 'orders-per-second', Value: 3, Weight: 1 }] })],
      'portal-etag-1',
    );
    assert.strictEqual(reply.status, 200, reply.text);
    assert.strictEqual(reply.headers['x-ms-qps-subscribed'], 'true');
    assert.deepStrictEqual(reply.json, FILTERED_CONFIGURATION);
    const [posted] = s.fake.live.posts();
    assert.strictEqual(posted.status, 200);
    assert.strictEqual(posted.query.get('ikey'), REAL_KEY);
    assert.strictEqual(posted.headers['x-ms-qps-configuration-etag'], 'portal-etag-1');
    assert.deepStrictEqual(
      (posted.body as { Metrics: unknown[] }[]).map((point) => point.Metrics),
      [[{ Name: '\\ApplicationInsights\\Requests/Sec', Value: 4, Weight: 1 }], [{ Name: 'orders-per-second', Value: 3, Weight: 1 }]],
    );
    assert.strictEqual(s.relay.relay.liveSamples.size, 2, 'the panel keeps the posted samples too');
    assert.strictEqual(s.proxy.stats().portalWatching, true);

    s.fake.live.setSubscribed(false);
    const left = await post(s);
    assert.strictEqual(left.headers['x-ms-qps-subscribed'], 'false', 'the portal left and the panel is closed');
    assert.strictEqual(s.proxy.stats().portalWatching, false);
  });

  it('says "subscribed" for the panel alone; the service then hears one ping per interval, not the posts', async () => {
    s = await setup();
    s.proxy.setPanelWatching(true);
    const first = await ping(s);
    assert.strictEqual(first.headers['x-ms-qps-subscribed'], 'true', 'the panel watches');
    assert.strictEqual(s.fake.live.pings().length, 1);
    s.clock.now += 1000;
    const reply = await post(s);
    assert.strictEqual(reply.headers['x-ms-qps-subscribed'], 'true');
    assert.strictEqual(s.relay.relay.liveSamples.size, 1, 'the panel got the post');
    assert.strictEqual(s.fake.live.requests().length, 1, 'within the ping interval the service hears nothing');

    s.fake.live.setSubscribed(true).setConfiguration(FILTERED_CONFIGURATION);
    s.clock.now += 5000;
    await post(s);
    const [, converted] = await s.fake.live.waitFor((request) => request.operation === 'ping', 2);
    assert.strictEqual(s.fake.live.posts().length, 0, 'the service never sees posts nobody in the portal asked for');
    assert.strictEqual(converted.query.get('ikey'), REAL_KEY);
    assert.strictEqual(converted.headers['x-ms-qps-stream-id'], 'stream-1');
    assert.strictEqual(converted.headers['x-ms-qps-role-name'], 'shop-api');
    assert.strictEqual((converted.body as Record<string, unknown>).Metrics, undefined, 'a ping carries no data');
    assert.strictEqual((converted.body as Record<string, unknown>).StreamId, 'stream-1');

    // That ping said "the portal is watching": from now on posts go on, with the portal's configuration.
    const watched = await post(s);
    assert.strictEqual(s.fake.live.posts().length, 1);
    assert.strictEqual(watched.headers['x-ms-qps-configuration-etag'], 'portal-etag-1');
    assert.deepStrictEqual(watched.json, FILTERED_CONFIGURATION);

    s.proxy.setPanelWatching(false);
    s.fake.live.setSubscribed(false);
    const alone = await post(s);
    assert.strictEqual(alone.headers['x-ms-qps-subscribed'], 'false', 'neither the portal nor the panel watches');
  });

  it('follows x-ms-qps-service-endpoint-redirect-v2 itself and keeps the app on the relay', async () => {
    s = await setup();
    const regional = await FakeIngestion.start({ expectKey: REAL_KEY });
    try {
      regional.live.setSubscribed(true);
      s.fake.live.redirectNextPing(regional.url);
      const redirected = await ping(s);
      assert.strictEqual(redirected.status, 200);
      assertAppAnswerClean(redirected);
      assert.strictEqual(s.proxy.stats().endpoint, regional.url);
      const next = await ping(s);
      assert.strictEqual(next.headers['x-ms-qps-subscribed'], 'true', 'the regional host answered');
      await post(s);
      assert.strictEqual(s.fake.live.requests().length, 1, 'nothing more went to the first host');
      assert.deepStrictEqual(
        regional.live.requests().map((request) => [request.operation, request.status, request.query.get('ikey')]),
        [
          ['ping', 200, REAL_KEY],
          ['post', 200, REAL_KEY],
        ],
      );
    } finally {
      await regional.close();
    }
  });

  it('refuses a redirect that leaves the Azure Monitor domains and counts it', async () => {
    s = await setup();
    s.fake.live.redirectNextPing('https://evil.example.com/');
    await ping(s);
    await ping(s);
    assert.strictEqual(s.fake.live.pings().length, 2, 'still talking to the configured endpoint');
    assert.strictEqual(s.proxy.stats().endpoint, s.fake.url);
    assert.match(s.proxy.stats().lastError ?? '', /leaves the Azure Monitor domains/);
  });

  it('on a failing live endpoint: one attempt, the app gets a local answer, the error is counted and redacted', async () => {
    s = await setup();
    s.proxy.setPanelWatching(true);
    s.fake.live.enqueue({ kind: 'status', status: 503 }, { kind: 'reset' });
    const failed = await ping(s);
    assert.strictEqual(failed.status, 200);
    assert.strictEqual(failed.headers['x-ms-qps-subscribed'], 'true', 'the panel still watches');
    assert.strictEqual(failed.headers['x-ms-qps-configuration-etag'], 'azmon-relay-local-1');
    const reset = await ping(s);
    assert.strictEqual(reset.status, 200);
    assert.strictEqual(s.fake.live.requests().length, 2, 'each app request is tried once, never again later');
    const stats = s.proxy.stats();
    assert.strictEqual(stats.failed, 2);
    assert.strictEqual(stats.state, 'failing');
    assert.ok(stats.lastError, 'the strip has something to show');
    assertNoRealKey(stats.lastError!, 'lastError');
    for (const line of s.proxyLogs) assertNoRealKey(line.message, 'a log line');
    await ping(s);
    assert.strictEqual(s.proxy.stats().state, 'ok');
  });

  it('local-only: the relay answers itself as before and nothing leaves the machine', async () => {
    s = await setup({}, false);
    const reply = await ping(s);
    assert.strictEqual(reply.headers['x-ms-qps-subscribed'], 'true');
    assert.deepStrictEqual(reply.json, { ETag: 'azmon-relay-local-1', Metrics: [], DocumentStreams: [], QuotaInfo: null });
    assert.strictEqual(s.fake.live.requests().length, 0);
    assert.strictEqual(s.proxy.stats().state, 'off');
  });

  it('paused forwarding: live requests are answered locally and nothing leaves until resumed', async () => {
    s = await setup();
    s.proxy.setPaused(true);
    const reply = await ping(s);
    assert.strictEqual(reply.headers['x-ms-qps-subscribed'], 'true', "the relay's own answer, as local-only");
    assert.strictEqual(s.fake.live.requests().length, 0);
    s.proxy.setPaused(false);
    await ping(s);
    assert.strictEqual(s.fake.live.requests().length, 1);
  });

  it('sends the Entra ID token as a bearer, and never over plain http to a remote host', async () => {
    s = await setup({ getToken: async () => 'token-123' });
    await ping(s);
    assert.strictEqual(s.fake.live.pings()[0].headers.authorization, 'Bearer token-123');
    s.proxy.setConnectionString(parseConnectionStringOrThrow(`InstrumentationKey=${REAL_KEY};LiveEndpoint=http://live.example.com/`));
    const reply = await ping(s);
    assert.strictEqual(reply.status, 200);
    assert.match(s.proxy.stats().lastError ?? '', /never sent over plain http/);
  });

  it('a slow live endpoint never delays the track path', async () => {
    const queueDir = tempDir('live-slow-');
    s = await setup({ maxInFlight: 2, requestTimeoutMs: 60_000 });
    await s.relay.relay.close();
    const queue = await ForwardQueue.open({
      storageDir: queueDir,
      connectionString: parseConnectionStringOrThrow(s.fake.connectionString(REAL_KEY)),
      localInstrumentationKey: CAPTURE_KEY,
    });
    const relay = await startRelay({ liveUpstream: s.proxy, sink: queue as never });
    s.relay = relay;
    try {
      s.fake.live.enqueue({ kind: 'hold' }, { kind: 'hold' });
      const held = [ping(s, dataPoint({ StreamId: 'a' })), ping(s, dataPoint({ StreamId: 'b' }))];
      await s.fake.live.waitForHeld(2);
      // The live pool is full: the app's next live request is answered locally at once.
      const skipped = await ping(s, dataPoint({ StreamId: 'c' }));
      assert.strictEqual(skipped.status, 200);
      assert.strictEqual(s.proxy.stats().skipped, 1);
      // ...and telemetry flows through to the service while the live endpoint still hangs.
      const track = await send(relay.relay.port, { body: JSON.stringify([envelope({ iKey: CAPTURE_KEY })]) });
      assert.strictEqual(track.status, 200, track.text);
      await queue.flush(10_000);
      assert.strictEqual(s.fake.received().length, 1, 'the item reached the service');
      assert.strictEqual(s.fake.received()[0].iKey, REAL_KEY);
      assert.strictEqual(s.fake.live.heldCount, 2, 'both live requests are still waiting');
      s.fake.live.releaseHeld();
      for (const reply of await Promise.all(held)) assert.strictEqual(reply.status, 200);
    } finally {
      await queue.close();
    }
  });
});

describe('live metrics proxy: redirect rules', () => {
  it('follows Azure live hosts (https only) and loopback, refuses the rest', () => {
    assert.deepStrictEqual(decideLiveRedirect('https://westeurope.livediagnostics.monitor.azure.com/QuickPulseService.svc', undefined), {
      ok: true,
      endpoint: 'https://westeurope.livediagnostics.monitor.azure.com/',
    });
    assert.deepStrictEqual(decideLiveRedirect('westus2.livediagnostics.monitor.azure.com', undefined), {
      ok: true,
      endpoint: 'https://westus2.livediagnostics.monitor.azure.com/',
    });
    assert.deepStrictEqual(decideLiveRedirect('http://rt.services.visualstudio.com/', undefined), {
      ok: true,
      endpoint: 'https://rt.services.visualstudio.com/',
    });
    assert.deepStrictEqual(decideLiveRedirect('https://live.ai.contoso.com/', 'ai.contoso.com'), {
      ok: true,
      endpoint: 'https://live.ai.contoso.com/',
    });
    assert.deepStrictEqual(decideLiveRedirect('http://127.0.0.1:4321/', undefined), { ok: true, endpoint: 'http://127.0.0.1:4321/' });
    for (const bad of [
      'https://evil.example.com/',
      'https://monitor.azure.com.evil.com/',
      'https://live.ai.contoso.com/',
      'not a url at all',
      'ftp://127.0.0.1/',
    ]) {
      assert.strictEqual(decideLiveRedirect(bad, undefined).ok, false, bad);
    }
  });
});
