/**
 * What the panel benches feed the webview: a TelemetryStore filled with N distinct items decoded
 * from the captured SDK envelopes (as memory.bench does), and the snapshot message the host-side
 * feed builds from it — the real store → panel item conversion, not hand-made panel items.
 */
import { PanelFeed, snapshotMessage } from '../src/core/panel';
import { LiveSamples } from '../src/core/relay/liveSamples';
import { TelemetryStore } from '../src/core/store';
import type { Envelope } from '../src/core/envelope';
import type { HostToWebview } from '../src/shared/messages';
import { BATCH_ITEMS, buildBatch, uniqueBatchText } from './workload';

const KEY = '5f0c1e2d-7a3b-4c8d-9e6f-0a1b2c3d4e5f';

export function filledStore(count: number): TelemetryStore {
  const template = buildBatch(KEY);
  const store = new TelemetryStore({ maxTraceItemsPerRole: count, maxLogItemsPerRole: count, maxMetricPointsPerRole: count });
  for (let batchIndex = 0; batchIndex * BATCH_ITEMS < count; batchIndex++) {
    const size = Math.min(BATCH_ITEMS, count - batchIndex * BATCH_ITEMS);
    store.add(JSON.parse(uniqueBatchText(batchIndex, template.slice(0, size))) as Envelope[]);
  }
  return store;
}

export type SnapshotMessage = Extract<HostToWebview, { type: 'snapshot' }>;

/** The snapshot a freshly loaded panel gets from a store holding `count` items. */
export function snapshotOf(count: number): SnapshotMessage {
  return snapshotMessage({ store: filledStore(count), liveSamples: new LiveSamples(), relayUrl: 'http://127.0.0.1:47031/' });
}

/**
 * What a freshly loaded panel gets from the real PanelFeed over a store holding `count` items: the
 * screenful-first snapshot and its chunks (issue 20), in the order posted, up to the last chunk.
 */
export async function feedMessagesOf(count: number): Promise<HostToWebview[]> {
  const messages: HostToWebview[] = [];
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const feed = new PanelFeed(
    { store: filledStore(count), liveSamples: new LiveSamples(), relayUrl: 'http://127.0.0.1:47031/' },
    (message) => {
      messages.push(message);
      const last = message.type === 'snapshotChunk' ? message.remaining === 0 : message.type === 'snapshot' && !message.backfill;
      if (last) finished();
    },
  );
  feed.start();
  await done;
  feed.dispose();
  return messages;
}
