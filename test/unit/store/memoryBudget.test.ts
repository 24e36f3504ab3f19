/**
 * Issue 12 item 1: memory is bounded by bytes, not only by item count. Fields are cut to Azure
 * Monitor's limits (and say so), counts an app controls are capped, and the store and the Live
 * Metrics samples evict by an approximate byte budget as well as by count.
 */
import * as assert from 'assert';
import type { Envelope } from '../../../src/core/envelope';
import { LiveSamples } from '../../../src/core/relay/liveSamples';
import { parseMonitoringDataPoints } from '../../../src/core/relay/quickPulseParse';
import { normaliseEnvelope, TelemetryStore } from '../../../src/core/store';
import { COUNT_LIMITS, FIELD_LIMITS } from '../../../src/core/store/fieldLimits';
import { RingBuffer } from '../../../src/core/store/ringBuffer';

const MiB = 1024 * 1024;

function message(text: string, properties?: Record<string, unknown>, role = 'app'): Envelope {
  return {
    name: 'Microsoft.ApplicationInsights.Message',
    time: '2026-01-01T00:00:00.000Z',
    tags: { 'ai.cloud.role': role },
    data: { baseType: 'MessageData', baseData: { ver: 2, message: text, ...(properties ? { properties } : {}) } },
  };
}

describe('store: fields cut to Azure Monitor limits (issue 12 item 1)', () => {
  it('cuts the message to 32,768, property values to 8,192 and names to 150 characters, and lists what it cut', () => {
    const longName = 'k'.repeat(200);
    const item = normaliseEnvelope(message('m'.repeat(40_000), { big: 'v'.repeat(MiB), [longName]: 'x', small: 'ok' }), 1)!;
    assert.strictEqual(item.message!.length, FIELD_LIMITS.message);
    assert.strictEqual(item.properties!.big.length, FIELD_LIMITS.propertyValue);
    assert.strictEqual(item.properties!['k'.repeat(150)], 'x');
    assert.strictEqual(item.properties!.small, 'ok');
    assert.deepStrictEqual(item.truncated, [
      { field: 'message', limit: 32_768 },
      { field: 'propertyValues', limit: 8192 },
      { field: 'propertyNames', limit: 150 },
    ]);
    assert.ok(item.bytes > 2 * (32_768 + 8192) && item.bytes < 200_000, `estimate ${item.bytes}`);
  });

  it('cuts names (1,024) and URLs (2,048) of requests, and never splits a surrogate pair', () => {
    const request: Envelope = {
      name: 'Microsoft.ApplicationInsights.Request',
      time: '2026-01-01T00:00:00.000Z',
      data: {
        baseType: 'RequestData',
        baseData: {
          id: '1',
          name: `${'n'.repeat(1023)}😀tail`,
          url: `http://x/${'u'.repeat(5000)}`,
          duration: '00:00:00.001',
          responseCode: '200',
          success: true,
        },
      },
    };
    const item = normaliseEnvelope(request, 1)!;
    assert.strictEqual(item.name, 'n'.repeat(1023), 'the emoji would be split: cut before it');
    assert.strictEqual(item.url!.length, 2048);
    assert.deepStrictEqual(
      item.truncated?.map((entry) => entry.field),
      ['name', 'url'],
    );
  });

  it('keeps at most 1,000 of 10,000 property keys and says so; an item within the limits is unmarked', () => {
    const properties: Record<string, string> = {};
    for (let index = 0; index < 10_000; index++) properties[`key${index}`] = `value ${index}`;
    const item = normaliseEnvelope(message('many', properties), 1)!;
    assert.strictEqual(Object.keys(item.properties!).length, COUNT_LIMITS.properties);
    assert.deepStrictEqual(item.truncated, [{ field: 'properties', limit: COUNT_LIMITS.properties, entries: true }]);
    assert.strictEqual(normaliseEnvelope(message('plain', { a: 'b' }), 2)!.truncated, undefined);
  });
});

describe('store: byte budget (issue 12 item 1)', () => {
  it('evicts the oldest items by bytes, keeps the newest, and counts down as it goes', () => {
    const store = new TelemetryStore({ maxBytes: 4 * MiB });
    const big = { value: 'v'.repeat(8192) };
    let evicted = 0;
    store.subscribe((change) => (evicted += change.evicted.length), { intervalMs: 0 });
    for (let index = 0; index < 2000; index++) store.add([message(`item ${index}`, { ...big, n: String(index) })]);
    assert.ok(store.bytes <= 4 * MiB, `${store.bytes} bytes held`);
    assert.ok(store.size < 2000 && store.size > 100, `${store.size} items held`);
    const kept = store.snapshot();
    assert.strictEqual(kept[kept.length - 1].message, 'item 1999');
    assert.strictEqual(
      kept.reduce((sum, item) => sum + item.bytes, 0),
      store.bytes,
    );
    store.clear();
    assert.strictEqual(store.bytes, 0);
  });

  it('a noisy role pays for its own noise: a quiet role keeps its items', () => {
    const store = new TelemetryStore({ maxBytes: 2 * MiB });
    store.add([message('quiet 1', undefined, 'quiet'), message('quiet 2', undefined, 'quiet')]);
    for (let index = 0; index < 1000; index++) store.add([message('x'.repeat(30_000), undefined, 'noisy')]);
    assert.deepStrictEqual(
      store
        .snapshot()
        .filter((item) => item.role === 'quiet')
        .map((item) => item.message),
      ['quiet 1', 'quiet 2'],
    );
    assert.ok(store.bytes <= 2 * MiB);
  });

  it('RingBuffer.shift takes the oldest out, and push/shift keep FIFO order across wraps', () => {
    const ring = new RingBuffer<number>(3);
    const model: number[] = [];
    for (let step = 0; step < 200; step++) {
      if (step % 3 === 2) {
        assert.strictEqual(ring.shift(), model.shift());
      } else {
        ring.push(step);
        model.push(step);
        if (model.length > 3) model.shift();
      }
      assert.deepStrictEqual(ring.toArray(), model);
    }
  });
});

describe('live samples: bounded by bytes, names cut to 1,024 (issue 12 item 1)', () => {
  it('a 5 MB metric name is kept as 1,024 characters, and 150 such samples stay within the budget', () => {
    const samples = new LiveSamples(3600, 1 * MiB);
    const body = JSON.stringify([{ Timestamp: '2026-01-01T00:00:00Z', Metrics: [{ Name: 'M'.repeat(5 * MiB), Value: 0 }] }]);
    for (let index = 0; index < 150; index++) {
      const points = JSON.parse(body) as { Metrics: { Value: number }[] }[];
      points[0].Metrics[0].Value = index;
      const parsed = parseMonitoringDataPoints(points);
      assert.ok(parsed.ok);
      samples.add(parsed.samples);
    }
    const kept = samples.snapshot();
    assert.strictEqual(kept[kept.length - 1].metrics[0].name.length, 1024);
    assert.strictEqual(kept[kept.length - 1].metrics[0].value, 149);
    assert.ok(samples.bytes <= 1 * MiB);
  });

  it('evicts the oldest samples past the budget, by bytes as well as by count', () => {
    const samples = new LiveSamples(10, 64 * 1024);
    const metrics = Array.from({ length: 100 }, (_, index) => ({ name: `metric ${index} ${'n'.repeat(100)}`, value: index }));
    for (let index = 0; index < 50; index++) samples.add([{ time: index, metrics }]);
    assert.ok(samples.bytes <= 64 * 1024, `${samples.bytes}`);
    assert.ok(samples.size < 10);
    assert.strictEqual(samples.snapshot().at(-1)!.time, 49);
  });
});
