/**
 * Issue 20, host side: a store bigger than the snapshot's head goes screenful first — the newest
 * items in the `snapshot`, the older ones in `snapshotChunk`s, oldest first, each counting what is
 * still to come. Evicted items are never sent, a clear or dispose stops the chunks, and together
 * the messages carry exactly the items one all-at-once snapshot would.
 */
import * as assert from 'assert';
import type { Envelope } from '../../../src/core/envelope';
import { PanelFeed, snapshotMessage } from '../../../src/core/panel';
import { LiveSamples } from '../../../src/core/relay/liveSamples';
import { TelemetryStore } from '../../../src/core/store';
import { isHostToWebview, MAX_SNAPSHOT_CHUNK_ITEMS, type HostToWebview, type PanelItem } from '../../../src/shared/messages';

let counter = 0;
function log(message: string): Envelope {
  counter++;
  return {
    name: 'Microsoft.ApplicationInsights.Message',
    time: new Date(Date.UTC(2026, 0, 1) + counter).toISOString(),
    tags: { 'ai.cloud.role': 'api', 'ai.operation.id': `op${counter % 7}` },
    data: { baseType: 'MessageData', baseData: { message, severityLevel: 1 } },
  };
}

/** Resolves once `done()` holds, checking after each event-loop turn (the feed sends one chunk per turn). */
async function until(done: () => boolean): Promise<void> {
  for (let turn = 0; !done(); turn++) {
    if (turn > 10_000) throw new Error('never happened');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const lastChunkPosted = (posted: HostToWebview[]) => () =>
  posted.some((message) => message.type === 'snapshotChunk' && message.remaining === 0);

function seqsOf(items: readonly PanelItem[]): number[] {
  return items.map((item) => item.seq);
}

describe('panel: screenful-first snapshot (issue 20)', () => {
  it('sends the newest items first, then the older ones oldest first; together they are the whole snapshot', async () => {
    const store = new TelemetryStore({ maxLogItemsPerRole: 1000 });
    for (let index = 0; index < 25; index++) store.add([log(`item ${index}`)]);
    const posted: HostToWebview[] = [];
    const feed = new PanelFeed({ store, liveSamples: new LiveSamples() }, (message) => posted.push(message), {
      snapshotHeadItems: 10,
      snapshotChunkItems: 4,
    });
    const whole = snapshotMessage({ store, liveSamples: new LiveSamples() });
    feed.start();
    const head = posted[0]!;
    assert.ok(head.type === 'snapshot' && head.backfill, 'the first message is a snapshot owing older items');
    assert.deepStrictEqual(seqsOf(head.items), seqsOf(whole.items.slice(-10)), 'the newest 10 items');
    assert.strictEqual(head.backfill.remaining, 15);
    assert.strictEqual(posted.length, 1, 'chunks come on later turns, not inside start()');
    await until(lastChunkPosted(posted));
    const chunks = posted.slice(1).filter((message) => message.type === 'snapshotChunk');
    assert.deepStrictEqual(
      chunks.map((chunk) => [chunk.id, chunk.items.length, chunk.remaining]),
      [
        [head.backfill.id, 4, 11],
        [head.backfill.id, 4, 7],
        [head.backfill.id, 4, 3],
        [head.backfill.id, 3, 0],
      ],
    );
    assert.ok(posted.every(isHostToWebview), 'every message passes the webview validator');
    assert.deepStrictEqual(
      [...chunks.flatMap((chunk) => seqsOf(chunk.items)), ...seqsOf(head.items)],
      seqsOf(whole.items),
      'chunks oldest first, then the head: the all-at-once order',
    );
    feed.dispose();
  });

  it('a small store is one snapshot as before', () => {
    const store = new TelemetryStore();
    store.add([log('a'), log('b')]);
    const posted: HostToWebview[] = [];
    const feed = new PanelFeed({ store, liveSamples: new LiveSamples() }, (message) => posted.push(message));
    feed.start();
    assert.strictEqual(posted.length, 1);
    assert.ok(posted[0]!.type === 'snapshot' && posted[0].backfill === undefined && posted[0].items.length === 2);
    feed.dispose();
  });

  it('never sends items the store evicted meanwhile, and stops on clear and on dispose', async () => {
    // One item per chunk and 1,995 chunks, one per event-loop turn: the 1 ms delta surely falls between.
    const store = new TelemetryStore({ maxLogItemsPerRole: 2000 });
    for (let index = 0; index < 2000; index++) store.add([log(`old ${index}`)]);
    const posted: HostToWebview[] = [];
    const feed = new PanelFeed({ store, liveSamples: new LiveSamples() }, (message) => posted.push(message), {
      intervalMs: 1,
      snapshotHeadItems: 5,
      snapshotChunkItems: 1,
    });
    feed.start();
    const firstSeq = (posted[0] as Extract<HostToWebview, { type: 'snapshot' }>).items[0]!.seq - 1995;
    // Three new items evict the three oldest, all still owed by the chunks.
    store.add([log('new 1'), log('new 2'), log('new 3')]);
    await until(() => posted.some((message) => message.type === 'delta'));
    await until(lastChunkPosted(posted));
    const sent = posted.flatMap((message) => (message.type === 'snapshotChunk' ? seqsOf(message.items) : []));
    const delta = posted.find((message) => message.type === 'delta')!;
    assert.ok(delta.type === 'delta');
    assert.deepStrictEqual(delta.evicted, [firstSeq, firstSeq + 1, firstSeq + 2]);
    const chunksAfterDelta = posted.slice(posted.indexOf(delta)).filter((message) => message.type === 'snapshotChunk');
    assert.ok(chunksAfterDelta.length > 0, 'the delta came between chunks');
    for (const chunk of chunksAfterDelta) {
      for (const seq of delta.evicted) assert.ok(!seqsOf(chunk.items).includes(seq), `evicted ${seq} not sent after the delta`);
    }
    assert.ok(sent.length >= 1992 && sent.length <= 1995, `${sent.length} older items sent`);
    feed.dispose();

    // A clear stops the chunks: the webview clears too, and nothing old comes after.
    const clearing: HostToWebview[] = [];
    const second = new PanelFeed({ store, liveSamples: new LiveSamples() }, (message) => clearing.push(message), {
      intervalMs: 1,
      snapshotHeadItems: 5,
      snapshotChunkItems: 1,
    });
    second.start();
    store.clear();
    await until(() => clearing.some((message) => message.type === 'delta' && message.cleared === true));
    const clearedAt = clearing.findIndex((message) => message.type === 'delta' && message.cleared === true);
    const chunkCount = clearing.filter((message) => message.type === 'snapshotChunk').length;
    await new Promise((resolve) => setTimeout(resolve, 5)); // a few more event-loop turns: none may bring a chunk
    assert.strictEqual(clearing.filter((message) => message.type === 'snapshotChunk').length, chunkCount);
    assert.ok(clearing.slice(clearedAt).every((message) => message.type !== 'snapshotChunk'));
    second.dispose();

    // Disposed before the first chunk: none is sent.
    for (let index = 0; index < 20; index++) store.add([log(`again ${index}`)]);
    const disposed: HostToWebview[] = [];
    const third = new PanelFeed({ store, liveSamples: new LiveSamples() }, (message) => disposed.push(message), {
      snapshotHeadItems: 5,
      snapshotChunkItems: 1,
    });
    third.start();
    third.dispose();
    await new Promise((resolve) => setTimeout(resolve, 5)); // event-loop turns in which a chunk would have come
    assert.deepStrictEqual(
      disposed.map((message) => message.type),
      ['snapshot'],
    );
  });

  it('the webview validator bounds a chunk', () => {
    const items = Array.from({ length: MAX_SNAPSHOT_CHUNK_ITEMS + 1 }, (_, index) => ({ seq: index, table: 'traces', time: 1 }));
    assert.strictEqual(isHostToWebview({ type: 'snapshotChunk', id: 1, items, remaining: 0 }), false);
    assert.strictEqual(isHostToWebview({ type: 'snapshotChunk', id: 1, items: items.slice(1), remaining: 0 }), true);
    assert.strictEqual(isHostToWebview({ type: 'snapshotChunk', id: 1, items: [], remaining: -1 }), false);
    assert.strictEqual(isHostToWebview({ type: 'snapshotChunk', id: '1', items: [], remaining: 0 }), false);
    assert.strictEqual(
      isHostToWebview({ type: 'snapshot', items: [], live: [], forwarding: {}, backfill: { id: 1, remaining: 1e12 } }),
      false,
      'an absurd remaining count',
    );
  });
});
