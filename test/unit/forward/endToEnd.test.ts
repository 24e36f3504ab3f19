import * as assert from 'assert';
import { RelayServer } from '../../../src/core/relay';
import { TelemetryStore } from '../../../src/core/store';
import { FakeIngestion } from '../../fakes/fakeIngestion';
import { loadCaptures, send } from '../relay/helpers';
import { envelopes, LOCAL_KEY, messagesOf, openQueue, queueFiles, REAL_KEY, TestQueue, waitForStats } from './helpers';

describe('forward: relay → forward queue → fake ingestion, end to end', () => {
  let fake: FakeIngestion;
  let t: TestQueue;
  let relay: RelayServer;
  beforeEach(async () => {
    fake = await FakeIngestion.start({ expectKey: REAL_KEY });
    t = await openQueue(fake);
    relay = await RelayServer.start({
      httpsPort: false,
      localKey: LOCAL_KEY,
      sink: t.queue,
      store: new TelemetryStore(),
      log: () => undefined,
    });
  });
  afterEach(async () => {
    await relay.close();
    await t.queue.close();
    await fake.close();
  });

  async function post(items: unknown[]): Promise<void> {
    const reply = await send(relay.port, { body: JSON.stringify(items), headers: { 'Content-Type': 'application/json' } });
    assert.strictEqual(reply.status, 200, reply.text);
  }

  it('every item the app got 200 for arrives exactly once with the real key', async () => {
    await Promise.all(Array.from({ length: 6 }, (_, client) => post(envelopes(50, `client ${client}`))));
    const received = await fake.waitForItems(300);
    await waitForStats(t.queue, (stats) => stats.queuedItems === 0);
    assert.strictEqual(new Set(messagesOf(received)).size, 300);
    assert.strictEqual(received.length, 300);
    assert.ok(received.every((item) => item.iKey === REAL_KEY));
  });

  it('also when the service fails the first requests (503, reset, 429)', async () => {
    fake.enqueue(
      { kind: 'status', status: 503 },
      { kind: 'reset' },
      { kind: 'status', status: 429, retryAfter: 0 },
      { kind: 'status', status: 500 },
    );
    for (let batch = 0; batch < 5; batch++) await post(envelopes(20, `batch ${batch}`));
    const received = await fake.waitForItems(100, 10000);
    await waitForStats(t.queue, (stats) => stats.queuedItems === 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.strictEqual(fake.received().length, 100, 'no duplicates');
    assert.strictEqual(new Set(messagesOf(received)).size, 100);
    assert.ok(fake.requests().length >= 5);
    assert.deepStrictEqual(queueFiles(t.dir), []);
  });

  it('forwards every captured Python SDK request body under the real key', async () => {
    const captureKey = '3c6a1f52-8d0e-4b7a-9f21-5e4d2c1b0a99';
    await relay.close();
    relay = await RelayServer.start({
      httpsPort: false,
      localKey: captureKey,
      sink: t.queue,
      store: new TelemetryStore(),
      log: () => undefined,
    });
    const captures = loadCaptures((name) => name.startsWith('py-'));
    assert.ok(captures.length > 0);
    let expected = 0;
    for (const capture of captures) {
      const headers = { ...capture.meta.headers };
      delete headers.host;
      const reply = await send(relay.port, { path: capture.meta.path, headers, body: capture.body });
      assert.strictEqual(reply.status, 200, `${capture.name}: ${reply.text}`);
      expected += capture.meta.items;
    }
    const received = await fake.waitForItems(expected);
    assert.strictEqual(received.length, expected);
    for (const item of received) {
      assert.strictEqual(item.iKey, REAL_KEY);
      assert.ok(!String(item.name).toLowerCase().includes(captureKey.replace(/-/g, '')), `name ${item.name} carries no local key`);
    }
  });
});
