/**
 * Issue 19 in the panel, DOM-free: the host's later delivery answers reach items already shown
 * (and items still queued for the next frame), never resurrect evicted ones, and the Transactions
 * delivery filter and row state pick the most pressing state of a transaction.
 */
import * as assert from 'assert';
import type { ItemDelivery } from '../../../src/shared/delivery';
import type { HostToWebview, PanelItem } from '../../../src/shared/messages';
import { loadWebviewModule } from './webviewModule';

type Delta = Extract<HostToWebview, { type: 'delta' }>;

interface ModelLike {
  get(seq: number): PanelItem | undefined;
  deliveryRevision: number;
}
interface QueueLike {
  pushDelta(delta: Delta): void;
  applyTo(model: ModelLike): number;
}

const { TelemetryModel } = loadWebviewModule<{ TelemetryModel: new () => ModelLike }>('src/webview/model/telemetryModel.ts');
const { UpdateQueue } = loadWebviewModule<{ UpdateQueue: new () => QueueLike }>('src/webview/updateQueue.ts');
const summary = loadWebviewModule<{
  summaryDelivery(items: Iterable<PanelItem>): string | undefined;
  matchesDelivery(items: Iterable<PanelItem>, filter: string): boolean;
}>('src/webview/model/deliverySummary.ts');

const QUEUED: ItemDelivery = { state: 'queued' };
const SENT: ItemDelivery = { state: 'sent', status: 200 };
const DROPPED: ItemDelivery = { state: 'dropped', reason: 'partial', status: 400, message: 'Field name is required' };

function item(seq: number, delivery?: ItemDelivery): PanelItem {
  return {
    seq,
    table: 'requests',
    time: 1_700_000_000_000 + seq,
    operationId: `op${seq}`,
    id: `id${seq}`,
    name: `GET /${seq}`,
    ...(delivery ? { delivery } : {}),
  };
}

function delta(part: Partial<Delta>): Delta {
  return { type: 'delta', added: [], evicted: [], live: [], ...part };
}

describe('webview: delivery state per item (issue 19)', () => {
  it('a later answer changes the item shown, and bumps the delivery revision', () => {
    const model = new TelemetryModel();
    const queue = new UpdateQueue();
    queue.pushDelta(delta({ added: [item(1, QUEUED), item(2, QUEUED)] }));
    queue.applyTo(model);
    const revision = model.deliveryRevision;
    queue.pushDelta(delta({ deliveries: [{ seq: 2, delivery: DROPPED }] }));
    queue.applyTo(model);
    assert.deepStrictEqual(model.get(2)!.delivery, DROPPED);
    assert.deepStrictEqual(model.get(1)!.delivery, QUEUED);
    assert.ok(model.deliveryRevision > revision);
  });

  it('an answer for an item still waiting for the next frame is applied with it; one for an evicted item is forgotten', () => {
    const model = new TelemetryModel();
    const queue = new UpdateQueue();
    queue.pushDelta(delta({ added: [item(1, QUEUED)] }));
    queue.pushDelta(delta({ deliveries: [{ seq: 1, delivery: SENT }] }));
    queue.applyTo(model);
    assert.deepStrictEqual(model.get(1)!.delivery, SENT);
    queue.pushDelta(delta({ added: [item(3, QUEUED)] }));
    queue.applyTo(model);
    queue.pushDelta(delta({ deliveries: [{ seq: 3, delivery: SENT }], evicted: [3] }));
    queue.applyTo(model);
    assert.strictEqual(model.get(3), undefined);
  });

  it('refuses malformed delivery values from the host', () => {
    const model = new TelemetryModel();
    const queue = new UpdateQueue();
    queue.pushDelta(delta({ added: [item(1, QUEUED)] }));
    queue.applyTo(model);
    queue.pushDelta(
      delta({
        deliveries: [
          { seq: 1, delivery: { state: '<img src=x>' } as unknown as ItemDelivery },
          { seq: 1, delivery: { state: 'sent', status: '200' } as unknown as ItemDelivery },
        ],
      }),
    );
    queue.applyTo(model);
    assert.deepStrictEqual(model.get(1)!.delivery, QUEUED);
  });

  it('a transaction shows its most pressing state; the filter matches dropped/queued/local by any item, sent only when all were sent', () => {
    const mixed = [item(1, SENT), item(2, DROPPED), item(3, QUEUED)];
    assert.strictEqual(summary.summaryDelivery(mixed), 'dropped');
    assert.strictEqual(summary.summaryDelivery([item(1, SENT), item(2, QUEUED)]), 'queued');
    assert.strictEqual(summary.summaryDelivery([item(1, SENT), item(2)]), 'sent');
    assert.strictEqual(summary.summaryDelivery([item(1)]), undefined, 'imported items have no delivery');
    assert.ok(summary.matchesDelivery(mixed, 'dropped'));
    assert.ok(summary.matchesDelivery(mixed, 'queued'));
    assert.ok(!summary.matchesDelivery(mixed, 'sent'));
    assert.ok(!summary.matchesDelivery(mixed, 'local'));
    assert.ok(summary.matchesDelivery([item(1, SENT), item(2, SENT)], 'sent'));
    assert.ok(summary.matchesDelivery([item(1)], ''));
  });
});
