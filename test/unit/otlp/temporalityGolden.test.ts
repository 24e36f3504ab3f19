/**
 * Golden tests for metric temporality (issue 21): the same instruments (counter, UpDownCounter,
 * histogram, observable gauge) go through the real `@azure/monitor-opentelemetry-exporter` (Breeze,
 * over https to the relay) and through the real OTLP/HTTP exporter with cumulative and with delta
 * temporality (to the relay's /v1/metrics). The relay forwards through a real ForwardQueue to the
 * fake ingestion server; per export interval, the `customMetrics` sums there must be the same for all
 * three. Also: a counter incremented once by 7 and exported many times sums to 7 in Azure and in the
 * panel's store.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import { AzureMonitorMetricExporter } from '@azure/monitor-opentelemetry-exporter';
import type { Counter, Histogram, UpDownCounter } from '@opentelemetry/api';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader, PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { parseConnectionStringOrThrow } from '../../../src/core/connectionString';
import { ForwardQueue } from '../../../src/core/forward';
import { FakeEnvelope, FakeIngestion } from '../../fakes/fakeIngestion';
import { startRelay, tempDir, TestRelay } from '../relay/helpers';
import { metricExporter, peerResource, PeerTarget, nextMillisecond } from './otlpPeers';

const LOCAL_KEY = '11111111-2222-4333-8444-555555555555';
const REAL_KEY = 'a1b2c3d4-e5f6-4789-8abc-def012345678';

interface Point {
  readonly name: string;
  readonly value: number;
  readonly count?: number;
  readonly min?: number;
  readonly max?: number;
}

function pointOf(envelope: FakeEnvelope): Point | undefined {
  if (envelope.data?.baseType !== 'MetricData') return undefined;
  return (envelope.data.baseData?.metrics as Point[] | undefined)?.[0];
}

function propertiesOf(envelope: FakeEnvelope): Record<string, string> {
  return (envelope.data?.baseData?.properties as Record<string, string> | undefined) ?? {};
}

/** Per metric name and property set: the sum of values and of counts, as `summarize sum(value), sum(valueCount)` would. */
function sums(envelopes: readonly FakeEnvelope[], role: string): Record<string, { value: number; count: number }> {
  const result: Record<string, { value: number; count: number }> = {};
  for (const envelope of envelopes) {
    const point = pointOf(envelope);
    if (!point || envelope.tags?.['ai.cloud.role'] !== role || point.name.startsWith('_OTELRESOURCE_')) continue;
    const key = `${point.name} ${JSON.stringify(propertiesOf(envelope))}`;
    const entry = (result[key] ??= { value: 0, count: 0 });
    entry.value = round(entry.value + point.value);
    entry.count += point.count ?? 1;
  }
  return result;
}

function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

interface Pipeline {
  readonly role: string;
  readonly provider: MeterProvider;
  readonly counter: Counter;
  readonly upDown: UpDownCounter;
  readonly histogram: Histogram;
}

/** One SDK per exporter, so each one's points carry their own cloud role. */
function pipeline(role: string, exporter: PushMetricExporter, gauge: () => number): Pipeline {
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 600_000 });
  const provider = new MeterProvider({ resource: peerResource(role), readers: [reader] });
  const meter = provider.getMeter('temporality-golden');
  meter.createObservableGauge('tg_temperature').addCallback((result) => result.observe(gauge(), { room: 'lab' }));
  return {
    role: `shop.${role}`,
    provider,
    counter: meter.createCounter('tg_orders'),
    upDown: meter.createUpDownCounter('tg_in_flight'),
    histogram: meter.createHistogram('tg_latency'),
  };
}

