/**
 * Issue 19: every forwarded item carries its delivery state in the store — queued, sent with the
 * service's answer, dropped with the reason — fed by the forward queue's per-item outcomes. The
 * real relay takes the app's requests, the real queue forwards to the fake ingestion service,
 * which answers 206 / 400 / 429 per item or per request.
 */
import * as assert from 'assert';
import { RelayServer } from '../../../src/core/relay';
import { TelemetryStore } from '../../../src/core/store';
import type { TelemetryItem } from '../../../src/core/store';
import { deltaMessage } from '../../../src/core/panel/panelFeed';
import type { StoreChange } from '../../../src/core/store/changeFeed';
import { FakeIngestion } from '../../fakes/fakeIngestion';
import { send } from '../relay/helpers';
import { delay, envelopes, LOCAL_KEY, openQueue, REAL_KEY, TestQueue, waitForStats } from './helpers';

describe('forward: delivery state per item in the store (issue 19)', function () {
  this.timeout(20_000);
  let fake: FakeIngestion;
  let t: TestQueue;
  let store: TelemetryStore;
  let relay: RelayServer | undefined;

  beforeEach(async () => {
    fake = await FakeIngestion.start({ expectKey: REAL_KEY });
    store = new TelemetryStore();
  });
  afterEach(async () => {
    await relay?.close();
    relay = undefined;
    await t?.queue.close();
    store.dispose();
    await fake.close();
  });

  async function startRelay(connected = true): Promise<void> {
    t = await openQueue(connected ? fake : undefined);
    relay = await RelayServer.start({ httpsPort: false, localKey: LOCAL_KEY, sink: t.queue, store, log: () => undefined });
  }

  async function post(items: unknown[]): Promise<void> {
    const reply = await send(relay!.port, { body: JSON.stringify(items), headers: { 'Content-Type': 'application/json' } });
    assert.strictEqual(reply.status, 200, reply.text);
  }

  function byMessage(): Map<string, TelemetryItem> {
    return new Map(store.snapshot().map((item) => [String(item.message), item]));
  }

  /** Waits until no item is waiting for an answer and the store applied the last outcomes. */
  async function settled(): Promise<void> {
    await waitForStats(t.queue, (stats) => stats.queuedItems === 0, 10_000);
    const deadline = Date.now() + 5000;
    while (store.awaitingDelivery > 0) {
      if (Date.now() > deadline) throw new Error(`${store.awaitingDelivery} items never got an outcome`);
      await delay(10);
    }
  }

  it('a 206 marks the refused items dropped with their status and message, the others sent, the retried ones sent later', async () => {
    await startRelay();
    t.queue.pause();
    fake.enqueue({
      kind: 'partial',
      codes: [200, 400, 200, 500, 200, 413],
      messages: [undefined, 'Field name is required', undefined, undefined, undefined, 'Item too large'],
    });
    await post(envelopes(6, 'item'));
    const queued = byMessage();
    assert.deepStrictEqual(
      [...queued.values()].map((item) => item.delivery?.state),
      Array(6).fill('queued'),
      'queued on disk until the service answered',
    );
    t.queue.resume();
    await settled();
    const items = byMessage();
    const state = (message: string): unknown => {
      const delivery = items.get(message)!.delivery!;
      return [delivery.state, delivery.reason, delivery.status, delivery.message];
    };
    assert.deepStrictEqual(state('item 0'), ['sent', undefined, 206, undefined]);
    assert.deepStrictEqual(state('item 1'), ['dropped', 'partial', 400, 'Field name is required']);
    assert.deepStrictEqual(state('item 2'), ['sent', undefined, 206, undefined]);
    assert.deepStrictEqual(state('item 3'), ['sent', undefined, 200, undefined], 'the 500 item was resent and accepted');
    assert.deepStrictEqual(state('item 5'), ['dropped', 'partial', 413, 'Item too large']);
    assert.strictEqual(
      items.get('item 0')!.delivery,
      items.get('item 2')!.delivery,
      'one shared value per distinct outcome, not one per item',
    );
  });

  it("a 400 for a request of one app drops its items as rejected with the service's reason; 429 keeps them queued until sent", async () => {
    await startRelay();
    fake.enqueue({ kind: 'status', status: 429, retryAfter: 0 }, { kind: 'status', status: 400, message: 'Invalid instrumentation key' });
    await post(envelopes(3, 'first'));
    await settled();
    for (const item of store.snapshot()) {
      assert.strictEqual(item.delivery?.state, 'dropped');
      assert.strictEqual(item.delivery?.reason, 'rejected');
      assert.strictEqual(item.delivery?.status, 400);
      assert.match(item.delivery?.message ?? '', /Invalid instrumentation key/);
    }
    await post(envelopes(2, 'second'));
    await settled();
    const items = byMessage();
    assert.strictEqual(items.get('second 0')!.delivery?.state, 'sent');
    assert.strictEqual(items.get('second 1')!.delivery?.status, 200);
    assert.strictEqual(items.get('first 0')!.delivery?.state, 'dropped', 'an earlier outcome is not overwritten');
  });

  it('a poison item refused alone after splitting is the only one dropped, on the right item', async () => {
    await startRelay();
    const isPoison = (item: { data?: { baseData?: Record<string, unknown> } }): boolean =>
      String(item.data?.baseData?.message).startsWith('poison');
    fake.setPlan((request) =>
      request.items.some(isPoison) ? { kind: 'status', status: 400, wholeRequest: true, message: 'Unreadable item' } : undefined,
    );
    t.queue.pause();
    await post(envelopes(4, 'good'));
    await post([...envelopes(2, 'other'), ...envelopes(1, 'poison')]);
    t.queue.resume();
    await settled();
    const dropped = store
      .snapshot()
      .filter((item) => item.delivery?.state === 'dropped')
      .map((item) => item.message);
    assert.deepStrictEqual(dropped, ['poison 0']);
    assert.ok(
      store
        .snapshot()
        .filter((item) => item.message !== 'poison 0')
        .every((item) => item.delivery?.state === 'sent'),
    );
  });

  it('items the relay took while not forwarding are local only; the change feed reports later outcomes to the panel', async () => {
    await startRelay(false);
    await post(envelopes(2, 'local'));
    assert.ok(store.snapshot().every((item) => item.delivery?.state === 'local'));
    await relay!.close();
    await t.queue.close();

    await startRelay(true);
    const changes: StoreChange[] = [];
    const subscription = store.subscribe((change) => changes.push(change), { intervalMs: 0 });
    t.queue.pause();
    await post(envelopes(2, 'forwarded'));
    // The panel got the queued items first…
    const deadline = Date.now() + 5000;
    while (!changes.some((change) => change.added.length > 0)) {
      if (Date.now() > deadline) throw new Error('no change delivered');
      await delay(5);
    }
    fake.enqueue({ kind: 'partial', codes: [400, 200], messages: ['Bad item'] });
    t.queue.resume();
    await settled();
    const lastDeadline = Date.now() + 5000;
    while (!changes.some((change) => change.updated?.length)) {
      if (Date.now() > lastDeadline) throw new Error('no update delivered');
      await delay(5);
    }
    subscription.dispose();
    const message = deltaMessage({ added: [], evicted: [], updated: changes.flatMap((change) => change.updated ?? []) }, []);
    const forwarded = store.snapshot().filter((item) => String(item.message).startsWith('forwarded'));
    assert.deepStrictEqual(
      message.deliveries?.map((update) => [update.seq, update.delivery.state]).sort(),
      [
        [forwarded[0].seq, 'dropped'],
        [forwarded[1].seq, 'sent'],
      ].sort(),
    );
  });

  it('an evicted item stops waiting for its outcome (bounded memory)', async () => {
    store = new TelemetryStore({ maxLogItemsPerRole: 3 });
    await startRelay();
    t.queue.pause();
    await post(envelopes(10, 'item'));
    assert.strictEqual(store.size, 3);
    assert.strictEqual(store.awaitingDelivery, 3, 'only the items still held wait for an outcome');
    t.queue.resume();
    await settled();
    assert.ok(store.snapshot().every((item) => item.delivery?.state === 'sent'));
  });
});
