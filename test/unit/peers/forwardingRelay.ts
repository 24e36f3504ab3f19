/**
 * The product path for the peer tests: a relay whose sink is a ForwardQueue on a temp dir,
 * forwarding to the fake ingestion server under a made-up "real" key. The sink is wrapped so the
 * test also knows exactly which envelopes the relay accepted (to prove each was forwarded once).
 */
import * as assert from 'assert';
import { parseConnectionStringOrThrow } from '../../../src/core/connectionString';
import type { Envelope } from '../../../src/core/envelope';
import { ForwardQueue } from '../../../src/core/forward';
import { RelayServer } from '../../../src/core/relay';
import { TelemetryItem, TelemetryStore } from '../../../src/core/store';
import { FakeEnvelope, FakeIngestion } from '../../fakes/fakeIngestion';
import { tempDir } from '../relay/helpers';
import { newRunId, PeerName, runPeer } from './peerProcess';

/** Made up: the "real" instrumentation key the fake expects; only the relay may know it. */
export const REAL_KEY = '5f0c1e2d-7a3b-4c8d-9e6f-0a1b2c3d4e5f';

export interface ForwardingRelay {
  readonly relay: RelayServer;
  readonly store: TelemetryStore;
  readonly queue: ForwardQueue;
  readonly fake: FakeIngestion;
  /** Every envelope the relay handed to the queue, in order. */
  readonly accepted: Envelope[];
  close(): Promise<void>;
}

export async function startForwardingRelay(prefix: string): Promise<ForwardingRelay> {
  const fake = await FakeIngestion.start({ expectKey: REAL_KEY });
  const store = new TelemetryStore();
  const accepted: Envelope[] = [];
  const localKey = '0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70';
  const queue = await ForwardQueue.open({
    storageDir: tempDir(`${prefix}-queue-`),
    connectionString: parseConnectionStringOrThrow(fake.connectionString(REAL_KEY)),
    localInstrumentationKey: localKey,
    backoffBaseMs: 50,
    backoffMaxMs: 200,
  });
  const sink = {
    async accept(envelopes: readonly Envelope[]): Promise<void> {
      await queue.accept(envelopes);
      accepted.push(...envelopes);
    },
  };
  const relay = await RelayServer.start({ sink, store, localKey, tlsDir: tempDir(`${prefix}-tls-`) });
  return {
    relay,
    store,
    queue,
    fake,
    accepted,
    async close() {
      await relay.close();
      await queue.close();
      await fake.close();
    },
  };
}

/**
 * Once the queue is drained: the fake holds each accepted envelope exactly once, carrying the real
 * key (iKey and any keyed name) and nothing else changed; the local key appears nowhere.
 */
export async function assertForwardedExactlyOnce(setup: ForwardingRelay): Promise<FakeEnvelope[]> {
  const { accepted, fake, queue, relay } = setup;
  assert.ok(accepted.length > 0, 'the relay accepted something');
  await queue.flush(20_000);
  const received = fake.received();
  const expected = accepted.map((envelope) =>
    canonical({ ...envelope, iKey: REAL_KEY, name: envelope.name.replace(compact(relay.localKey), compact(REAL_KEY)) }),
  );
  const actual = received.map((envelope) => canonical(envelope));
  assert.strictEqual(actual.length, expected.length, `forwarded ${actual.length} items for ${expected.length} accepted`);
  assert.deepStrictEqual(
    [...actual].sort(),
    [...expected].sort(),
    'the forwarded items are the accepted ones, once each, with the real key',
  );
  for (const envelope of received) {
    assert.strictEqual(envelope.iKey, REAL_KEY);
    assert.ok(
      !JSON.stringify(envelope).toLowerCase().includes(relay.localKey) && !JSON.stringify(envelope).includes(compact(relay.localKey)),
      'the local key never reaches the service',
    );
  }
  const stats = queue.stats();
  assert.strictEqual(stats.queuedItems, 0, 'nothing left queued');
  assert.strictEqual(stats.droppedItems, 0, JSON.stringify(stats.droppedByReason));
  return received;
}

function compact(key: string): string {
  return key.replace(/-/g, '').toLowerCase();
}

/** JSON with sorted object keys, so equal envelopes compare equal whatever the key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/**
 * The forwarding half of a peer's tests: the peer sends through a ForwardQueue relay; every item is
 * in the store, reaches the fake exactly once with the real key, and reads back the same upstream —
 * also when the service fails the first 3 requests with 503.
 */
export function describeForwardingPeer<Report>(
  title: string,
  peer: PeerName,
  assertItems: (items: readonly TelemetryItem[], report: Report) => void,
): void {
  describe(title, function () {
    this.timeout(90_000);
    let setup: ForwardingRelay;
    beforeEach(async () => {
      setup = await startForwardingRelay(`peer-${peer}`);
    });
    afterEach(() => setup.close());

    async function sendAndCheck(): Promise<void> {
      const report = await runPeer<Report>(peer, setup.relay, newRunId());
      assertItems(setup.store.snapshot(), report);
      const forwarded = await assertForwardedExactlyOnce(setup);
      // What the service got, read back as the panel would: the same items, each once.
      const upstream = new TelemetryStore();
      upstream.add(forwarded as unknown as Envelope[]);
      assertItems(upstream.snapshot(), report);
    }

    it('forwards every item exactly once, with the real key', async () => {
      await sendAndCheck();
      assert.ok(setup.fake.requests().every((request) => request.status === 200));
    });

    it('forwards every item exactly once when the service fails the first 3 requests with 503', async () => {
      setup.fake.failFirst(3, 503);
      await sendAndCheck();
      const statuses = setup.fake.requests().map((request) => request.status);
      assert.deepStrictEqual(statuses.slice(0, 3), [503, 503, 503]);
      assert.ok(statuses.slice(3).length > 0 && statuses.slice(3).every((status) => status === 200), JSON.stringify(statuses));
      assert.ok(setup.queue.stats().retriedItems > 0, 'the queue counted its retries');
    });
  });
}
