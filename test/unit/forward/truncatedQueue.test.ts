/**
 * Issue 12 item 3: a queue file cut short (a full disk, a crash of the machine) keeps every whole
 * segment; only the torn one is dropped. Checked at every byte offset of a three-segment file.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { DiskQueue } from '../../../src/core/forward/diskQueue';
import { QueueLedger } from '../../../src/core/forward/queueLedger';
import { decodeQueueFile, encodeQueueFile, PackedSegment } from '../../../src/core/forward/queueSegments';
import { FakeIngestion } from '../../fakes/fakeIngestion';
import { envelopes, LOCAL_KEY, messagesOf, openQueue, queueFiles, REAL_KEY, tempDir, waitForStats } from './helpers';

function segment(count: number, prefix: string): PackedSegment {
  const text = Buffer.from(JSON.stringify(envelopes(count, prefix)));
  const packed = gzipSync(text);
  return { key: LOCAL_KEY, items: count, bytes: text.length, packedBytes: packed.length, packed };
}

describe('forward: a truncated queue file', function () {
  this.timeout(120_000);

  it('decodes the whole segments before the cut, at every byte offset', () => {
    const segments = [segment(5, 'a'), segment(4, 'b'), segment(3, 'c')];
    const file = encodeQueueFile(segments);
    const headerEnd = file.indexOf(0x0a) + 1;
    const ends: number[] = [];
    let offset = headerEnd;
    for (const { packedBytes } of segments) ends.push((offset += packedBytes));
    for (let cut = 0; cut <= file.length; cut++) {
      const expected = cut < headerEnd ? undefined : ends.filter((end) => end <= cut).length;
      if (expected === undefined) {
        assert.throws(() => decodeQueueFile(file.subarray(0, cut)), `cut at ${cut}: a torn header`);
        continue;
      }
      const decoded = decodeQueueFile(file.subarray(0, cut));
      assert.strictEqual(decoded.length, expected, `cut at ${cut} of ${file.length}`);
      decoded.forEach((part, index) => assert.ok(part.packed.equals(segments[index].packed), `cut at ${cut}: segment ${index} intact`));
    }
  });

  it('the ledger sends every item of the whole segments and counts the rest as damaged, at every byte offset', async () => {
    const segments = [segment(5, 'a'), segment(4, 'b'), segment(3, 'c')];
    const file = encodeQueueFile(segments);
    const headerEnd = file.indexOf(0x0a) + 1;
    const dir = tempDir('azmon-truncated-');
    const { queue: disk } = await DiskQueue.open(dir, Date.now, () => undefined);
    let end = headerEnd;
    const wholeItems = (cut: number): number => {
      let items = 0;
      end = headerEnd;
      for (const part of segments) {
        end += part.packedBytes;
        if (end <= cut) items += part.items;
      }
      return items;
    };
    for (let cut = 0; cut <= file.length; cut++) {
      const name = `${String(Date.now()).padStart(15, '0')}-000001-12-0000abcd.queue`;
      fs.writeFileSync(path.join(dir, name), file.subarray(0, cut));
      const ledger = new QueueLedger(disk, {
        retentionMs: 3_600_000,
        maxCachedBytes: 0,
        now: Date.now,
        log: () => undefined,
        changed: () => undefined,
      });
      ledger.addBacklog({ name, createdMs: Date.now(), bytes: cut, items: 12 });
      const batch = await ledger.nextBatch(REAL_KEY, 512, 1024 * 1024);
      const expected = wholeItems(cut);
      assert.strictEqual(batch.items.length, expected, `cut at ${cut} of ${file.length}`);
      if (expected > 0) {
        const sent = JSON.parse(batch.body.toString('utf8')) as { iKey: string }[];
        assert.strictEqual(sent.length, expected);
        assert.ok(sent.every((item) => item.iKey === REAL_KEY));
      }
      assert.strictEqual(ledger.droppedItems, 12 - expected, `cut at ${cut}: the rest is counted as damaged`);
      for (const item of batch.items) ledger.settle(item, 'sent');
      await ledger.idle();
    }
  });

  it('a file of 512/512/76 items cut by 20 bytes still delivers its first 1,024 items', async () => {
    const fake = await FakeIngestion.start({ expectKey: REAL_KEY });
    try {
      const first = await openQueue(fake);
      first.queue.pause();
      const items = envelopes(1100, 'cut');
      await first.queue.accept(items);
      await first.queue.close();
      const [file] = queueFiles(first.dir);
      const full = path.join(first.dir, file);
      fs.truncateSync(full, fs.statSync(full).size - 20);
      const second = await openQueue(fake, { storageDir: first.storageDir });
      try {
        const stats = await waitForStats(second.queue, (current) => current.queuedItems === 0, 10_000);
        assert.deepStrictEqual(messagesOf(fake.received()), messagesOf(items.slice(0, 1024)));
        assert.strictEqual(stats.droppedByReason.damaged, 76);
      } finally {
        await second.queue.close();
      }
    } finally {
      await fake.close();
    }
  });
});
