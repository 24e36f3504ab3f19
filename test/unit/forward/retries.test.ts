import * as assert from 'assert';
import { FakeIngestion } from '../../fakes/fakeIngestion';
import { envelopes, messagesOf, openQueue, queueFiles, REAL_KEY, TestQueue, waitForStats } from './helpers';

describe('forward: retry rules against the fake service', () => {
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

  for (const status of [408, 429, 439, 500, 502, 503, 504]) {
    it(`retries after ${status} and delivers each item exactly once`, async () => {
      fake.failFirst(2, status);
      t = await openQueue(fake);
      await t.queue.accept(envelopes(4));
      await fake.waitForItems(4);
      await waitForStats(t.queue, (stats) => stats.queuedItems === 0);
      assert.deepStrictEqual(
        fake.requests().map((request) => request.status),
        [status, status, 200],
      );
      assert.deepStrictEqual(messagesOf(fake.received()), ['item 0', 'item 1', 'item 2', 'item 3']);
      const stats = t.queue.stats();
      assert.strictEqual(stats.retriedItems, 8);
      assert.strictEqual(stats.sentItems, 4);
      assert.strictEqual(stats.droppedItems, 0);
      assert.strictEqual(stats.state, 'forwarding');
    });
  }

  for (const [status, reason] of [
    [400, 'rejected'],
    [402, 'quota'],
    [404, 'not-found'],
    [401, 'unauthorized'],
    [403, 'unauthorized'],
  ] as const) {
    it(`drops a batch answered ${status} with a logged reason, and goes on with the next`, async () => {
      fake.failFirst(1, status);
      t = await openQueue(fake);
      await t.queue.accept(envelopes(3, 'lost'));
      await fake.waitForRequests(1);
      const afterDrop = await waitForStats(t.queue, (stats) => stats.droppedItems === 3);
      assert.strictEqual(afterDrop.droppedByReason[reason], 3);
      assert.strictEqual(afterDrop.state, 'error');
      assert.match(afterDrop.lastError ?? '', new RegExp(`${status}`));
      assert.ok(
        t.logs.some((line) => line.level === 'warn' && line.message.includes(`Dropped 3 items`) && line.message.includes(String(status))),
      );
      await t.queue.accept(envelopes(2, 'kept'));
      await fake.waitForItems(2);
      assert.deepStrictEqual(messagesOf(fake.received()), ['kept 0', 'kept 1']);
      assert.strictEqual(fake.requests().length, 2, 'the dropped batch is never resent');
      await waitForStats(t.queue, (stats) => stats.state === 'forwarding' && stats.queuedItems === 0);
    });
  }

  it('retries 401 and 403 when a bearer token is used', async () => {
    fake.failFirst(1, 401).failFirst(1, 403);
    t = await openQueue(fake, { getToken: async () => 'token' });
    await t.queue.accept(envelopes(2));
    await fake.waitForItems(2);
    assert.deepStrictEqual(
      fake.requests().map((request) => request.status),
      [401, 403, 200],
    );
    assert.strictEqual(t.queue.stats().droppedItems, 0);
  });

  it('honours Retry-After in seconds', async () => {
    fake.enqueue({ kind: 'status', status: 429, retryAfter: 1 });
    t = await openQueue(fake);
    await t.queue.accept(envelopes(1));
    await waitForStats(t.queue, (stats) => stats.state === 'retrying');
    assert.ok(t.queue.stats().nextAttemptAt! - Date.now() > 700, 'the next attempt is about a second away');
    await fake.waitForItems(1, 5000);
    const [first, second] = fake.requests();
    assert.ok(second.at - first.at >= 900, `waited ${second.at - first.at} ms (backoff alone would be ~20 ms)`);
  });

  it('honours Retry-After as an HTTP date, and caps it', async () => {
    fake.enqueue({ kind: 'status', status: 503, retryAfter: new Date(Date.now() + 3600_000).toUTCString() });
    t = await openQueue(fake, { maxRetryAfterMs: 400 });
    await t.queue.accept(envelopes(1));
    await fake.waitForItems(1, 5000);
    const [first, second] = fake.requests();
    const waited = second.at - first.at;
    assert.ok(waited >= 300 && waited < 2000, `waited ${waited} ms: the hour-long date was capped to 400 ms`);
  });

  it('retries a connection reset, a timeout and a service that is down', async () => {
    fake.enqueue({ kind: 'reset' }, { kind: 'delay', ms: 1500, then: { kind: 'reset' } }, { kind: 'down', ms: 300 });
    t = await openQueue(fake, { requestTimeoutMs: 300 });
    await t.queue.accept(envelopes(5));
    await fake.waitForItems(5, 10000);
    await waitForStats(t.queue, (stats) => stats.queuedItems === 0);
    assert.deepStrictEqual(messagesOf(fake.received()), ['item 0', 'item 1', 'item 2', 'item 3', 'item 4']);
    const statuses = fake.requests().map((request) => request.status);
    assert.strictEqual(statuses[0], 'reset');
    assert.ok(statuses[1] === 'pending' || statuses[1] === 'reset', 'the slow answer was given up on (still pending or reset later)');
    assert.strictEqual(statuses[2], 'down');
    assert.strictEqual(statuses[statuses.length - 1], 200);
    assert.ok(
      t.logs.some((line) => /no answer within 300 ms/.test(line.message)),
      'the timeout is named in the log',
    );
  });

  it('on 206 resends only the retryable items; sampled-out and 400 items are dropped', async () => {
    fake.enqueue({
      kind: 'partial',
      codes: [200, 500, 400, 503, 200, 429],
      messages: [undefined, undefined, 'Field time is invalid', 'Telemetry sampled out.'],
    });
    t = await openQueue(fake);
    await t.queue.accept(envelopes(6));
    await fake.waitForItems(4);
    await waitForStats(t.queue, (stats) => stats.queuedItems === 0);
    const [first, second] = fake.requests();
    assert.strictEqual(first.status, 206);
    assert.deepStrictEqual(messagesOf(second.items), ['item 1', 'item 5'], 'only the retryable items are resent');
    assert.deepStrictEqual(messagesOf(fake.received()).sort(), ['item 0', 'item 1', 'item 4', 'item 5']);
    const stats = t.queue.stats();
    assert.strictEqual(stats.droppedByReason.partial, 2);
    assert.strictEqual(stats.sentItems, 4);
    assert.strictEqual(fake.requests().length, 2);
    await t.queue.flush(1000);
    assert.deepStrictEqual(queueFiles(t.dir), []);
  });
});

