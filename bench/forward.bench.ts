/**
 * Forwarding throughput: a ForwardQueue holding N queued items (written while paused, as after an
 * offline spell) drains to the fake ingestion server (its own process) — read back, key rewritten,
 * batched, gzipped, sent one request at a time as the product does. Baseline, same run: a bare
 * undici loop posting the same number of pre-built gzip 512-item batches, one at a time, to a fresh
 * fake. Goal: ratio ≥ 0.7.
 */
import { randomUUID } from 'crypto';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'undici';
import { parseConnectionStringOrThrow } from '../src/core/connectionString';
import { ForwardQueue } from '../src/core/forward';
import { BenchResult, result } from './benchResult';
import type { FakeReady, FakeStopped } from './fakeIngestionProcess';
import { BATCH_ITEMS, buildBatch, encodeBatch, startChild } from './workload';

const BATCHES = Number(process.env.BENCH_FORWARD_BATCHES ?? 160);
const REAL_KEY = '11111111-2222-4333-8444-555555555555';

interface Drained {
  readonly itemsPerSecond: number;
  readonly fake: FakeStopped;
  readonly extra: Record<string, unknown>;
}

async function forwardQueueDrain(): Promise<Drained> {
  const localKey = randomUUID();
  const fake = await startChild<FakeReady, FakeStopped>('fakeIngestionProcess.js', []);
  const storageDir = await fs.mkdtemp(path.join(os.tmpdir(), 'azmon-bench-forward-'));
  const queue = await ForwardQueue.open({
    storageDir,
    connectionString: parseConnectionStringOrThrow(`InstrumentationKey=${REAL_KEY};IngestionEndpoint=${fake.ready.url}`),
    localInstrumentationKey: localKey,
    maxDiskBytes: 1024 * 1024 * 1024,
  });
  try {
    queue.pause();
    for (let index = 0; index < BATCHES; index++) {
      await queue.accept(buildBatch(localKey, BATCH_ITEMS, index));
    }
    const total = BATCHES * BATCH_ITEMS;
    const started = process.hrtime.bigint();
    queue.resume();
    await waitUntilDrained(queue, 120_000);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const stats = queue.stats();
    await queue.close();
    const received = await fake.stop();
    if (received.items < total) throw new Error(`the fake got ${received.items} of ${total} items`);
    return { itemsPerSecond: total / seconds, fake: received, extra: { requests: stats.requests, retried: stats.retriedItems } };
  } finally {
    await fs.rm(storageDir, { recursive: true, force: true });
  }
}

function waitUntilDrained(queue: ForwardQueue, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the queue did not drain in ${timeoutMs} ms: ${JSON.stringify(queue.stats())}`)),
      timeoutMs,
    );
    const check = (): void => {
      const stats = queue.stats();
      if (stats.queuedItems === 0 && stats.sentItems > 0) {
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      }
    };
    const subscription = queue.onStats(check);
    check();
  });
}

async function bareUndiciLoop(): Promise<Drained> {
  const fake = await startChild<FakeReady, FakeStopped>('fakeIngestionProcess.js', []);
  const bodies = Array.from({ length: BATCHES }, (_, index) => encodeBatch(buildBatch(REAL_KEY, BATCH_ITEMS, index)).gzip);
  const origin = new URL(fake.ready.url);
  const client = new Client(origin.origin, { keepAliveTimeout: 30_000 });
  const headers = { 'content-type': 'application/json', 'content-encoding': 'gzip' };
  const started = process.hrtime.bigint();
  for (const body of bodies) {
    const response = await client.request({ method: 'POST', path: '/v2.1/track', headers, body });
    await response.body.text();
    if (response.statusCode !== 200) throw new Error(`the fake answered ${response.statusCode}`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await client.close();
  const received = await fake.stop();
  return { itemsPerSecond: (BATCHES * BATCH_ITEMS) / seconds, fake: received, extra: {} };
}

export async function run(): Promise<BenchResult[]> {
  const baseline = await bareUndiciLoop();
  const ours = await forwardQueueDrain();
  if (ours.fake.keys.join() !== REAL_KEY) throw new Error(`forwarded items carried keys ${ours.fake.keys.join(', ')}`);
  return [
    result(
      { name: 'forward-throughput', ours: ours.itemsPerSecond, baseline: baseline.itemsPerSecond, unit: 'items/s', goal: 0.7 },
      { items: BATCHES * BATCH_ITEMS, batchItems: BATCH_ITEMS, ...ours.extra, fakeRequests: ours.fake.requests },
    ),
  ];
}
