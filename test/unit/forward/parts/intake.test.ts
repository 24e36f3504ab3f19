/**
 * The forwarder's intake alone, with an in-memory "disk": batches packed concurrently are appended
 * in arrival order, the cap counts bytes being written, and settled() waits for every write.
 */
import * as assert from 'assert';
import { gunzipSync } from 'zlib';
import type { WrittenFile } from '../../../../src/core/forward/diskQueue';
import { Intake, IntakeOptions } from '../../../../src/core/forward/intake';
import type { PackedSegment } from '../../../../src/core/forward/queueSegments';
import { QueueFullError } from '../../../../src/core/sink';
import { envelope, envelopes, LOCAL_KEY } from '../helpers';

interface Harness {
  intake: Intake;
  appended: { segments: readonly PackedSegment[]; bytes: number }[];
  accepted: number[];
  refused: number;
  /** Resolves the oldest pending append (the "disk" finishes writing). */
  finishOne(): void;
  queued: number;
  closed: boolean;
}

function harness(maxDiskBytes: number, holdAppends = false): Harness {
  const pending: (() => void)[] = [];
  const h: Harness = {
    appended: [],
    accepted: [],
    refused: 0,
    queued: 0,
    closed: false,
    finishOne: () => pending.shift()?.(),
    intake: undefined as unknown as Intake,
  };
  const options: IntakeOptions = {
    localKey: LOCAL_KEY,
    maxBatchItems: 512,
    maxBatchBytes: 1024 * 1024,
    maxDiskBytes,
    queuedBytes: () => h.queued,
    append: (segments, bytes) => {
      h.appended.push({ segments, bytes });
      const file = { written: { bytes } as unknown as WrittenFile, first: 0 };
      return holdAppends ? new Promise((resolve) => pending.push(() => resolve(file))) : Promise.resolve(file);
    },
    written: (file) => (h.queued += (file as unknown as { bytes: number }).bytes),
    retryAfterSeconds: () => 7,
    refused: () => h.refused++,
    accepted: (items) => h.accepted.push(items),
    isClosed: () => h.closed,
  };
  h.intake = new Intake(options);
  return h;
}

function messagesIn(segment: PackedSegment): string[] {
  return (JSON.parse(gunzipSync(segment.packed).toString('utf8')) as { data: { baseData: { message: string } } }[]).map(
    (item) => item.data.baseData.message,
  );
}

describe('forward parts: intake (arrival order, disk cap)', () => {
  it('appends in arrival order although a large batch packs slower than a small one', async () => {
    const h = harness(50 * 1024 * 1024);
    const large = Array.from({ length: 400 }, (_, index) => envelope(`large ${index} ${'x'.repeat(2000)}`));
    await Promise.all([h.intake.write(large), h.intake.write(envelopes(1, 'small'))]);
    assert.deepStrictEqual(
      h.appended.map((a) => messagesIn(a.segments[0])[0]),
      ['large 0 ' + 'x'.repeat(2000), 'small 0'],
    );
    assert.deepStrictEqual(h.accepted, [400, 1]);
  });

  it('refuses with QueueFullError once the bytes on disk plus those being written pass the cap', async () => {
    const h = harness(700, true);
    const first = h.intake.write(envelopes(1, 'first'));
    // The first batch is still being written: its bytes are reserved, so the second does not fit.
    await waitUntil(() => h.appended.length === 1);
    await assert.rejects(
      h.intake.write(envelopes(1, 'second')),
      (error: unknown) => error instanceof QueueFullError && error.retryAfterSeconds === 7,
    );
    assert.strictEqual(h.refused, 1);
    h.finishOne();
    await first;
    assert.deepStrictEqual(h.accepted, [1]);
  });

  it('settled() waits for a write still on the disk; a closed intake writes nothing', async () => {
    const h = harness(50 * 1024 * 1024, true);
    const writing = h.intake.write(envelopes(2));
    let settled = false;
    const waiting = h.intake.settled().then(() => (settled = true));
    await waitUntil(() => h.appended.length === 1);
    assert.strictEqual(settled, false);
    h.finishOne();
    await Promise.all([writing, waiting]);
    assert.strictEqual(settled, true);
    h.closed = true;
    await assert.rejects(h.intake.write(envelopes(1)), /closed/);
    assert.strictEqual(h.appended.length, 1);
  });
});

async function waitUntil(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setImmediate(resolve));
}