describe('otlp temporality: Azure exporter, OTLP cumulative and OTLP delta give the same sums in Azure', function () {
  this.timeout(60_000);
  let fake: FakeIngestion;
  let queue: ForwardQueue;
  let t: TestRelay;
  let otlp: PeerTarget;
  const savedEnv = { ...process.env };

  before(() => {
    // No statsbeat: it would try to reach Azure.
    process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED = 'true';
    process.env.APPLICATION_INSIGHTS_NO_STATSBEAT = 'true';
  });
  after(() => {
    for (const name of ['APPLICATIONINSIGHTS_STATSBEAT_DISABLED', 'APPLICATION_INSIGHTS_NO_STATSBEAT']) {
      if (savedEnv[name] === undefined) delete process.env[name];
      else process.env[name] = savedEnv[name];
    }
  });
  beforeEach(async () => {
    fake = await FakeIngestion.start({ expectKey: REAL_KEY });
    queue = await ForwardQueue.open({
      storageDir: tempDir('azmon-temporality-queue-'),
      connectionString: parseConnectionStringOrThrow(`InstrumentationKey=${REAL_KEY};IngestionEndpoint=${fake.url}`),
      localInstrumentationKey: LOCAL_KEY,
      backoffBaseMs: 20,
      backoffMaxMs: 100,
      log: () => undefined,
    });
    t = await startRelay({ localKey: LOCAL_KEY, sink: queue, httpsPort: 0, tlsDir: tempDir('azmon-temporality-tls-') });
    otlp = { endpoint: t.relay.otlpEndpoint, headers: { 'x-azmon-key': t.relay.localKey }, wire: 'protobuf' };
    await nextMillisecond();
  });
  afterEach(async () => {
    await t.relay.close();
    await queue.close();
    await fake.close();
  });

  /** What reached the fake since the last call. */
  function forwardedSince(): () => Promise<FakeEnvelope[]> {
    let seen = 0;
    return async () => {
      await queue.flush(20_000);
      const all = fake.received();
      const fresh = all.slice(seen);
      seen = all.length;
      return fresh;
    };
  }

  it('per export interval, every instrument sums to the same value and count', async () => {
    assert.ok(t.relay.localHttpsConnectionString && t.relay.caCertPath);
    const azureOptions = {
      connectionString: t.relay.localHttpsConnectionString,
      disableOfflineStorage: true,
      tlsOptions: { ca: fs.readFileSync(t.relay.caCertPath) },
    } as ConstructorParameters<typeof AzureMonitorMetricExporter>[0];
    let temperature = 21.5;
    const pipelines = [
      pipeline('tg-azure', new AzureMonitorMetricExporter(azureOptions), () => temperature),
      pipeline('tg-cumulative', metricExporter({ ...otlp, wire: 'protobuf' }, AggregationTemporality.CUMULATIVE), () => temperature),
      pipeline('tg-delta', metricExporter({ ...otlp, wire: 'json' }, AggregationTemporality.DELTA), () => temperature),
    ];
    const intervals: ((p: Pipeline) => void)[] = [
      (p) => {
        p.counter.add(2, { plan: 'pro' });
        p.counter.add(1, { plan: 'free' });
        p.upDown.add(5);
        p.histogram.record(12.5, { route: '/pay' });
        p.histogram.record(3, { route: '/pay' });
      },
      (p) => {
        p.counter.add(4, { plan: 'pro' });
        p.upDown.add(-2);
        p.histogram.record(40, { route: '/pay' });
      },
      (p) => {
        // Nothing new on the counter: a delta exporter sends nothing for it, a cumulative one repeats its total.
        p.histogram.record(1, { route: '/pay' });
        p.histogram.record(2, { route: '/pay' });
      },
      (p) => {
        p.counter.add(1, { plan: 'free' });
        p.upDown.add(-1);
      },
    ];
    const next = forwardedSince();
    const temperatures = [21.5, 19, 20, 18];
    const perInterval: Record<string, { value: number; count: number }>[][] = [];
    for (const [index, record] of intervals.entries()) {
      temperature = temperatures[index];
      for (const p of pipelines) record(p);
      for (const p of pipelines) await p.provider.forceFlush();
      const forwarded = await next();
      perInterval.push(pipelines.map((p) => sums(forwarded, p.role)));
    }
    for (const p of pipelines) await p.provider.shutdown();

    const expected = [
      {
        'tg_orders {"plan":"pro"}': 2,
        'tg_orders {"plan":"free"}': 1,
        'tg_in_flight {}': 5,
        'tg_latency {"route":"/pay"}': 15.5,
        'tg_temperature {"room":"lab"}': 21.5,
      },
      { 'tg_orders {"plan":"pro"}': 4, 'tg_in_flight {}': 3, 'tg_latency {"route":"/pay"}': 40, 'tg_temperature {"room":"lab"}': 19 },
      { 'tg_in_flight {}': 3, 'tg_latency {"route":"/pay"}': 3, 'tg_temperature {"room":"lab"}': 20 },
      { 'tg_orders {"plan":"free"}': 1, 'tg_in_flight {}': 2, 'tg_temperature {"room":"lab"}': 18 },
    ];
    for (const [index, [azure, cumulative, delta]] of perInterval.entries()) {
      const values = (sum: Record<string, { value: number }>): Record<string, number> =>
        Object.fromEntries(Object.entries(sum).map(([key, entry]) => [key, entry.value]));
      assert.deepStrictEqual(values(azure), expected[index], `interval ${index + 1}: the Azure exporter`);
      assert.deepStrictEqual(cumulative, azure, `interval ${index + 1}: OTLP cumulative vs the Azure exporter`);
      assert.deepStrictEqual(delta, azure, `interval ${index + 1}: OTLP delta vs the Azure exporter`);
    }
  });

  it("histogram min and max sent for a cumulative stream are the interval's own (or left out)", async () => {
    const pipelines = [
      pipeline('tg-hist-cumulative', metricExporter(otlp, AggregationTemporality.CUMULATIVE), () => 0),
      pipeline('tg-hist-delta', metricExporter(otlp, AggregationTemporality.DELTA), () => 0),
    ];
    const next = forwardedSince();
    const intervals = [[12.5, 3], [40], [1, 2], [5, 6]];
    // First point: as is; one new value: it is both; a new lifetime min: the interval's min; else unknown.
    const proven = [
      { min: 3, max: 12.5 },
      { min: 40, max: 40 },
      { min: 1, max: undefined },
      { min: undefined, max: undefined },
    ];
    for (const [index, values] of intervals.entries()) {
      for (const p of pipelines) for (const value of values) p.histogram.record(value);
      for (const p of pipelines) await p.provider.forceFlush();
      const forwarded = await next();
      const [cumulative, delta] = pipelines.map((p) =>
        forwarded
          .filter((envelope) => envelope.tags?.['ai.cloud.role'] === p.role)
          .map(pointOf)
          .find((point) => point?.name === 'tg_latency'),
      );
      assert.ok(cumulative && delta, `both sent ${values.join(', ')}`);
      assert.strictEqual(cumulative.value, delta.value);
      assert.strictEqual(cumulative.count, delta.count);
      // Only what the cumulative points prove about this interval: never the lifetime min/max as if it were the interval's.
      assert.deepStrictEqual({ min: cumulative.min, max: cumulative.max }, proven[index], `min/max of ${values.join(', ')}`);
      if (cumulative.min !== undefined) assert.strictEqual(cumulative.min, delta.min, `min of ${values.join(', ')}`);
      if (cumulative.max !== undefined) assert.strictEqual(cumulative.max, delta.max, `max of ${values.join(', ')}`);
    }
    for (const p of pipelines) await p.provider.shutdown();
  });

  it('a counter incremented once by 7 and exported in many intervals sums to 7 in Azure and in the panel', async () => {
    for (const wire of ['protobuf', 'json'] as const) {
      const role = `seven-${wire}`;
      const reader = new PeriodicExportingMetricReader({
        exporter: metricExporter({ ...otlp, wire }, AggregationTemporality.CUMULATIVE),
        exportIntervalMillis: 600_000,
      });
      const provider = new MeterProvider({ resource: peerResource(role), readers: [reader] });
      provider.getMeter('seven').createCounter('orders_seven').add(7, { shop: 'main' });
      for (let interval = 0; interval < 4; interval++) await provider.forceFlush();
      await provider.shutdown();
      await queue.flush(20_000);
      const forwarded = fake
        .received()
        .filter((envelope) => envelope.tags?.['ai.cloud.role'] === `shop.${role}`)
        .map(pointOf)
        .filter((point) => point?.name === 'orders_seven');
      assert.ok(forwarded.length >= 1, 'the counter reached Azure');
      assert.strictEqual(
        forwarded.reduce((total, point) => total + (point?.value ?? 0), 0),
        7,
        `${wire}: ${JSON.stringify(forwarded)}`,
      );
      const shown = t.store
        .snapshot()
        .filter((item) => item.role === `shop.${role}` && item.table === 'customMetrics')
        .flatMap((item) => item.metrics ?? []);
      assert.strictEqual(
        shown.reduce((total, point) => total + point.value, 0),
        7,
        `${wire}: the panel shows the same per-interval values`,
      );
    }
  });
});
