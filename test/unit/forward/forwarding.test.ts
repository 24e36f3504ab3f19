import * as assert from 'assert';
import { FakeIngestion } from '../../fakes/fakeIngestion';
import { envelope, envelopes, LOCAL_KEY, messagesOf, openQueue, queueFiles, REAL_KEY, TestQueue, waitForStats } from './helpers';

describe('forward: sending to the ingestion service', () => {
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

  it('sends accepted items once, gzipped, to {endpoint}v2.1/track with the real key, then empties the disk', async () => {
    t = await openQueue(fake);
    await t.queue.accept(envelopes(3, 'a'));
    await t.queue.accept(envelopes(2, 'b'));
    const received = await fake.waitForItems(5);
    await waitForStats(t.queue, (stats) => stats.queuedItems === 0);
    assert.deepStrictEqual(messagesOf(received).sort(), ['a 0', 'a 1', 'a 2', 'b 0', 'b 1']);
    assert.ok(received.every((item) => item.iKey === REAL_KEY));
    const request = fake.requests()[0];
    assert.strictEqual(request.path, '/v2.1/track');
    assert.strictEqual(request.headers['content-encoding'], 'gzip');
    assert.strictEqual(request.headers['content-type'], 'application/json');
    assert.strictEqual(request.headers.authorization, undefined);
    await t.queue.flush(1000);
    await t.queue.close();
    assert.deepStrictEqual(queueFiles(t.dir), [], 'every file removed once the service accepted it');
    const stats = t.queue.stats();
    assert.strictEqual(stats.sentItems, 5);
    assert.strictEqual(stats.droppedItems, 0);
    assert.strictEqual(stats.state, 'forwarding');
    assert.strictEqual(fake.received().length, 5, 'no duplicates when nothing fails');
  });

  it('rewrites the keyed envelope name to the real key without dashes', async () => {
    t = await openQueue(fake);
    await t.queue.accept([envelope('keyed', true), envelope('plain', false)]);
    const received = await fake.waitForItems(2);
    const byMessage = new Map(received.map((item) => [String(item.data?.baseData?.message), item]));
    assert.strictEqual(byMessage.get('keyed')!.name, `Microsoft.ApplicationInsights.${REAL_KEY.replace(/-/g, '')}.Message`);
    assert.strictEqual(byMessage.get('plain')!.name, 'Microsoft.ApplicationInsights.Message');
    const body = JSON.stringify(received);
    assert.ok(!body.includes(LOCAL_KEY) && !body.includes(LOCAL_KEY.replace(/-/g, '')), 'the local key never reaches the service');
  });

  it('splits a large backlog into batches of at most 512 items', async () => {
    t = await openQueue(fake);
    t.queue.pause();
    await t.queue.accept(envelopes(1300));
    t.queue.resume();
    await fake.waitForItems(1300);
    const sizes = fake.requests().map((request) => request.items.length);
    assert.deepStrictEqual(sizes, [512, 512, 276]);
  });

  it('keeps batches under the byte limit', async () => {
    t = await openQueue(fake, { maxBatchBytes: 4000 });
    t.queue.pause();
    await t.queue.accept(envelopes(40));
    t.queue.resume();
    await fake.waitForItems(40);
    for (const request of fake.requests()) {
      assert.ok(Buffer.byteLength(JSON.stringify(request.items)) <= 4000, `batch of ${request.items.length} within 4000 bytes`);
    }
    assert.ok(fake.requests().length > 1);
  });

  it('sends a bearer token when a token provider is given', async () => {
    let calls = 0;
    t = await openQueue(fake, { getToken: async () => `token-${++calls}` });
    await t.queue.accept([envelope()]);
    await fake.waitForItems(1);
    assert.strictEqual(fake.requests()[0].headers.authorization, 'Bearer token-1');
  });
});