describe('forward: exactly once through mixed failures', () => {
  it('delivers 3000 items once each while the service fails, resets and answers 206 in turn', async () => {
    const fake = await FakeIngestion.start({ expectKey: REAL_KEY });
    fake.setPlan((request, index) => {
      if (index % 4 === 1) return { kind: 'status', status: 503 };
      if (index % 7 === 3) return { kind: 'reset' };
      if (index % 5 === 2) return { kind: 'partial', codes: request.items.map((_, item) => (item % 3 === 0 ? 500 : 200)) };
      return undefined;
    });
    const t = await openQueue(fake, { backoffBaseMs: 5, backoffMaxMs: 20 });
    try {
      await Promise.all(
        Array.from({ length: 6 }, (_, client) =>
          (async () => {
            for (let batch = 0; batch < 5; batch++) await t.queue.accept(envelopes(100, `c${client} b${batch}`));
          })(),
        ),
      );
      await fake.waitForItems(3000, 20000);
      await waitForStats(t.queue, (stats) => stats.queuedItems === 0, 10000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const messages = messagesOf(fake.received());
      assert.strictEqual(messages.length, 3000, 'no duplicates');
      assert.strictEqual(new Set(messages).size, 3000, 'no losses');
      const statuses = new Set(fake.requests().map((request) => request.status));
      for (const status of [200, 206, 503, 'reset']) assert.ok(statuses.has(status as never), `saw ${status}`);
      assert.strictEqual(t.queue.stats().droppedItems, 0);
    } finally {
      await t.queue.close();
      await fake.close();
    }
  });
});

describe('forward: redirects', () => {
  let primary: FakeIngestion;
  let regional: FakeIngestion;
  let t: TestQueue | undefined;
  beforeEach(async () => {
    primary = await FakeIngestion.start({ expectKey: REAL_KEY });
    regional = await FakeIngestion.start({ expectKey: REAL_KEY });
  });
  afterEach(async () => {
    await t?.queue.close();
    t = undefined;
    await primary.close();
    await regional.close();
  });

  it('follows 307 to the regional endpoint and remembers it', async () => {
    primary.setPlan(() => ({ kind: 'redirect', location: regional.url }));
    t = await openQueue(primary);
    await t.queue.accept(envelopes(2, 'first'));
    await regional.waitForItems(2);
    await t.queue.accept(envelopes(2, 'second'));
    await regional.waitForItems(4);
    assert.strictEqual(primary.requests().length, 1, 'later batches go straight to the regional endpoint');
    assert.strictEqual(primary.received().length, 0);
    assert.deepStrictEqual(messagesOf(regional.received()), ['first 0', 'first 1', 'second 0', 'second 1']);
    assert.strictEqual(regional.requests()[0].path, '/v2.1/track');
    assert.strictEqual(t.queue.stats().endpoint, regional.url);
  });

  it('follows 308 with a full Location too', async () => {
    primary.enqueue({ kind: 'redirect', status: 308, location: `${regional.url}v2.1/track` });
    t = await openQueue(primary);
    await t.queue.accept(envelopes(1));
    await regional.waitForItems(1);
    assert.strictEqual(t.queue.stats().endpoint, regional.url);
  });

  it('refuses a redirect to a host outside Azure Monitor and keeps the items', async () => {
    primary.enqueue({ kind: 'redirect', location: 'https://collector.example.com/v2.1/track' });
    t = await openQueue(primary, { backoffBaseMs: 200, backoffMaxMs: 200 });
    await t.queue.accept(envelopes(2));
    const refused = await waitForStats(t.queue, (stats) => stats.state === 'error');
    assert.match(refused.lastError ?? '', /redirect refused: the redirect to collector\.example\.com leaves the Azure Monitor domains/);
    assert.strictEqual(refused.queuedItems, 2, 'nothing is lost');
    assert.strictEqual(refused.endpoint, primary.url);
    await primary.waitForItems(2, 5000);
    await waitForStats(t.queue, (stats) => stats.state === 'forwarding' && stats.queuedItems === 0);
  });

  it('gives up after 10 consecutive redirects, then retries later', async () => {
    let redirects = 0;
    primary.setPlan(() => (++redirects <= 11 ? { kind: 'redirect', location: primary.url } : undefined));
    t = await openQueue(primary, { backoffBaseMs: 200, backoffMaxMs: 200 });
    await t.queue.accept(envelopes(1));
    const stats = await waitForStats(t.queue, (current) => current.state === 'error');
    assert.match(stats.lastError ?? '', /more than 10 consecutive redirects/);
    assert.strictEqual(primary.requests().length, 11);
    await primary.waitForItems(1, 5000);
  });
});
