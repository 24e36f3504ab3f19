/**
 * Cumulative → per-interval conversion of OTLP metric points (issue 21), point by point with
 * hand-written OTLP JSON, and through a real relay: a refused export, a restart on the same port.
 */
import * as assert from 'assert';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { Envelope } from '../../../src/core/envelope';
import { convertOtlp, decodeOtlp } from '../../../src/core/otlp';
import { MetricStreamBatch, MetricStreams } from '../../../src/core/otlp/metricStreams';
import { RelayServer } from '../../../src/core/relay';
import { QueueFullError } from '../../../src/core/sink';
import { TelemetryStore } from '../../../src/core/store';
import { delay, RecordingSink, send, startRelay, tempDir } from '../relay/helpers';
import { metricExporter, peerResource, nextMillisecond } from './otlpPeers';
import { body, DEFAULT_RESOURCE, JsonAttributeValue, kv, metricRequest } from './otlpJson';

const KEY = '3c6a1f52-8d0e-4b7a-9f21-5e4d2c1b0a99';
/** 2026-01-02T03:04:05Z in ns: streams start here; the relay started an hour earlier; "now" is 100 s later. */
const T0 = 1767323045000000000n;
const RELAY_START_MS = Number(T0 / 1_000_000n) - 3_600_000;
const NOW_MS = Number(T0 / 1_000_000n) + 100_000;
const SECOND = 1_000_000_000n;

interface PointSpec {
  readonly value?: number;
  readonly count?: number;
  readonly sum?: number;
  readonly min?: number;
  readonly max?: number;
  /** Seconds after T0. */
  readonly at: number;
  /** Seconds after T0 (default 0). */
  readonly start?: number;
  /** Absolute times, instead of `at`/`start`. */
  readonly timeNs?: bigint;
  readonly startNs?: bigint;
  readonly attributes?: Record<string, JsonAttributeValue>;
}

type Kind = 'counter' | 'upDown' | 'gauge' | 'deltaCounter' | 'histogram' | 'expHistogram' | 'summary';

function metric(name: string, kind: Kind, points: PointSpec[]): Record<string, unknown> {
  const times = (p: PointSpec): Record<string, unknown> => ({
    startTimeUnixNano: String(p.startNs ?? T0 + BigInt(p.start ?? 0) * SECOND),
    timeUnixNano: String(p.timeNs ?? T0 + BigInt(p.at) * SECOND),
    attributes: kv(p.attributes ?? {}),
  });
  const number = (p: PointSpec): Record<string, unknown> => ({ ...times(p), asDouble: p.value });
  const histogram = (p: PointSpec): Record<string, unknown> => ({
    ...times(p),
    count: String(p.count),
    sum: p.sum,
    min: p.min,
    max: p.max,
  });
  switch (kind) {
    case 'counter':
      return { name, sum: { dataPoints: points.map(number), aggregationTemporality: 2, isMonotonic: true } };
    case 'deltaCounter':
      return { name, sum: { dataPoints: points.map(number), aggregationTemporality: 1, isMonotonic: true } };
    case 'upDown':
      return { name, sum: { dataPoints: points.map(number), aggregationTemporality: 2, isMonotonic: false } };
    case 'gauge':
      return { name, gauge: { dataPoints: points.map(number) } };
    case 'histogram':
      return { name, histogram: { dataPoints: points.map(histogram), aggregationTemporality: 2 } };
    case 'expHistogram':
      return { name, exponentialHistogram: { dataPoints: points.map(histogram), aggregationTemporality: 2 } };
    case 'summary':
      return { name, summary: { dataPoints: points.map((p) => ({ ...times(p), count: String(p.count), sum: p.sum })) } };
  }
}

interface Sent {
  readonly name: string;
  readonly value: number;
  readonly count: number;
  readonly min?: number;
  readonly max?: number;
}

