/**
 * Issue 12 item 10, in process: the outcome of a 206 is kept next to its queue file, so a queue
 * reopened on the same storage (after a crash, or a relay whose process is gone) resends only the
 * items still owed; an outcome whose queue file is gone is deleted.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { FakeIngestion } from '../../fakes/fakeIngestion';
import { envelopes, messagesOf, openQueue, queueFiles, REAL_KEY, waitForStats } from './helpers';

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('forward: the outcome of a partial answer survives a restart', function () {
  this.timeout(20_000);

  it('a reopened queue (also one adopted from a dead relay) resends only the items still owed', async () => {
    const fake = await FakeIngestion.start({ expectKey: REAL_KEY });
    try {
      fake.enqueue({ kind: 'partial', codes: [200, 500, 200, 500, 200, 200] });
      fake.setPlan(() => ({ kind: 'status', status: 503, retryAfter: 3600 }));
      const first = await openQueue(fake);
      await first.queue.accept(envelopes(6, 'item'));
      await fake.waitForRequests(1);
      await until(() => queueFiles(first.dir).some((name) => name.endsWith('.outcome')), 'the outcome file');
      const outcome = queueFiles(first.dir).find((name) => name.endsWith('.outcome'))!;
      if (process.platform !== 'win32') assert.strictEqual(fs.statSync(path.join(first.dir, outcome)).mode & 0o777, 0o600);
      await first.queue.close();
      // As if that relay's process were gone: its folder is adopted by the next one.
      const dead = path.join(first.storageDir, 'p999999999');
      fs.renameSync(first.dir, dead);
      fs.writeFileSync(path.join(dead, '000000000000001-000000-3-deadbeef.queue.outcome'), '{}', { mode: 0o600 });

      fake.reset();
      fake.clearFaults();
      const second = await openQueue(fake, { storageDir: first.storageDir });
      try {
        const stats = await waitForStats(second.queue, (current) => current.queuedItems === 0);
        assert.deepStrictEqual(messagesOf(fake.received()), ['item 1', 'item 3']);
        assert.strictEqual(stats.sentItems, 2);
        await second.queue.flush(1000);
        assert.deepStrictEqual(queueFiles(second.dir), [], 'queue file, its outcome and the orphaned outcome are gone');
        assert.ok(second.logs.some((line) => /already answered for before a restart/.test(line.message)));
      } finally {
        await second.queue.close();
      }
    } finally {
      await fake.close();
    }
  });
});
