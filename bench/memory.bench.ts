/**
 * Memory of the TelemetryStore holding 100k items (decoded from captured envelopes), measured in a
 * child process with --expose-gc after full GCs: heap and RSS growth. Baseline, same run: a plain
 * array keeping the same 100k parsed envelopes (what "just keep what was sent" costs). Lower is
 * better; ratio = store / baseline.
 */
import { BenchResult, result } from './benchResult';
import type { MemoryReady } from './memoryProbe';
import { startChild } from './workload';

const ITEMS = Number(process.env.BENCH_MEMORY_ITEMS ?? 100_000);
const MiB = 1024 * 1024;

async function probe(kind: 'store' | 'envelopes'): Promise<MemoryReady> {
  const child = await startChild<MemoryReady, { items: number }>(
    'memoryProbe.js',
    [kind, String(ITEMS)],
    ['--expose-gc', '--max-old-space-size=2048'],
  );
  const ready = child.ready;
  await child.stop();
  if (ready.items !== ITEMS) throw new Error(`${kind} held ${ready.items} of ${ITEMS} items`);
  return ready;
}

export async function run(): Promise<BenchResult[]> {
  const baseline = await probe('envelopes');
  const store = await probe('store');
  const extra = { items: ITEMS, jsonMiB: Math.round((store.jsonBytes / MiB) * 10) / 10 };
  return [
    result(
      { name: 'store-memory-heap-100k', ours: store.heapBytes / MiB, baseline: baseline.heapBytes / MiB, unit: 'MiB', better: 'lower' },
      { ...extra, bytesPerItem: Math.round(store.heapBytes / ITEMS), baselineBytesPerItem: Math.round(baseline.heapBytes / ITEMS) },
    ),
    result(
      { name: 'store-memory-rss-100k', ours: store.rssBytes / MiB, baseline: baseline.rssBytes / MiB, unit: 'MiB', better: 'lower' },
      extra,
    ),
  ];
}
