import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import type { Envelope } from '../../../src/core/envelope';
import { durationText, envelopeOfItem, EXPORT_INSTRUMENTATION_KEY, exportNdjson, isoTime, parseImport } from '../../../src/core/panel';
import { parseDuration, parseTimestamp, TelemetryItem, TelemetryStore } from '../../../src/core/store';

const CAPTURES_DIR = path.resolve(__dirname, '../../../../test/fixtures/captures');
const LOCAL_KEY = '7d3f0a4e-2b1c-4e5f-8a9b-0c1d2e3f4a5b';

/** Every envelope the seven real SDK clients sent. */
function capturedEnvelopes(): Envelope[] {
  return fs
    .readdirSync(CAPTURES_DIR)
    .filter((file) => file.endsWith('.body.json'))
    .sort()
    .flatMap((file) => JSON.parse(fs.readFileSync(path.join(CAPTURES_DIR, file), 'utf8')) as Envelope[]);
}

/** Without the store's seq and its size estimate (which depends on the envelope's own shape). */
function withoutSeq(item: TelemetryItem): Omit<TelemetryItem, 'seq' | 'bytes'> {
  const { seq: _seq, bytes: _bytes, ...rest } = item;
  return rest;
}

describe('panel: NDJSON export and import', () => {
  it('an exported capture imports back to the same items, for every real SDK client', () => {
    const original = new TelemetryStore();
    original.add(capturedEnvelopes());
    const items = original.snapshot();
    assert.ok(items.length > 30, `the captures hold many items (${items.length})`);
    const tables = new Set(items.map((item) => item.table));
    for (const table of ['requests', 'dependencies', 'traces', 'exceptions', 'customMetrics'] as const)
      assert.ok(tables.has(table), `captures include ${table}`);

    const text = exportNdjson(items);
    assert.strictEqual(text.split('\n').length, items.length + 1, 'one line per item and a final newline');
    const imported = parseImport(text, LOCAL_KEY);
    assert.ok(imported.ok, imported.ok ? '' : imported.message);
    const copy = new TelemetryStore();
    copy.add(imported.envelopes);
    const again = copy.snapshot();
    assert.strictEqual(again.length, items.length);
    again.forEach((item, index) => {
      const expected = items[index]!;
      // Sub-microsecond digits of an epoch-ms float cannot survive any text form; everything else must.
      assert.ok(Math.abs(item.time - expected.time) < 0.001, `time of item ${index}`);
      assert.deepStrictEqual({ ...withoutSeq(item), time: 0 }, { ...withoutSeq(expected), time: 0 }, `item ${index} (${expected.table})`);
    });
    assert.strictEqual(exportNdjson(again), text, 'exporting the import gives the same file');
  });

  it("exported envelopes carry no key and pass the relay's validation as they are", () => {
    const store = new TelemetryStore();
    store.add(capturedEnvelopes());
    const lines = exportNdjson(store.snapshot())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Envelope);
    for (const envelope of lines) {
      assert.strictEqual(envelope.iKey, EXPORT_INSTRUMENTATION_KEY);
      assert.match(envelope.name, /^Microsoft\.ApplicationInsights\.[A-Za-z]+$/);
    }
    assert.ok(!exportNdjson(store.snapshot()).includes('3c6a1f52'), "the captures' key is not in the export");
  });

  it("import replaces whatever key the file has with the relay's session key", () => {
    const [envelope] = capturedEnvelopes();
    const text = JSON.stringify({ ...envelope, iKey: 'ffffffff-0000-0000-0000-000000000000' });
    const result = parseImport(text, LOCAL_KEY);
    assert.ok(result.ok);
    assert.strictEqual(result.envelopes[0]!.iKey, LOCAL_KEY);
  });

  it('refuses files that are not telemetry, naming the line or the field', () => {
    const bad = parseImport('{"name":"x","time":"2026-01-01T00:00:00Z","data":{"baseType":"MessageData"}}\nnot json\n', LOCAL_KEY);
    assert.ok(!bad.ok);
    assert.match(bad.message, /Line 2/);
    const shape = parseImport('{"name":"Microsoft.ApplicationInsights.Message","data":{"baseType":"MessageData"}}', LOCAL_KEY);
    assert.ok(!shape.ok);
    assert.match(shape.message, /Field 'time'/);
    const empty = parseImport('   ', LOCAL_KEY);
    assert.ok(!empty.ok);
    assert.match(empty.message, /empty/);
    assert.ok(!parseImport('[]', LOCAL_KEY).ok, 'an empty array imports nothing and says so');
  });

  it('writes Breeze durations that parse back to the same milliseconds', () => {
    assert.strictEqual(durationText(0), '0.00:00:00.000000000');
    assert.strictEqual(durationText(12.5), '0.00:00:00.012500000');
    assert.strictEqual(durationText(90_061_001), '1.01:01:01.001000000');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 86_400 * 1e6 }), (micros) => {
        const ms = micros / 1000;
        return parseDuration(durationText(ms)) === ms;
      }),
    );
  });

  it('writes ISO timestamps that parse back to the same instant', () => {
    assert.strictEqual(isoTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), '2026-01-02T03:04:05.678Z');
    assert.strictEqual(isoTime(Date.UTC(2026, 0, 2, 3, 4, 5)), '2026-01-02T03:04:05Z');
    // 0.75 ms is exact in a double at this magnitude (0.7025 is not: its last digit is noise).
    assert.strictEqual(isoTime(Date.UTC(2026, 0, 2, 3, 4, 5) + 0.75), '2026-01-02T03:04:05.00075Z');
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.integer({ min: 0, max: 9999 }),
        (ms, tenthsOfMicros) => {
          const time = ms + tenthsOfMicros / 10_000;
          return Math.abs(parseTimestamp(isoTime(time))! - time) < 0.001;
        },
      ),
    );
  });

  it('keeps a message that looks like HTML exactly as text', () => {
    const store = new TelemetryStore();
    const message = '<img src=x onerror="alert(1)"> & </script>';
    store.add([
      {
        name: 'Microsoft.ApplicationInsights.Message',
        time: '2026-01-01T00:00:00Z',
        data: { baseType: 'MessageData', baseData: { message, severityLevel: 1 } },
      },
    ]);
    const envelope = envelopeOfItem(store.snapshot()[0]!);
    assert.strictEqual((envelope.data!.baseData as { message: string }).message, message);
  });
});
