/**
 * Forked with --expose-gc by memory.bench: fills either a TelemetryStore (`store`) or a plain array
 * of the parsed envelopes (`envelopes`, the baseline: keeping exactly what was sent) with N items
 * decoded from 512-item JSON batches of captured envelopes (unique operation and item ids), then
 * reports heap and RSS growth after a full GC.
 */
import type { Envelope } from '../src/core/envelope';
import { TelemetryStore } from '../src/core/store';
import { BATCH_ITEMS, buildBatch, failParent, serveParent, uniqueBatchText } from './workload';

export interface MemoryReady {
  readonly items: number;
  readonly heapBytes: number;
  readonly rssBytes: number;
  readonly jsonBytes: number;
}

function collect(): NodeJS.MemoryUsage {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('memoryProbe needs --expose-gc');
  for (let pass = 0; pass < 3; pass++) gc();
  return process.memoryUsage();
}

function main(): void {
  const [kind, countText] = process.argv.slice(2);
  const count = Number(countText);
  const template = buildBatch('5f0c1e2d-7a3b-4c8d-9e6f-0a1b2c3d4e5f');
  const store = new TelemetryStore({ maxTraceItemsPerRole: count, maxLogItemsPerRole: count, maxMetricPointsPerRole: count });
  const kept: Envelope[] = [];
  const before = collect();
  let jsonBytes = 0;
  for (let batchIndex = 0; batchIndex * BATCH_ITEMS < count; batchIndex++) {
    const text = uniqueBatchText(batchIndex, template.slice(0, Math.min(BATCH_ITEMS, count - batchIndex * BATCH_ITEMS)));
    jsonBytes += Buffer.byteLength(text);
    const envelopes = JSON.parse(text) as Envelope[];
    if (kind === 'store') store.add(envelopes);
    else kept.push(...envelopes);
  }
  const after = collect();
  const items = kind === 'store' ? store.size : kept.length;
  serveParent<MemoryReady, { items: number }>(
    { items, heapBytes: after.heapUsed - before.heapUsed, rssBytes: after.rss - before.rss, jsonBytes },
    async () => ({ items: kind === 'store' ? store.size : kept.length }),
  );
}

try {
  main();
} catch (error) {
  failParent(error);
}
