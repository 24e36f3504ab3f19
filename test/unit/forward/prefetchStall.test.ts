/**
 * Found by the upstream-fault test (its relay log said "Nothing to send although 500 items are
 * counted as queued" after a redirect): while a request is in flight the forwarder prepares the
 * next one; when that prefetch found nothing (everything owed was in the request) and items are
 * owed afterwards — new ones accepted meanwhile, or the same ones released by a 307 — the empty
 * prefetch was taken as "nothing sendable" and the queue waited a whole backoff although nothing
 * had failed. Here the backoff is 10 s, so a wait of that kind cannot hide in the 5 s allowed.
 */
import * as assert from 'assert';
import { FakeIngestion } from '../../fakes/fakeIngestion';
import { envelopes, messagesOf, openQueue } from './helpers';

describe('forward: no backoff wait after an empty prefetch when nothing failed', function () {
  this.timeout(30_000);
  const fakes: FakeIngestion[] = [];
  afterEach(async () => {
    for (const fake of fakes.splice(0)) await fake.close();
  });

  it('items accepted while a request is in flight go out right after it succeeds', async () => {
    const fake = await FakeIngestion.start();
    fakes.push(fake);
    const { queue } = await openQueue(fake, { backoffBaseMs: 10_000, backoffMaxMs: 10_000 });
    fake.enqueue({ kind: 'delay', ms: 500 });
    await queue.accept(envelopes(3, 'first'));
    while (fake.requests().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await queue.accept(envelopes(3, 'second'));
    const started = Date.now();
    const received = await fake.waitForItems(6, 5000).catch(() => fake.received());
    const waited = Date.now() - started;
    await queue.close();
    assert.deepStrictEqual(
      messagesOf(received).sort(),
      [...messagesOf(envelopes(3, 'first')), ...messagesOf(envelopes(3, 'second'))].sort(),
      `after ${waited} ms`,
    );
  });

  it('items released by a 307 go to the new endpoint at once', async () => {
    const global = await FakeIngestion.start();
    const regional = await FakeIngestion.start();
    fakes.push(global, regional);
    const { queue } = await openQueue(global, { backoffBaseMs: 10_000, backoffMaxMs: 10_000 });
    global.enqueue({ kind: 'redirect', location: regional.url });
    await queue.accept(envelopes(3, 'moved'));
    const received = await regional.waitForItems(3, 5000).catch(() => regional.received());
    await queue.close();
    assert.strictEqual(received.length, 3, 'the redirected batch reached the regional endpoint within 5 s');
  });
});
