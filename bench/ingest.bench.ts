/**
 * Relay ingest throughput: 512-item JSON batches (real captured envelopes, the relay's key) from 8
 * concurrent undici clients on loopback, gzip and plain, against
 *   - the relay with a ForwardQueue on a temp dir (durable ack: the product path), forwarding to an
 *     accept-all stand-in for Azure,
 *   - the relay with LocalOnlySink (forwarding off),
 *   - the baseline: a bare Node http server that only reads, gunzips and JSON.parses the same bodies.
 * Each server, and the stand-in for Azure, runs in its own child process (the load generator has
 * this one). Goal: ratio ≥ 0.5.
 */
import { randomUUID } from 'crypto';
import { BenchResult, result } from './benchResult';
import type { AcceptAllReady, AcceptAllStopped } from './acceptAllIngestion';
import type { IngestKind, IngestReady, IngestStopped } from './ingestTarget';
import { BATCH_ITEMS, buildBatch, encodeBatch, LoadResult, startChild, timedLoad } from './workload';

const SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 4);
/** `BENCH_INGEST_CPU_PROF=<dir>`: each server child writes a V8 CPU profile there (`node --cpu-prof`). */
const PROFILE_DIR = process.env.BENCH_INGEST_CPU_PROF;
const CHILD_EXEC_ARGV = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];

interface Measured {
  readonly load: LoadResult;
  readonly server: IngestStopped;
}

async function measure(kind: IngestKind, localKey: string, body: Buffer, gzip: boolean, upstream: string): Promise<Measured> {
  const child = await startChild<IngestReady, IngestStopped>('ingestTarget.js', [kind, localKey, upstream], CHILD_EXEC_ARGV);
  try {
    const load = await timedLoad({
      origin: child.ready.origin,
      body,
      gzip,
      itemsPerRequest: BATCH_ITEMS,
      clients: 8,
      warmupMs: 1000,
      durationMs: SECONDS * 1000,
    });
    return { load, server: await child.stop() };
  } catch (error) {
    await child.stop().catch(() => undefined);
    throw error;
  }
}

/**
 * CPU the server's process spent per 1,000 items it took (all its threads), from ready to stop.
 * Unlike items/s this hardly moves with other load on the machine: the same-run ratio
 * `cpuRatio` = baseline / ours says what share of the floor's rate the relay's own CPU allows.
 */
function cpuPerThousandItems(server: IngestStopped): number {
  return server.items > 0 ? Math.round((server.cpuMs / server.items) * 1000 * 100) / 100 : Number.NaN;
}

function cpuExtra(ours: IngestStopped, baseline: IngestStopped): Record<string, number> {
  const oursMs = cpuPerThousandItems(ours);
  const baselineMs = cpuPerThousandItems(baseline);
  return { cpuMsPer1kItems: oursMs, baselineCpuMsPer1kItems: baselineMs, cpuRatio: Math.round((baselineMs / oursMs) * 1000) / 1000 };
}

export async function run(): Promise<BenchResult[]> {
  const localKey = randomUUID();
  const encoded = encodeBatch(buildBatch(localKey));
  // Azure's stand-in runs in its own child: its gunzip + parse of every forwarded batch is Azure's
  // CPU, and in this process it would slow the load generator during the forward rows only.
  const upstream = await startChild<AcceptAllReady, AcceptAllStopped>('acceptAllIngestion.js', []);
  const results: BenchResult[] = [];
  try {
    for (const gzip of [true, false]) {
      const body = gzip ? encoded.gzip : encoded.plain;
      const encoding = gzip ? 'gzip' : 'plain';
      const baseline = await measure('baseline', localKey, body, gzip, upstream.ready.url);
      const forward = await measure('relay-forward', localKey, body, gzip, upstream.ready.url);
      const local = await measure('relay-local', localKey, body, gzip, upstream.ready.url);
      const common = { bodyBytes: body.length, batchItems: BATCH_ITEMS, clients: 8, seconds: SECONDS };
      results.push(
        result(
          {
            name: `relay-ingest-${encoding}`,
            ours: forward.load.itemsPerSecond,
            baseline: baseline.load.itemsPerSecond,
            unit: 'items/s',
            goal: 0.5,
          },
          {
            ...common,
            sink: 'ForwardQueue',
            refused: forward.load.refused,
            ...cpuExtra(forward.server, baseline.server),
            server: forward.server,
          },
        ),
        result(
          {
            name: `relay-ingest-local-only-${encoding}`,
            ours: local.load.itemsPerSecond,
            baseline: baseline.load.itemsPerSecond,
            unit: 'items/s',
            goal: 0.5,
          },
          {
            ...common,
            sink: 'LocalOnlySink',
            refused: local.load.refused,
            ...cpuExtra(local.server, baseline.server),
            server: local.server,
          },
        ),
      );
    }
  } finally {
    await upstream.stop();
  }
  return results;
}