function points(envelopes: readonly Envelope[]): Sent[] {
  return envelopes.map((envelope) => {
    const { name, value, count, min, max } = (envelope.data!.baseData!.metrics as Sent[])[0];
    return { name, value, count, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
  });
}

/** One export request through the stream state, committed (as after a durable accept) unless told otherwise. */
function exportOnce(
  streams: MetricStreams,
  metrics: unknown[],
  options: { commit?: boolean; resource?: Record<string, JsonAttributeValue> } = {},
): { sent: Sent[]; batch: MetricStreamBatch } {
  const decoded = decodeOtlp('metrics', body(metricRequest(metrics, options.resource)), 'json');
  assert.ok(decoded.ok);
  const batch = streams.begin();
  const conversion = convertOtlp('metrics', decoded.request, { iKey: KEY, metricStreams: batch });
  assert.strictEqual(conversion.rejected, 0, conversion.errorMessage);
  if (options.commit !== false) batch.commit();
  return { sent: points(conversion.envelopes), batch };
}

function values(sent: Sent[]): number[] {
  return sent.map((point) => point.value);
}

describe('otlp temporality: cumulative points become per-interval values, per stream', () => {
  let streams: MetricStreams;
  beforeEach(() => {
    streams = new MetricStreams({ startedAtMs: RELAY_START_MS, now: () => NOW_MS });
  });

  it('a monotonic cumulative sum sends its increase; no increase, no point; the first point counts from its start', () => {
    const sent = [7, 7, 10, 10, 15].map((value, at) =>
      values(exportOnce(streams, [metric('orders', 'counter', [{ value, at: at + 1 }])]).sent),
    );
    assert.deepStrictEqual(sent, [[7], [], [3], [], [5]]);
  });

  it('a lower value is a reset (counted as is); a new start time is a new stream, counted from its start', () => {
    const sent = [
      metric('orders', 'counter', [{ value: 10, at: 1 }]),
      metric('orders', 'counter', [{ value: 4, at: 2 }]),
      metric('orders', 'counter', [{ value: 6, at: 3 }]),
      metric('orders', 'counter', [{ value: 2, at: 4, start: 4 }]),
      metric('orders', 'counter', [{ value: 5, at: 5, start: 4 }]),
    ].map((request) => values(exportOnce(streams, [request]).sent));
    assert.deepStrictEqual(sent, [[10], [4], [2], [2], [3]]);
  });

  it('streams are told apart by attributes, scope and resource; attribute order does not matter', () => {
    const first = exportOnce(streams, [
      metric('orders', 'counter', [
        { value: 2, at: 1, attributes: { plan: 'pro', region: 'eu' } },
        { value: 5, at: 1, attributes: { plan: 'free' } },
      ]),
    ]);
    assert.deepStrictEqual(values(first.sent), [2, 5]);
    const reordered = exportOnce(streams, [
      metric('orders', 'counter', [
        { value: 3, at: 2, attributes: { region: 'eu', plan: 'pro' } },
        { value: 5, at: 2, attributes: { plan: 'free' } },
      ]),
    ]);
    assert.deepStrictEqual(values(reordered.sent), [1]);
    const otherResource = exportOnce(
      streams,
      [metric('orders', 'counter', [{ value: 3, at: 2, attributes: { plan: 'pro', region: 'eu' } }])],
      { resource: { ...DEFAULT_RESOURCE, 'service.instance.id': 'pod-8' } },
    );
    assert.deepStrictEqual(values(otherResource.sent), [3]);
  });

  it('a retried export (the same point again) adds nothing', () => {
    assert.deepStrictEqual(values(exportOnce(streams, [metric('orders', 'counter', [{ value: 7, at: 1 }])]).sent), [7]);
    assert.deepStrictEqual(values(exportOnce(streams, [metric('orders', 'counter', [{ value: 7, at: 1 }])]).sent), []);
    assert.deepStrictEqual(
      values(exportOnce(streams, [metric('orders', 'counter', [{ value: 9, at: 1 }])]).sent),
      [],
      'not newer than what was counted',
    );
  });

  it('UpDownCounters and gauges send their current value; delta points go as they are', () => {
    const sent = [1, 2, 3].map(
      (at) =>
        exportOnce(streams, [
          metric('in_flight', 'upDown', [{ value: [5, 3, 3][at - 1], at }]),
          metric('temperature', 'gauge', [{ value: [21.5, 19, 19][at - 1], at }]),
          metric('requests', 'deltaCounter', [{ value: [2, 2, 0][at - 1], at, start: at - 1 }]),
        ]).sent,
    );
    assert.deepStrictEqual(sent.map(values), [
      [5, 21.5, 2],
      [3, 19, 2],
      [3, 19, 0],
    ]);
  });

  it("a cumulative histogram sends the interval's count and sum, and only the min/max its points prove", () => {
    const series: PointSpec[] = [
      { count: 2, sum: 15.5, min: 3, max: 12.5, at: 1 }, // first: as is
      { count: 3, sum: 55.5, min: 3, max: 40, at: 2 }, // one new value: it is the min and the max
      { count: 5, sum: 58.5, min: 1, max: 40, at: 3 }, // a new lifetime min is this interval's min; the max is unknown
      { count: 7, sum: 69.5, min: 1, max: 40, at: 4 }, // nothing proven
      { count: 7, sum: 69.5, min: 1, max: 40, at: 5 }, // nothing new: no point
      { count: 9, sum: 169.5, min: 1, max: 60, at: 6 }, // a new lifetime max
      { count: 1, sum: 4, min: 4, max: 4, at: 7 }, // fewer: a reset, as is
    ];
    const sent = series.map((point) => exportOnce(streams, [metric('latency', 'histogram', [point])]).sent);
    assert.deepStrictEqual(sent, [
      [{ name: 'latency', value: 15.5, count: 2, min: 3, max: 12.5 }],
      [{ name: 'latency', value: 40, count: 1, min: 40, max: 40 }],
      [{ name: 'latency', value: 3, count: 2, min: 1 }],
      [{ name: 'latency', value: 11, count: 2 }],
      [],
      [{ name: 'latency', value: 100, count: 2, max: 60 }],
      [{ name: 'latency', value: 4, count: 1, min: 4, max: 4 }],
    ]);
  });

  it('a histogram without sum: one new value is not taken for the min and max', () => {
    exportOnce(streams, [metric('signed', 'histogram', [{ count: 2, min: -3, max: 4, at: 1 }])]);
    assert.deepStrictEqual(exportOnce(streams, [metric('signed', 'histogram', [{ count: 3, min: -3, max: 4, at: 2 }])]).sent, [
      { name: 'signed', value: 0, count: 1 },
    ]);
  });

  it('exponential histograms and summaries are converted the same way (summary quantiles are not interval min/max)', () => {
    const first = exportOnce(streams, [
      metric('size', 'expHistogram', [{ count: 2, sum: 3, at: 1 }]),
      metric('gc', 'summary', [{ count: 3, sum: 9, at: 1 }]),
    ]);
    const second = exportOnce(streams, [
      metric('size', 'expHistogram', [{ count: 5, sum: 10, at: 2 }]),
      metric('gc', 'summary', [{ count: 4, sum: 11, at: 2 }]),
    ]);
    assert.deepStrictEqual(
      first.sent.map((p) => [p.name, p.value, p.count]),
      [
        ['size', 3, 2],
        ['gc', 9, 3],
      ],
    );
    assert.deepStrictEqual(second.sent, [
      { name: 'size', value: 7, count: 3 },
      { name: 'gc', value: 2, count: 1, min: 2, max: 2 },
    ]);
  });

  it('the state moves only when the batch is committed (a refused export is recovered by the next point)', () => {
    assert.deepStrictEqual(values(exportOnce(streams, [metric('orders', 'counter', [{ value: 7, at: 1 }])], { commit: false }).sent), [7]);
    assert.deepStrictEqual(
      values(exportOnce(streams, [metric('orders', 'counter', [{ value: 10, at: 2 }])]).sent),
      [10],
      'the refused 7 is in it',
    );
    assert.deepStrictEqual(values(exportOnce(streams, [metric('orders', 'counter', [{ value: 11, at: 3 }])]).sent), [1]);
  });

  it('a stream that started before the relay: its first point is a baseline only, never the whole total again', () => {
    const old = (value: number, at: number): unknown => metric('orders', 'counter', [{ value, at, start: -7200 }]);
    const first = exportOnce(streams, [old(500, 1)]);
    assert.deepStrictEqual(first.sent, []);
    assert.strictEqual(first.batch.baselines, 1);
    assert.deepStrictEqual(values(exportOnce(streams, [old(503, 2)]).sent), [3]);
    // Histograms too; and a stream that started after the relay counts from its start.
    assert.deepStrictEqual(exportOnce(streams, [metric('latency', 'histogram', [{ count: 40, sum: 400, at: 1, start: -7200 }])]).sent, []);
    assert.deepStrictEqual(values(exportOnce(streams, [metric('fresh', 'counter', [{ value: 4, at: 1, start: -60 }])]).sent), [4]);
  });

  it('bounded by count: a forgotten stream coming back is a baseline (never counted twice); other resources are not affected', () => {
    streams = new MetricStreams({ startedAtMs: RELAY_START_MS, maxStreams: 2, now: () => NOW_MS });
    let total = 0;
    const send = (name: string, value: number, at: number, resource?: Record<string, JsonAttributeValue>): void => {
      total += values(exportOnce(streams, [metric(name, 'counter', [{ value, at }])], { resource }).sent).reduce((a, b) => a + b, 0);
    };
    send('a', 5, 1);
    send('b', 1, 1);
    send('c', 1, 1); // forgets a
    assert.strictEqual(streams.size, 2);
    send('a', 6, 2); // a baseline: 5 was already sent
    assert.strictEqual(total, 7);
    send('a', 8, 3);
    assert.strictEqual(total, 9, 'known again');
    send('d', 4, 3, { ...DEFAULT_RESOURCE, 'service.instance.id': 'pod-9' });
    assert.strictEqual(total, 13, "another resource's new stream counts from its start");
  });

  it('bounded by bytes as well as count', () => {
    streams = new MetricStreams({ startedAtMs: RELAY_START_MS, maxBytes: 4096, now: () => NOW_MS });
    for (let i = 0; i < 100; i++)
      exportOnce(streams, [metric('orders', 'counter', [{ value: 1, at: 1, attributes: { user: `user-${i}-${'x'.repeat(200)}` } }])]);
    assert.ok(streams.byteSize <= 4096, `${streams.byteSize} bytes`);
    assert.ok(streams.size > 0 && streams.size < 100, `${streams.size} streams`);
  });

  it('streams quiet for the quiet period are forgotten (and baselined if they come back)', () => {
    let now = RELAY_START_MS + 3_600_000;
    streams = new MetricStreams({ startedAtMs: RELAY_START_MS, quietMs: 60_000, now: () => now });
    assert.deepStrictEqual(values(exportOnce(streams, [metric('orders', 'counter', [{ value: 5, at: 1 }])]).sent), [5]);
    now += 59_000;
    assert.deepStrictEqual(values(exportOnce(streams, [metric('other', 'counter', [{ value: 1, at: 2 }])]).sent), [1]);
    assert.strictEqual(streams.size, 2);
    now += 2_000;
    exportOnce(streams, [metric('other', 'counter', [{ value: 2, at: 3 }])]);
    assert.strictEqual(streams.size, 1, 'orders was forgotten');
    assert.deepStrictEqual(
      values(exportOnce(streams, [metric('orders', 'counter', [{ value: 9, at: 4 }])]).sent),
      [],
      'a baseline, not 9 again',
    );
  });
});

describe('otlp temporality through a real relay', () => {
  it('a cumulative export the sink refused (503) is counted by the next export, once', async () => {
    const sink = new RecordingSink();
    const t = await startRelay({ sink });
    try {
      // A stream that started after the relay (its age at each point is below the relay's uptime).
      await delay(20);
      const startNs = BigInt(Date.now()) * 1_000_000n;
      const startAfterRelay = async (value: number): Promise<number> => {
        await delay(2);
        const timeNs = BigInt(Date.now()) * 1_000_000n;
        const reply = await send(t.relay.port, {
          path: '/v1/metrics',
          headers: { 'content-type': 'application/json', 'x-azmon-key': t.relay.localKey },
          body: body(metricRequest([metric('orders', 'counter', [{ value, at: 0, startNs, timeNs }])])),
        });
        return reply.status;
      };
      assert.strictEqual(await startAfterRelay(7), 200);
      sink.gate = () => Promise.reject(new QueueFullError(1));
      assert.strictEqual(await startAfterRelay(9), 503);
      sink.gate = undefined;
      assert.strictEqual(await startAfterRelay(12), 200);
      assert.deepStrictEqual(values(points(sink.items)), [7, 5]);
      assert.deepStrictEqual(
        t.store
          .snapshot()
          .flatMap((item) => item.metrics ?? [])
          .map((point) => point.value),
        [7, 5],
        'the panel shows what Azure gets',
      );
    } finally {
      await t.relay.close();
    }
  });

  it("a relay restarted on the same port does not send the app's whole cumulative total again", async function () {
    this.timeout(30_000);
    const sink = new RecordingSink();
    const store = new TelemetryStore();
    const tlsDir = tempDir('azmon-temporality-restart-');
    // What the relays logged and the SDK's export errors (the periodic reader swallows them), for the failure message.
    const logs: string[] = [];
    const log = (level: string, message: string): void => void logs.push(`relay ${level}: ${message}`);
    const quiet = (): void => undefined;
    diag.setLogger(
      {
        error: (message, ...args) => void logs.push(`sdk error: ${message} ${args.map(String).join(' ')}`),
        warn: quiet,
        info: quiet,
        debug: quiet,
        verbose: quiet,
      },
      DiagLogLevel.ERROR,
    );
    let relay = await RelayServer.start({ sink, store, localKey: KEY, httpsPort: false, tlsDir, log });
    const port = relay.port;
    await nextMillisecond();
    const reader = new PeriodicExportingMetricReader({
      exporter: metricExporter(
        { endpoint: relay.otlpEndpoint, headers: { 'x-azmon-key': KEY }, wire: 'protobuf' },
        AggregationTemporality.CUMULATIVE,
      ),
      exportIntervalMillis: 600_000,
    });
    const provider = new MeterProvider({ resource: peerResource('restart'), readers: [reader] });
    const counter = provider.getMeter('restart').createCounter('orders_restart');
    /** One export that reached the current relay (one that failed on the way is simply collected again, as the next interval would). */
    const exportToRelay = async (): Promise<void> => {
      const before = relay.stats().otlpRequests;
      await provider.forceFlush();
      while (relay.stats().otlpRequests === before) await provider.forceFlush();
    };
    try {
      counter.add(7);
      const startedBy = Date.now();
      await exportToRelay();
      await relay.close();
      // The new relay starts after the stream did.
      while (Date.now() <= startedBy) await delay(5);
      relay = await RelayServer.start({ sink, store, localKey: KEY, httpsPort: false, tlsDir, port, log });
      counter.add(3);
      await exportToRelay(); // 10 since the app started: the new relay cannot know 7 went already
      counter.add(2);
      await exportToRelay();
      const sent = values(points(sink.items).filter((point) => point.name === 'orders_restart'));
      assert.deepStrictEqual(sent, [7, 2], `never 7 + 10\n${logs.join('\n')}`);
      assert.ok(
        logs.some((line) => /taken as a baseline/.test(line)),
        'the relay said why the 10 was not sent',
      );
    } finally {
      await provider.shutdown().catch(() => undefined);
      await relay.close();
      diag.disable();
    }
  });
});
