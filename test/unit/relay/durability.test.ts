import * as assert from 'assert';
import { QueueFullError } from '../../../src/core/sink';
import { deferred, delay, envelope, send, startRelay, TestRelay } from './helpers';

describe('relay: durable acknowledgement', () => {
  let t: TestRelay;
  beforeEach(async () => {
    t = await startRelay();
  });
  afterEach(async () => {
    await t.relay.close();
  });

  it('answers 200 only after sink.accept resolved, and fills the store only then', async () => {
    const gate = deferred();
    let acceptCalled = false;
    t.sink.gate = async () => {
      acceptCalled = true;
      await gate.promise;
    };
    let answered = false;
    const reply = send(t.relay.port, { body: JSON.stringify([envelope({ baseData: { message: 'durable' } })]) }).then((result) => {
      answered = true;
      return result;
    });
    while (!acceptCalled) await delay(5);
    await delay(150);
    assert.strictEqual(answered, false, 'no answer while the batch is not durable');
    assert.strictEqual(t.store.size, 0);
    gate.resolve();
    const result = await reply;
    assert.strictEqual(result.status, 200);
    assert.deepStrictEqual(result.json, { itemsReceived: 1, itemsAccepted: 1, errors: [] });
    assert.strictEqual(t.store.snapshot()[0].message, 'durable');
  });

  it('answers 503 with Retry-After when the queue is full, keeping nothing', async () => {
    t.sink.gate = () => Promise.reject(new QueueFullError(6.2));
    const reply = await send(t.relay.port, { body: JSON.stringify([envelope(), envelope()]) });
    assert.strictEqual(reply.status, 503);
    assert.strictEqual(reply.headers['retry-after'], '7');
    assert.strictEqual(reply.json.itemsReceived, 2);
    assert.strictEqual(reply.json.itemsAccepted, 0);
    assert.match(reply.json.errors[0].message, /The forward queue is full; retry after 7 s/);
    assert.strictEqual(t.store.size, 0);
    assert.strictEqual(t.relay.stats().rejected['queue-full'], 1);
    assert.strictEqual(t.relay.stats().itemsAccepted, 0);
  });

  it('answers 500 naming the error when the sink fails otherwise', async () => {
    t.sink.gate = () => Promise.reject(new Error('disk is read-only'));
    const reply = await send(t.relay.port, { body: JSON.stringify([envelope()]) });
    assert.strictEqual(reply.status, 500);
    assert.match(reply.json.errors[0].message, /could not store the telemetry: disk is read-only/);
    assert.strictEqual(t.store.size, 0);
    assert.ok(t.logs.some((line) => line.level === 'error' && line.message.includes('disk is read-only')));
    t.sink.gate = undefined;
    assert.strictEqual((await send(t.relay.port, { body: JSON.stringify([envelope()]) })).status, 200);
  });

  it('loses nothing it accepted when good and bad requests interleave', async () => {
    let flip = 0;
    // Every third good batch is slow to become durable, so answers overlap.
    t.sink.gate = () => delay(flip++ % 3 === 0 ? 30 : 0);
    const requests: Promise<{ good: boolean; ids: string[]; status: number }>[] = [];
    for (let index = 0; index < 60; index++) {
      const kind = index % 4;
      if (kind === 3) {
        const bodies = ['{oops', JSON.stringify([{ ...envelope(), time: 'never' }]), JSON.stringify([{ ...envelope(), iKey: 'x' }])];
        requests.push(
          send(t.relay.port, { body: bodies[index % bodies.length] }).then((reply) => ({ good: false, ids: [], status: reply.status })),
        );
      } else {
        const ids = Array.from({ length: 1 + (index % 5) }, (_, n) => `r${index}-${n}`);
        const body = JSON.stringify(ids.map((id) => envelope({ baseType: 'EventData', baseData: { name: id } })));
        requests.push(send(t.relay.port, { body }).then((reply) => ({ good: true, ids, status: reply.status })));
      }
    }
    const results = await Promise.all(requests);
    const goodIds = results
      .filter((r) => r.good)
      .flatMap((r) => r.ids)
      .sort();
    assert.ok(results.filter((r) => r.good).every((r) => r.status === 200));
    assert.ok(results.filter((r) => !r.good).every((r) => r.status === 400 || r.status === 403));
    assert.deepStrictEqual(t.sink.items.map((item) => (item.data?.baseData as { name: string }).name).sort(), goodIds);
    assert.deepStrictEqual(
      t.store
        .snapshot()
        .map((item) => item.name)
        .sort(),
      goodIds,
    );
    assert.strictEqual(t.relay.stats().itemsAccepted, goodIds.length);
  });

  it('close() waits for in-flight batches to be acknowledged, then refuses new ones', async () => {
    const gate = deferred();
    let acceptCalled = false;
    t.sink.gate = async () => {
      acceptCalled = true;
      await gate.promise;
    };
    const reply = send(t.relay.port, { body: JSON.stringify([envelope()]) });
    while (!acceptCalled) await delay(5);
    let closed = false;
    const closing = t.relay.close().then(() => (closed = true));
    await delay(100);
    assert.strictEqual(closed, false, 'close waits for the in-flight request');
    gate.resolve();
    assert.strictEqual((await reply).status, 200);
    await closing;
    assert.strictEqual(t.store.size, 1);
    await assert.rejects(send(t.relay.port, { body: '[]' }), /ECONNREFUSED/);
  });
});
