/**
 * Issue 20, webview side and DOM-free: a screenful-first snapshot applied as the panel's frames
 * apply it (the head alone, then chunks within a time budget) ends in the same model as the
 * all-at-once snapshot — items, logs and spans in seq order, operations with their items in order,
 * metric points — also when evictions and delivery answers for not-yet-applied items arrive
 * in between, and chunks of an abandoned snapshot are ignored.
 */
import * as assert from 'assert';
import type { ItemDelivery } from '../../../src/shared/delivery';
import type { HostToWebview, PanelItem } from '../../../src/shared/messages';
import { loadWebviewModule } from './webviewModule';

type Message = HostToWebview;

interface SequenceLike {
  readonly all: readonly PanelItem[];
}
interface OperationLike {
  readonly id: string;
  readonly items: readonly PanelItem[];
  readonly firstSeq: number;
}
interface ModelLike {
  readonly itemCount: number;
  readonly logs: SequenceLike;
  readonly spans: SequenceLike;
  readonly operations: { list(): readonly OperationLike[]; get(id: string): OperationLike | undefined };
  readonly metrics: { list(): { name: string; times: number[]; values: number[] }[] };
  readonly roles: Set<string>;
  has(item: PanelItem): boolean;
  get(seq: number): PanelItem | undefined;
}
interface QueueLike {
  pushSnapshot(message: Message): void;
  pushChunk(message: Message): void;
  pushDelta(message: Message): void;
  applyTo(model: ModelLike, budgetMs?: number): number;
  readonly isEmpty: boolean;
  readonly backfillPending: number;
  readonly backfillReceived: boolean;
}

const { TelemetryModel } = loadWebviewModule<{ TelemetryModel: new () => ModelLike }>('src/webview/model/telemetryModel.ts');
const { UpdateQueue } = loadWebviewModule<{ UpdateQueue: new () => QueueLike }>('src/webview/updateQueue.ts');

const FORWARDING = {
  state: 'local-only',
  acceptedItems: 0,
  sentItems: 0,
  retryingItems: 0,
  queuedItems: 0,
  queuedBytes: 0,
  droppedItems: 0,
} as const;
const SENT: ItemDelivery = { state: 'sent', status: 200 };

/** Operations of a request, a dependency, a log and a metric point; 4 items each. */
function items(count: number): PanelItem[] {
  const result: PanelItem[] = [];
  for (let seq = 1; seq <= count; seq++) {
    const op = Math.floor((seq - 1) / 4);
    const operationId = `op${op}`;
    const time = 1_700_000_000_000 + seq * 10;
    const role = op % 2 ? 'orders' : 'checkout';
    switch (seq % 4) {
      case 1:
        result.push({ seq, table: 'requests', time, role, operationId, id: `rq${op}`, name: `GET /${op}`, duration: 5, success: true });
        break;
      case 2:
        result.push({
          seq,
          table: 'dependencies',
          time,
          role,
          operationId,
          id: `dp${op}`,
          parentId: `rq${op}`,
          name: 'SELECT',
          duration: 1,
        });
        break;
      case 3:
        result.push({ seq, table: 'traces', time, role, operationId, parentId: `rq${op}`, message: `log ${seq}`, severity: 1 });
        break;
      default:
        result.push({ seq, table: 'customMetrics', time, role, metrics: [{ name: `m${op % 3}`, value: seq }] });
    }
  }
  return result;
}

/** What a user could see of a model: every structure the views read, as plain data. */
function observable(model: ModelLike) {
  const alive = (sequence: SequenceLike) => sequence.all.filter((item) => model.has(item)).map((item) => [item.seq, item.delivery?.state]);
  return {
    itemCount: model.itemCount,
    logs: alive(model.logs),
    spans: alive(model.spans),
    operations: model.operations
      .list()
      .map((operation) => [operation.id, operation.firstSeq, operation.items.map((item) => item.seq)])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    metrics: model.metrics.list().map((series) => [series.name, series.times, series.values]),
    roles: [...model.roles].sort(),
  };
}

function split(all: PanelItem[], head: number, chunkSize: number, id = 7): Message[] {
  const older = all.slice(0, all.length - head);
  const messages: Message[] = [
    { type: 'snapshot', items: all.slice(-head), live: [], forwarding: FORWARDING, backfill: { id, remaining: older.length } },
  ];
  for (let start = 0; start < older.length; start += chunkSize) {
    messages.push({
      type: 'snapshotChunk',
      id,
      items: older.slice(start, start + chunkSize),
      remaining: Math.max(0, older.length - start - chunkSize),
    });
  }
  return messages;
}

