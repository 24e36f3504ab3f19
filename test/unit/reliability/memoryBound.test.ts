/**
 * Issue 12 item 1, end to end: the shipped relay (`dist/cli.js`) as a child process with a small
 * heap, fed gigabytes of large items over loopback while a well-behaved client keeps sending
 * 20-item batches. The relay's RSS (read from /proc) must stay under a fixed bound, the good
 * client must get 200 for every batch, and the relay must still be alive at the end.
 *
 * The unit layer streams 1 GB (AZMON_MEMORY_STREAM_GB=5 for the 5 GB run, a few minutes on
 * two cores). Bodies are generated per request and gzipped, never held: the relay takes at most
 * 8 MiB as sent and 64 MiB decoded per request.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import { gzipSync } from 'zlib';
import { delay, send, tempDir } from '../relay/helpers';
import { assertCliBuilt, RelayProcess, startRelayProcess } from './relayProcess';

const MiB = 1024 * 1024;
const LOCAL_KEY = '0f0e0d0c-0b0a-4908-8706-050403020100';
const UNUSED_CONNECTION_STRING = 'InstrumentationKey=a1b2c3d4-e5f6-4789-8abc-def012345678;IngestionEndpoint=http://127.0.0.1:9/';
const HEAP_MB = 384;
/** Heap cap, the store's 64 MiB and the live samples' 8 MiB, one request's body (64 MiB decoded) in its forms, and Node itself. */
const RSS_BOUND_MB = 900;
const GIGABYTES = Number(process.env.AZMON_MEMORY_STREAM_GB ?? '1');

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** Samples the child's RSS every 50 ms until stopped; resolves with the peak. */
function watchRss(pid: number): { stop(): number } {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(pid));
    } catch {
      // The process is gone: the test's own checks say so.
    }
  }, 50);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

function envelopeText(message: string, properties: Record<string, string>): string {
  return JSON.stringify({
    name: 'Microsoft.ApplicationInsights.Message',
    time: new Date().toISOString(),
    iKey: LOCAL_KEY,
    tags: { 'ai.cloud.role': 'big' },
    data: { baseType: 'MessageData', baseData: { ver: 2, message, properties } },
  });
}

/** Keeps sending 20-item batches; every answer must be 200. */
class WellBehavedClient {
  readonly statuses: number[] = [];
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(private readonly port: number) {}

  start(): void {
    this.running = (async () => {
      for (let batch = 0; !this.stopped; batch++) {
        const items = Array.from({ length: 20 }, (_, index) => envelopeText(`good ${batch}.${index}`, { n: String(index) }));
        const reply = await send(this.port, { body: `[${items.join(',')}]`, headers: { 'Content-Type': 'application/json' } }).catch(
          () => ({ status: 0 }),
        );
        this.statuses.push(reply.status);
        await delay(20);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}

describe('reliability: memory stays bounded by bytes under gigabytes of large items (issue 12 item 1)', function () {
  this.timeout(20 * 60_000);
  let relay: RelayProcess;
  before(() => assertCliBuilt(['--buffer-mb', '--live-metrics-mb']));
  beforeEach(async () => {
    relay = await startRelayProcess({
      storage: tempDir('azmon-memory-'),
      localKey: LOCAL_KEY,
      connectionString: UNUSED_CONNECTION_STRING,
      port: 0,
      args: ['--no-forward', '--buffer-mb', '64', '--live-metrics-mb', '8'],
      nodeArgs: [`--max-old-space-size=${HEAP_MB}`],
    });
  });
  afterEach(async () => {
    await relay.kill();
  });

  /** Streams `requests` gzipped bodies from `makeBody` while the good client runs; returns the peak RSS. */
  async function stream(
    requests: number,
    makeBody: (request: number) => string,
    path = '/v2.1/track',
  ): Promise<{ peak: number; statuses: Map<number, number> }> {
    const good = new WellBehavedClient(relay.port);
    const rss = watchRss(relay.child.pid!);
    const statuses = new Map<number, number>();
    good.start();
    try {
      for (let request = 0; request < requests; request++) {
        const body = gzipSync(makeBody(request), { level: 1 });
        const reply = await send(relay.port, {
          path,
          body,
          headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
        }).catch(() => ({ status: 0, text: '' }));
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        assert.notStrictEqual(
          reply.status,
          0,
          `request ${request}: the relay cut the connection (crashed?)\n${relay.stderr().slice(-2000)}`,
        );
      }
    } finally {
      await good.stop();
    }
    const peak = rss.stop();
    assert.ok(good.statuses.length > 0);
    assert.deepStrictEqual(
      [...new Set(good.statuses)],
      [200],
      `the well-behaved client got ${JSON.stringify(good.statuses.filter((status) => status !== 200).slice(0, 10))}`,
    );
    assert.strictEqual(relay.child.exitCode, null, `the relay exited\n${relay.stderr().slice(-2000)}`);
    console.log(`      peak RSS ${Math.round(peak)} MB over ${requests} requests; good client: ${good.statuses.length} batches, all 200`);
    return { peak, statuses };
  }

  it(`${GIGABYTES} GB of 50-item batches of ~1 MB items: RSS stays under ${RSS_BOUND_MB} MB, the good client gets 200 throughout`, async () => {
    const oneMegabyteValue = 'v'.repeat(MiB);
    const eightKilobytes = 'p'.repeat(8000);
    const manyProperties: Record<string, string> = {};
    for (let index = 0; index < 128; index++) manyProperties[`key${index}`] = eightKilobytes;
    // Half the items carry one 1 MB value (cut to 8,192), half 128 values of 8,000 (within Azure's limits: only the byte budget bounds them).
    const requests = Math.ceil((GIGABYTES * 1024) / 50);
    const { peak, statuses } = await stream(
      requests,
      (request) =>
        `[${Array.from({ length: 50 }, (_, index) => envelopeText(`big ${request}.${index}`, index % 2 === 0 ? { value: oneMegabyteValue } : manyProperties)).join(',')}]`,
    );
    assert.deepStrictEqual([...statuses.keys()], [200]);
    assert.ok(peak < RSS_BOUND_MB, `peak RSS ${Math.round(peak)} MB`);
  });

  it('1,000 envelopes of 10,000 property keys each: RSS stays bounded, the good client gets 200', async () => {
    const properties: Record<string, string> = {};
    for (let index = 0; index < 10_000; index++) properties[`property_${index}`] = `value ${index}`;
    const { peak, statuses } = await stream(
      20,
      (request) => `[${Array.from({ length: 50 }, (_, index) => envelopeText(`keys ${request}.${index}`, properties)).join(',')}]`,
    );
    assert.deepStrictEqual([...statuses.keys()], [200]);
    assert.ok(peak < RSS_BOUND_MB, `peak RSS ${Math.round(peak)} MB`);
  });

  it('150 Live Metrics posts with 5 MB metric names: RSS stays bounded, the good client gets 200', async () => {
    const hugeName = 'M'.repeat(5 * MiB);
    const { peak, statuses } = await stream(
      150,
      (request) =>
        JSON.stringify([
          { Timestamp: new Date().toISOString(), Instance: 'big', Metrics: [{ Name: hugeName, Value: request, Weight: 1 }] },
        ]),
      `/QuickPulseService.svc/post?ikey=${LOCAL_KEY}`,
    );
    assert.deepStrictEqual([...statuses.keys()], [200]);
    assert.ok(peak < RSS_BOUND_MB, `peak RSS ${Math.round(peak)} MB`);
  });
});
