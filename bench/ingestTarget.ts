/**
 * Forked by ingest.bench: hosts one server under test on loopback and reports its counters when
 * stopped. `node ingestTarget.js <kind> <localKey> [upstreamUrl]`, kind one of
 *   relay-forward  the relay with a ForwardQueue on a temp dir (the product path: 200 only once on disk)
 *   relay-local    the relay with LocalOnlySink (no forwarding: parse, validate, store)
 *   baseline       a bare Node http server that only reads, gunzips and JSON.parses the body
 */
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseConnectionStringOrThrow } from '../src/core/connectionString';
import { ForwardQueue } from '../src/core/forward';
import { LocalOnlySink, RelayServer } from '../src/core/relay';
import type { EnvelopeSink } from '../src/core/sink';
import { TelemetryStore } from '../src/core/store';
import { startAcceptAllIngestion } from './acceptAllIngestion';
import { failParent, serveParent } from './workload';

export type IngestKind = 'relay-forward' | 'relay-local' | 'baseline';
export interface IngestReady {
  readonly origin: string;
}
export type IngestStopped = Record<string, unknown> & {
  /** Items the server took, and the CPU its process used for them (all threads: zlib, GC), from ready to stop. */
  readonly items: number;
  readonly cpuMs: number;
};

/** CPU milliseconds (user + system, every thread of this process) since `from`. */
function cpuMsSince(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
}

/** The key the upstream sees: made up, only its shape matters. */
const REAL_KEY = '11111111-2222-4333-8444-555555555555';

/** The floor: read, gunzip and JSON.parse each body, nothing else — the accept-all stand-in does exactly that. */
async function startBaseline(): Promise<void> {
  const server = await startAcceptAllIngestion();
  const cpuAtReady = process.cpuUsage();
  serveParent<IngestReady, IngestStopped>({ origin: server.url.replace(/\/$/, '') }, async () => {
    const items = server.items();
    const cpuMs = cpuMsSince(cpuAtReady);
    await server.close();
    return { items, cpuMs };
  });
}

async function startRelay(kind: 'relay-forward' | 'relay-local', localKey: string, upstream: string | undefined): Promise<void> {
  const store = new TelemetryStore();
  let queue: ForwardQueue | undefined;
  let storageDir: string | undefined;
  let sink: EnvelopeSink = new LocalOnlySink();
  if (kind === 'relay-forward') {
    if (!upstream) throw new Error('relay-forward needs an upstream URL');
    storageDir = await fs.mkdtemp(path.join(os.tmpdir(), 'azmon-bench-queue-'));
    queue = await ForwardQueue.open({
      storageDir,
      connectionString: parseConnectionStringOrThrow(`InstrumentationKey=${REAL_KEY};IngestionEndpoint=${upstream}`),
      localInstrumentationKey: localKey,
    });
    sink = queue;
  }
  const relay = await RelayServer.start({ sink, store, localKey, httpsPort: false });
  const cpuAtReady = process.cpuUsage();
  serveParent<IngestReady, IngestStopped>({ origin: relay.url.replace(/\/$/, '') }, async () => {
    const relayStats = relay.stats();
    // Forwarding goes on after the load stops: the CPU counted is what was spent while it ran.
    const cpuMs = cpuMsSince(cpuAtReady);
    await relay.close();
    const forward = queue?.stats();
    await queue?.close();
    if (storageDir) await fs.rm(storageDir, { recursive: true, force: true });
    return {
      items: relayStats.itemsAccepted,
      cpuMs,
      relayAccepted: relayStats.itemsAccepted,
      relayRejected: relayStats.rejected,
      storeSize: store.size,
      forward,
    };
  });
}

const [kind, localKey, upstream] = process.argv.slice(2) as [IngestKind, string, string | undefined];
(kind === 'baseline' ? startBaseline() : startRelay(kind, localKey, upstream)).catch(failParent);
