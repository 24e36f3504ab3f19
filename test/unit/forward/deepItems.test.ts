/**
 * Issue 12 item 4: over-deep items are refused at the door with their index, before anything is
 * acknowledged; the well-formed items of the same request are accepted (206, the Breeze answer to
 * a partly bad batch, the deep ones as non-retryable 400) and reach the store and the service.
 * Real relay, real forward queue, the fake ingestion service, over loopback.
 */
import * as assert from 'assert';
import { RelayServer } from '../../../src/core/relay';
import { TelemetryStore } from '../../../src/core/store';
import { FakeIngestion } from '../../fakes/fakeIngestion';
import { send } from '../relay/helpers';
import { envelope, LOCAL_KEY, messagesOf, openQueue, REAL_KEY, TestQueue, waitForStats } from './helpers';

const DEEP_INDICES = [1, 4, 8];

/** Ten items as JSON texts; those at DEEP_INDICES carry a 10,000-deep property value. */
function tenItems(tag: string): { texts: string[]; good: string[] } {
  const texts: string[] = [];
  const good: string[] = [];
  for (let index = 0; index < 10; index++) {
    const item = envelope(`${tag} ${index}`);
    if (DEEP_INDICES.includes(index)) {
      const text = JSON.stringify(item);
      const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
      texts.push(text.replace('"baseData":{', `"baseData":{"properties":{"deep":${deep}},`));
    } else {
      texts.push(JSON.stringify(item));
      good.push(`${tag} ${index}`);
    }
  }
  return { texts, good };
}

describe('forward: over-deep items are refused at the door (issue 12 item 4)', () => {
  let fake: FakeIngestion;
  let t: TestQueue;
  let relay: RelayServer;
  let store: TelemetryStore;
  beforeEach(async () => {
    fake = await FakeIngestion.start({ expectKey: REAL_KEY });
    t = await openQueue(fake);
    store = new TelemetryStore();
    relay = await RelayServer.start({ httpsPort: false, localKey: LOCAL_KEY, sink: t.queue, store, log: () => undefined });
  });
  afterEach(async () => {
    await relay.close();
    await t.queue.close();
    await fake.close();
  });

  for (const format of ['JSON array', 'NDJSON'] as const) {
    it(`${format}: the deep items get 400 with their index, the good ones reach the store and the service`, async () => {
      const { texts, good } = tenItems(format);
      const body = format === 'JSON array' ? `[${texts.join(',')}]` : texts.join('\n');
      const reply = await send(relay.port, {
        body,
        headers: { 'Content-Type': format === 'NDJSON' ? 'application/x-json-stream' : 'application/json' },
      });
      assert.strictEqual(reply.status, 206, reply.text);
      assert.strictEqual(reply.json.itemsReceived, 10);
      assert.strictEqual(reply.json.itemsAccepted, 7);
      assert.deepStrictEqual(
        reply.json.errors.map((error: { index: number }) => error.index),
        DEEP_INDICES,
      );
      for (const error of reply.json.errors as { statusCode: number; message: string }[]) {
        assert.strictEqual(error.statusCode, 400, 'non-retryable');
        assert.match(error.message, /deep/);
      }
      assert.deepStrictEqual(
        store
          .snapshot()
          .map((item) => item.message)
          .sort(),
        [...good].sort(),
      );
      const received = await fake.waitForItems(7);
      await waitForStats(t.queue, (stats) => stats.queuedItems === 0);
      assert.deepStrictEqual(messagesOf(received).sort(), [...good].sort());
    });
  }

  it('a request of deep items only is refused as a whole with 400, naming each index', async () => {
    const { texts } = tenItems('only');
    const body = `[${DEEP_INDICES.map((index) => texts[index]).join(',')}]`;
    const reply = await send(relay.port, { body, headers: { 'Content-Type': 'application/json' } });
    assert.strictEqual(reply.status, 400, reply.text);
    assert.deepStrictEqual(
      reply.json.errors.map((error: { index: number }) => error.index),
      [0, 1, 2],
    );
    assert.strictEqual(store.size, 0);
  });
});