function push(queue: QueueLike, message: Message): void {
  if (message.type === 'snapshot') queue.pushSnapshot(message);
  else if (message.type === 'snapshotChunk') queue.pushChunk(message);
  else queue.pushDelta(message);
}

describe('webview: screenful-first snapshot (issue 20)', () => {
  it('the head paints alone, the counts include what is still coming, and the chunks end in the all-at-once model', () => {
    const all = items(4000);
    const queue = new UpdateQueue();
    const model = new TelemetryModel();
    const [head, ...chunks] = split(all, 400, 1000);
    push(queue, head!);
    push(queue, chunks[0]!);
    assert.strictEqual(queue.backfillPending, 3600, 'the toolbar counts the older items before they are in');
    // A frame with a budget applies the snapshot alone, so the first screen paints at once.
    queue.applyTo(model, 12);
    assert.strictEqual(model.itemCount, 400);
    assert.deepStrictEqual(
      model.logs.all.map((item) => item.seq),
      all.filter((item) => item.table === 'traces' && item.seq > 3600).map((item) => item.seq),
    );
    assert.strictEqual(queue.isEmpty, false, 'the received chunk waits for the next frame');
    assert.strictEqual(queue.backfillReceived, false);
    // Frames go on: a zero budget still applies one chunk per frame.
    queue.applyTo(model, 0);
    assert.strictEqual(model.itemCount, 1400);
    for (const chunk of chunks.slice(1)) push(queue, chunk);
    assert.strictEqual(queue.backfillReceived, true);
    while (!queue.isEmpty) queue.applyTo(model, 0);
    assert.strictEqual(queue.backfillPending, 0);

    const reference = new TelemetryModel();
    const whole = new UpdateQueue();
    whole.pushSnapshot({ type: 'snapshot', items: all, live: [], forwarding: FORWARDING });
    whole.applyTo(reference);
    assert.deepStrictEqual(observable(model), observable(reference));
  });

  it('evictions and delivery answers for items still in unapplied chunks, and live items, end as all at once', () => {
    const all = items(4000);
    const [head, ...chunks] = split(all, 400, 1000);
    const live = items(4040).slice(4000);
    // The host evicted the 40 oldest items and added 40; an item of the last chunk was sent meanwhile.
    const evicted = all.slice(0, 40).map((item) => item.seq);
    const delivered = all[3000]!.seq;
    const messages: Message[] = [
      head!,
      chunks[0]!,
      { type: 'delta', added: live, evicted, live: [], deliveries: [{ seq: delivered, delivery: SENT }] },
      ...chunks.slice(1),
    ];
    for (const frameEvery of [1, 2, messages.length]) {
      const queue = new UpdateQueue();
      const model = new TelemetryModel();
      messages.forEach((message, index) => {
        push(queue, message);
        if ((index + 1) % frameEvery === 0) queue.applyTo(model, 0);
      });
      while (!queue.isEmpty) queue.applyTo(model, 0);

      const finalItems = [...all.slice(40), ...live].map((item) => (item.seq === delivered ? { ...item, delivery: SENT } : item));
      const reference = new TelemetryModel();
      const whole = new UpdateQueue();
      whole.pushSnapshot({ type: 'snapshot', items: finalItems, live: [], forwarding: FORWARDING });
      whole.applyTo(reference);
      assert.deepStrictEqual(observable(model), observable(reference), `a frame after every ${frameEvery} messages`);
      assert.strictEqual(model.get(delivered)?.delivery?.state, 'sent');
      assert.strictEqual(model.get(evicted[0]!), undefined, 'an evicted item never comes back');
    }
  });

  it('drops chunks of another snapshot and everything owed after a clear', () => {
    const all = items(1000);
    const [head, ...chunks] = split(all, 100, 300, 1);
    const queue = new UpdateQueue();
    const model = new TelemetryModel();
    push(queue, head!);
    push(queue, { ...chunks[0]!, id: 2 } as Message);
    queue.applyTo(model);
    assert.strictEqual(model.itemCount, 100, 'a chunk of snapshot 2 is not part of snapshot 1');
    // A newer snapshot (another run, or a reload) replaces the old one: its chunks no longer count.
    push(queue, { type: 'snapshot', items: all.slice(0, 10), live: [], forwarding: FORWARDING });
    push(queue, chunks[0]!);
    queue.applyTo(model);
    assert.strictEqual(model.itemCount, 10);
    assert.strictEqual(queue.backfillPending, 0);

    push(queue, head!);
    push(queue, { type: 'delta', added: [], evicted: [], live: [], cleared: true });
    push(queue, chunks[0]!);
    queue.applyTo(model);
    assert.strictEqual(model.itemCount, 0, 'nothing of the snapshot after a clear');
    assert.strictEqual(queue.backfillPending, 0);
  });
});
