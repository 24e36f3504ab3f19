/**
 * Issue 12 item 5: batches of several apps go out merged into one request; when the service
 * refuses such a request as a whole (400), the forwarder splits it and resends the halves until the
 * refused items stand alone. Only those are dropped, with the service's reason logged and counted.
 */
import * as assert from 'assert';
import type { Envelope } from '../../../src/core/envelope';
import { FakeEnvelope, FakeIngestion } from '../../fakes/fakeIngestion';
import { envelope, envelopes, messagesOf, openQueue, REAL_KEY, TestQueue, waitForStats } from './helpers';

const isPoison = (item: FakeEnvelope): boolean => String(item.data?.baseData?.message).startsWith('poison');

function app(name: string, count: number, poisonAt: readonly number[] = []): Envelope[] {
  return Array.from({ length: count }, (_, index) => envelope(poisonAt.includes(index) ? `poison ${name} ${index}` : `${name} ${index}`));
}

describe("forward: one app's poison item does not take other items with it", function () {
  this.timeout(20_000);
  let fake: FakeIngestion;
  let t: TestQueue | undefined;
  beforeEach(async () => {
    fake = await FakeIngestion.start({ expectKey: REAL_KEY });
  });
  afterEach(async () => {
    await t?.queue.close();
    t = undefined;
    await fake.close();
  });

  it('a request refused as a whole is split until the poison items stand alone; only they are dropped, with the reason', async () => {
    fake.setPlan((request) =>
      request.items.some(isPoison)
        ? { kind: 'status', status: 400, wholeRequest: true, message: 'Invalid telemetry item: field baseData.x is not valid' }
        : undefined,
    );
    t = await openQueue(fake);
    t.queue.pause();
    const appA = app('app-a', 7);
    const appB = app('app-b', 9, [2, 7]);
    await t.queue.accept(appA);
    await t.queue.accept(appB);
    t.queue.resume();
    const stats = await waitForStats(t.queue, (current) => current.queuedItems === 0, 10_000);
    const good = [...appA, ...appB].map((item) => String(item.data!.baseData!.message)).filter((message) => !message.startsWith('poison'));
    assert.deepStrictEqual(messagesOf(fake.received()).sort(), good.sort(), 'every good item of both apps arrives, once');
    assert.strictEqual(stats.droppedItems, 2);
    assert.strictEqual(stats.droppedByReason.rejected, 2);
    assert.strictEqual(fake.requests()[0].items.length, 16, "the two apps' batches went out merged");
    const dropLines = t.logs.filter((line) => line.level === 'warn' && /Dropped 1 item/.test(line.message));
    assert.strictEqual(dropLines.length, 2, JSON.stringify(t.logs));
    assert.ok(
      dropLines.every((line) => /Invalid telemetry item/.test(line.message)),
      "the service's reason is logged",
    );
    assert.match(stats.lastError ?? '', /Invalid telemetry item/);
  });

  it("a 400 that lists every item is split between the apps' batches only: the other app's batch goes through", async () => {
    fake.setPlan((request) => (request.items.some(isPoison) ? { kind: 'status', status: 400, message: 'Bad item' } : undefined));
    t = await openQueue(fake);
    t.queue.pause();
    await t.queue.accept(app('clean', 4));
    await t.queue.accept(app('dirty', 3, [1]));
    t.queue.resume();
    const stats = await waitForStats(t.queue, (current) => current.queuedItems === 0, 10_000);
    assert.deepStrictEqual(messagesOf(fake.received()), ['clean 0', 'clean 1', 'clean 2', 'clean 3']);
    assert.strictEqual(stats.droppedByReason.rejected, 3, 'the service named every item of that batch: trusted as said');
  });

  it('a lone batch answered 400 for every item is dropped at once, without extra requests', async () => {
    fake.failFirst(1, 400);
    t = await openQueue(fake);
    await t.queue.accept(envelopes(5, 'lone'));
    const stats = await waitForStats(t.queue, (current) => current.droppedItems === 5);
    assert.strictEqual(fake.requests().length, 1);
    assert.strictEqual(stats.droppedByReason.rejected, 5);
  });
});
