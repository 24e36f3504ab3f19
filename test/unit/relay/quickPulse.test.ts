import * as assert from 'assert';
import * as zlib from 'zlib';
import { LiveSample, LiveSamples, parseMonitoringDataPoints } from '../../../src/core/relay';
import { CAPTURE_KEY, send, startRelay, TestRelay } from './helpers';

const dataPoint = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  Version: '1.0.0b30',
  InvariantVersion: 5,
  Instance: 'vm-1',
  RoleName: 'shop-api',
  MachineName: 'vm-1',
  StreamId: 'abc',
  Timestamp: '2026-11-24T17:40:00.123456Z',
  IsWebApp: false,
  PerformanceCollectionSupported: true,
  Metrics: [
    { Name: '\\ApplicationInsights\\Requests/Sec', Value: 12.5, Weight: 1 },
    { Name: '\\Processor(_Total)\\% Processor Time', Value: 3, Weight: 2 },
  ],
  Documents: [],
  ...overrides,
});

describe('relay: Live Metrics (QuickPulse)', () => {
  let t: TestRelay;
  beforeEach(async () => {
    t = await startRelay();
  });
  afterEach(async () => {
    await t.relay.close();
  });

  it('answers a ping as subscribed, with polling hint, etag and a configuration body', async () => {
    const reply = await send(t.relay.port, {
      path: `/QuickPulseService.svc/ping?ikey=${CAPTURE_KEY}&api-version=2024-04-01-preview`,
      headers: { 'Content-Type': 'application/json', 'x-ms-qps-stream-id': 'abc', 'x-ms-qps-configuration-etag': '' },
      body: JSON.stringify(dataPoint()),
    });
    assert.strictEqual(reply.status, 200, reply.text);
    assert.strictEqual(reply.headers['x-ms-qps-subscribed'], 'true');
    assert.strictEqual(reply.headers['x-ms-qps-service-polling-interval-hint'], '5000');
    assert.strictEqual(reply.headers['x-ms-qps-configuration-etag'], reply.json.ETag);
    assert.deepStrictEqual(reply.json, { ETag: 'azmon-relay-local-1', Metrics: [], DocumentStreams: [], QuotaInfo: null });
    assert.strictEqual(t.relay.liveSamples.size, 0, 'a ping carries no samples');
    assert.strictEqual(t.relay.stats().liveRequests, 1);
  });

  it('keeps the metrics of a gzip post under any prefix and tells subscribers', async () => {
    const heard: LiveSample[][] = [];
    t.relay.liveSamples.subscribe((samples) => heard.push([...samples]));
    const body = zlib.gzipSync(
      Buffer.from(
        JSON.stringify([
          dataPoint(),
          dataPoint({ Instance: 'vm-2', Timestamp: '/Date(1795541918982)/', Metrics: [{ Name: 'x', Value: 1 }] }),
        ]),
      ),
    );
    const reply = await send(t.relay.port, {
      path: `//live/QuickPulseService.svc/post?ikey=${CAPTURE_KEY}`,
      headers: { 'Content-Encoding': 'gzip', 'x-ms-qps-configuration-etag': 'azmon-relay-local-1' },
      body,
    });
    assert.strictEqual(reply.status, 200, reply.text);
    assert.strictEqual(reply.headers['x-ms-qps-subscribed'], 'true');
    const expected: LiveSample[] = [
      {
        time: Date.UTC(2026, 10, 24, 17, 40, 0) + 123.456,
        role: 'shop-api',
        instance: 'vm-1',
        metrics: [
          { name: '\\ApplicationInsights\\Requests/Sec', value: 12.5, weight: 1 },
          { name: '\\Processor(_Total)\\% Processor Time', value: 3, weight: 2 },
        ],
      },
      { time: 1795541918982, role: 'shop-api', instance: 'vm-2', metrics: [{ name: 'x', value: 1 }] },
    ];
    assert.deepStrictEqual(t.relay.liveSamples.snapshot(), expected);
    assert.deepStrictEqual(heard, [expected]);
    assert.strictEqual(t.store.size, 0, 'live samples are not telemetry items');
    assert.strictEqual(t.sink.batches.length, 0, 'live samples are not forwarded as telemetry');
  });

  it('refuses a wrong or missing ikey with 403', async () => {
    const wrong = await send(t.relay.port, {
      path: '/QuickPulseService.svc/post?ikey=11111111-2222-3333-4444-555555555555',
      body: JSON.stringify([dataPoint()]),
    });
    const missing = await send(t.relay.port, { path: '/QuickPulseService.svc/ping', body: '{}' });
    assert.strictEqual(wrong.status, 403);
    assert.match(wrong.json.errors[0].message, /'ikey' is not this relay's local session key/);
    assert.strictEqual(missing.status, 403);
    assert.match(missing.json.errors[0].message, /'ikey' is missing/);
    assert.strictEqual(t.relay.liveSamples.size, 0);
  });

  it('refuses malformed posts with 400', async () => {
    const path = `/QuickPulseService.svc/post?ikey=${CAPTURE_KEY}`;
    const notJson = await send(t.relay.port, { path, body: '{nope' });
    const badPoint = await send(t.relay.port, { path, body: '[42]' });
    const badMetrics = await send(t.relay.port, { path, body: JSON.stringify([dataPoint({ Metrics: 'x' })]) });
    const empty = await send(t.relay.port, { path, body: '' });
    assert.deepStrictEqual([notJson.status, badPoint.status, badMetrics.status, empty.status], [400, 400, 400, 400]);
    assert.match(notJson.json.errors[0].message, /not valid JSON/);
    assert.match(badPoint.json.errors[0].message, /Data point 0 is not a MonitoringDataPoint/);
    assert.match(badMetrics.json.errors[0].message, /'Metrics' of data point 0 must be an array/);
    assert.strictEqual(t.relay.liveSamples.size, 0);
  });

  it('keeps a bounded number of samples', () => {
    const samples = new LiveSamples(3);
    for (let index = 0; index < 5; index++) samples.add([{ time: index, metrics: [] }]);
    assert.deepStrictEqual(
      samples.snapshot().map((sample) => sample.time),
      [2, 3, 4],
    );
  });

  it('parses data points without a timestamp as now and skips metrics without a numeric value', () => {
    const parsed = parseMonitoringDataPoints(
      {
        Metrics: [
          { Name: 'a', Value: 'x' },
          { Name: 'b', Value: 2 },
        ],
      },
      1234,
    );
    assert.deepStrictEqual(parsed, { ok: true, samples: [{ time: 1234, metrics: [{ name: 'b', value: 2 }] }] });
  });
});
