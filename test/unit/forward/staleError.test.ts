/**
 * Issue 13 item 7 end to end in plain Node: the real ForwardQueue against the fake ingestion
 * service going down, then recovering. The strip's status (toForwardingStatus) shows the error
 * while it is current, and only as "last error" history once a send succeeded or the mode changed.
 */
import * as assert from 'assert';
import { toForwardingStatus } from '../../../src/core/panel/forwardingStatus';
import { FakeIngestion } from '../../fakes/fakeIngestion';
import { connectionStringFor, envelopes, openQueue, REAL_KEY, TestQueue, waitForStats } from './helpers';

/** A fresh fake (expecting the real key) and a queue on it for one test; both closed after it, pass or fail. */
async function withQueue(test: (fake: FakeIngestion, t: TestQueue) => Promise<void>, failFirst?: number): Promise<void> {
  const fake = await FakeIngestion.start({ expectKey: REAL_KEY });
  if (failFirst !== undefined) fake.failFirst(1, failFirst);
  const t = await openQueue(fake).catch(async (error: unknown) => {
    await fake.close();
    throw error;
  });
  try {
    await test(fake, t);
  } finally {
    await t.queue.close();
    await fake.close();
  }
}

describe('forward: a stale error clears (issue 13 item 7)', () => {
  it('the service goes down then recovers: the red error goes, the last error stays with its time', () =>
    withQueue(async (fake, t) => {
      await fake.goDown(1500);
      await t.queue.accept(envelopes(3, 'during outage'));
      const failing = await waitForStats(t.queue, (stats) => stats.state === 'retrying' && stats.lastError !== undefined);
      const shown = toForwardingStatus(failing);
      assert.match(shown.lastError ?? '', /ECONNREFUSED|connect|socket/i, 'current while retrying');
      const failedAt = failing.lastErrorAt!;
      assert.ok(failedAt > 0);

      await fake.waitForItems(3, 20_000);
      const recovered = await waitForStats(t.queue, (stats) => stats.queuedItems === 0 && stats.state === 'forwarding', 20_000);
      const after = toForwardingStatus(recovered);
      assert.strictEqual(after.lastError, undefined, 'no stale error once a send succeeded');
      assert.ok(after.lastErrorSeen, 'the last error stays for the tooltip');
      assert.ok(after.lastErrorSeen.at >= failedAt);
      assert.match(after.lastErrorSeen.message, /ECONNREFUSED|connect|socket/i);
      assert.ok(
        t.logs.some((line) => /Forwarding 3 items failed/.test(line.message)),
        'and in the log',
      );
    }));

  it('an error state ends when forwarding is paused, resumed, or the connection string is cleared or set', () =>
    withQueue(async (fake, t) => {
      await t.queue.accept(envelopes(2, 'refused'));
      await waitForStats(t.queue, (stats) => stats.state === 'error');
      assert.ok(toForwardingStatus(t.queue.stats()).lastError, 'a drop is shown as an error');

      t.queue.pause();
      t.queue.resume();
      assert.strictEqual(t.queue.stats().state, 'forwarding', 'resumed: nothing is failing now');
      assert.strictEqual(toForwardingStatus(t.queue.stats()).lastError, undefined);

      fake.failFirst(1, 400);
      await t.queue.accept(envelopes(1, 'refused again'));
      await waitForStats(t.queue, (stats) => stats.state === 'error' && stats.droppedItems === 3);
      t.queue.setConnectionString(undefined);
      const cleared = toForwardingStatus(t.queue.stats());
      assert.strictEqual(cleared.state, 'local-only');
      assert.strictEqual(cleared.lastError, undefined, 'Clear Connection String leaves no red error');
      assert.match(cleared.lastErrorSeen?.message ?? '', /400/);

      t.queue.setConnectionString(connectionStringFor(fake));
      assert.strictEqual(t.queue.stats().state, 'forwarding');
      assert.strictEqual(toForwardingStatus(t.queue.stats()).lastError, undefined);
    }, 400));
});
