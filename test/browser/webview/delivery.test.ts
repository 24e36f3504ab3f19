/**
 * Issue 19 in the panel, end to end in one process: the real relay takes an app's requests, the
 * real forward queue sends them to the fake ingestion service (206 with a per-item 400, then 429),
 * and the real panel feed carries the store's delivery states to the panel in Chromium. Checks the
 * right state on the right transaction, the dropped item's reason and service message in its
 * details (as text), and the strip's counts opening Transactions filtered to those items; in Logs,
 * each log item's state as a column and the delivery filter following the host's answers.
 * Screenshots: test-results/webview-delivery-*.png.
 */
import * as assert from 'assert';
import type { Envelope } from '../../../src/core/envelope';
import { PanelFeed } from '../../../src/core/panel/panelFeed';
import { RelayServer } from '../../../src/core/relay';
import { LiveSamples } from '../../../src/core/relay/liveSamples';
import { TelemetryStore } from '../../../src/core/store';
import type { HostToWebview, PanelItem } from '../../../src/shared/messages';
import { FakeIngestion } from '../../fakes/fakeIngestion';
import { eventually } from '../../harness/eventually';
import { send } from '../../unit/relay/helpers';
import { LOCAL_KEY, openQueue, REAL_KEY, type TestQueue } from '../../unit/forward/helpers';
import { FORWARDING, snapshot } from './fixtures';
import { type PanelPage, usePanelPages } from './panelPage';

const REFUSAL = "Field 'url' on type RequestData is <b>not</b> a valid URL";

function request(name: string, index: number): Envelope {
  const operationId = `${index}`.padStart(32, 'a');
  return {
    name: 'Microsoft.ApplicationInsights.Request',
    time: new Date(Date.UTC(2026, 11, 6, 19, 0, index)).toISOString(),
    iKey: LOCAL_KEY,
    tags: { 'ai.operation.id': operationId, 'ai.operation.name': name, 'ai.cloud.role': 'orders-api' },
    data: {
      baseType: 'RequestData',
      baseData: {
        ver: 2,
        id: `${index}`.padStart(16, 'b'),
        name,
        duration: '00:00:00.120',
        success: true,
        responseCode: '200',
        url: `http://localhost/${index}`,
      },
    },
  };
}

function logRecord(message: string, index: number): Envelope {
  return {
    name: 'Microsoft.ApplicationInsights.Message',
    time: new Date(Date.UTC(2026, 11, 6, 19, 0, index)).toISOString(),
    iKey: LOCAL_KEY,
    tags: { 'ai.operation.id': `${index}`.padStart(32, 'c'), 'ai.cloud.role': 'orders-api' },
    data: { baseType: 'MessageData', baseData: { ver: 2, message, severityLevel: 1 } },
  };
}

describe('Webview panel: delivery state per item (issue 19)', function () {
  this.timeout(90_000);
  const pages = usePanelPages();
  let fake: FakeIngestion;
  let t: TestQueue;
  let store: TelemetryStore;
  let relay: RelayServer;
  let feed: PanelFeed;
  let outbox: HostToWebview[];

  beforeEach(async () => {
    fake = await FakeIngestion.start({ expectKey: REAL_KEY });
    t = await openQueue(fake);
    store = new TelemetryStore();
    relay = await RelayServer.start({ httpsPort: false, localKey: LOCAL_KEY, sink: t.queue, store, log: () => undefined });
    outbox = [];
    feed = new PanelFeed({ store, liveSamples: new LiveSamples(), forward: t.queue }, (message) => outbox.push(message), {
      intervalMs: 10,
      forwardingIntervalMs: 10,
    });
  });
  afterEach(async () => {
    feed.dispose();
    await relay.close();
    await t.queue.close();
    store.dispose();
    await fake.close();
  });

  /** Plays the host: hands the panel every message the feed posted so far, in order. */
  async function pump(panel: PanelPage): Promise<void> {
    for (const message of outbox.splice(0)) await panel.send(message);
  }

  async function post(items: Envelope[]): Promise<void> {
    const reply = await send(relay.port, { body: JSON.stringify(items), headers: { 'Content-Type': 'application/json' } });
    assert.strictEqual(reply.status, 200, reply.text);
  }

  /** The delivery state of each transaction row, by its name. */
  async function rowStates(panel: PanelPage): Promise<Record<string, string>> {
    const result: Record<string, string> = {};
    for (const row of await panel.page.locator('.operations-list .vlist-row').all()) {
      result[await row.locator('.cell-name').innerText()] = (await row.locator('.cell-delivery').getAttribute('data-delivery')) ?? '';
    }
    return result;
  }

  it('a 206 with a per-item 400 drops that item only; its reason and the service message show as text; a 429 keeps the next one waiting', async () => {
    const panel = pages.panel;
    feed.start();
    await pump(panel);
    t.queue.pause();
    await post([request('GET /orders', 1), request('POST /orders', 2), request('GET /health', 3)]);
    await eventually(async () => {
      await pump(panel);
      assert.deepStrictEqual(await rowStates(panel), { 'GET /orders': 'queued', 'POST /orders': 'queued', 'GET /health': 'queued' });
    });

    fake.enqueue({ kind: 'partial', codes: [200, 400, 200], messages: [undefined, REFUSAL] });
    t.queue.resume();
    await eventually(async () => {
      await pump(panel);
      assert.deepStrictEqual(await rowStates(panel), { 'GET /orders': 'sent', 'POST /orders': 'dropped', 'GET /health': 'sent' });
    });

    // A 429 with a long Retry-After: the item stays queued on disk (not dropped).
    fake.enqueue({ kind: 'status', status: 429, retryAfter: 3600 });
    await post([request('GET /slow', 4)]);
    await fake.waitForRequests(2);
    await eventually(async () => {
      await pump(panel);
      assert.strictEqual((await rowStates(panel))['GET /slow'], 'queued');
      assert.match(await panel.page.locator('.forwarding-strip button[data-opens="queued"]').innerText(), /Queued on disk\s+1/);
    });

    // The dropped transaction's details: the sentence, the status, the service's message as text.
    await panel.page.locator('.operations-list .vlist-row', { hasText: 'POST /orders' }).click();
    const line = panel.page.locator('.item-pane .delivery-line');
    await eventually(async () => assert.strictEqual(await line.getAttribute('data-delivery'), 'dropped'));
    assert.match(
      await line.innerText(),
      /Dropped: the service refused this item in a partial answer \(206\) \(HTTP 400\)\. It will not reach Azure Monitor\./,
    );
    const message = panel.page.locator('.item-pane .delivery-message');
    assert.match(await message.innerText(), /not<\/b> a valid URL/, 'markup in the service message stays text');
    assert.strictEqual(await panel.page.locator('.item-pane .delivery-message b').count(), 0);
    await panel.screenshot('delivery-dropped-details');

    // The strip's dropped count opens Transactions filtered to the dropped items.
    await panel.page.locator('.forwarding-strip button[data-opens="dropped"]').click();
    await eventually(async () => assert.deepStrictEqual(await rowStates(panel), { 'POST /orders': 'dropped' }));
    assert.strictEqual(await panel.page.locator('.transactions-view .filter-count').innerText(), '1 of 4');
    await panel.screenshot('delivery-filter-dropped');
    await panel.page.locator('.forwarding-strip button[data-opens="queued"]').click();
    await eventually(async () => assert.deepStrictEqual(await rowStates(panel), { 'GET /slow': 'queued' }));
    await eventually(async () => assert.strictEqual((await panel.savedState())?.transactionDelivery, 'queued'));
    await panel.screenshot('delivery-filter-queued');
  });

  it("Logs: each item's delivery as a column; the delivery filter follows the host's later answers", async () => {
    const panel = pages.panel;
    feed.start();
    await pump(panel);
    await panel.showView('logs');
    const view = panel.view('logs');
    const logStates = async (): Promise<Record<string, string>> => {
      const result: Record<string, string> = {};
      for (const row of await view.locator('.logs-list .vlist-row').all()) {
        result[await row.locator('.message-text').innerText()] = (await row.locator('.cell-delivery').getAttribute('data-delivery')) ?? '';
      }
      return result;
    };
    t.queue.pause();
    await post([logRecord('order 1 saved', 1), logRecord('order 2 refused', 2), logRecord('order 3 saved', 3)]);
    const select = view.locator('vscode-single-select[aria-label="Delivery"]');
    await select.click();
    await select.getByRole('option', { name: 'Waiting on disk', exact: true }).click();
    await eventually(async () => {
      await pump(panel);
      assert.deepStrictEqual(await logStates(), { 'order 1 saved': 'queued', 'order 2 refused': 'queued', 'order 3 saved': 'queued' });
    });
    await eventually(async () => assert.strictEqual((await panel.savedState())?.logDelivery, 'queued'));

    // The service answers: the waiting list empties without touching the filter.
    fake.enqueue({ kind: 'partial', codes: [200, 400, 200], messages: [undefined, REFUSAL] });
    t.queue.resume();
    await eventually(async () => {
      await pump(panel);
      assert.deepStrictEqual(await logStates(), {});
    });
    await select.click();
    await select.getByRole('option', { name: 'Dropped items', exact: true }).click();
    await eventually(async () => assert.deepStrictEqual(await logStates(), { 'order 2 refused': 'dropped' }));
    assert.strictEqual(await view.locator('.filter-count').innerText(), '1 of 3');
    await view.locator('.logs-list .vlist-row', { hasText: 'order 2 refused' }).click();
    await eventually(async () =>
      assert.strictEqual(await view.locator('.details-pane .delivery-line').getAttribute('data-delivery'), 'dropped'),
    );
    await panel.screenshot('delivery-logs-dropped');
    await select.click();
    await select.getByRole('option', { name: 'Any delivery', exact: true }).click();
    await eventually(async () =>
      assert.deepStrictEqual(await logStates(), { 'order 1 saved': 'sent', 'order 2 refused': 'dropped', 'order 3 saved': 'sent' }),
    );
  });
});

describe('Webview panel: delivery state in Korean (issue 19)', function () {
  this.timeout(60_000);
  const pages = usePanelPages({ open: { locale: 'ko' } });

  it('the details and the filter read in Korean', async () => {
    const panel = pages.panel;
    const dropped: PanelItem = {
      seq: 1,
      table: 'requests',
      time: Date.UTC(2026, 11, 6, 19, 0, 1),
      operationId: 'c'.repeat(32),
      id: 'd'.repeat(16),
      name: 'POST /orders',
      duration: 120,
      success: true,
      resultCode: '200',
      role: 'orders-api',
      delivery: { state: 'dropped', reason: 'partial', status: 400, message: REFUSAL },
    };
    await panel.send(snapshot([dropped], { forwarding: { ...FORWARDING, droppedItems: 1 } }));
    const line = panel.page.locator('.item-pane .delivery-line');
    await eventually(async () =>
      assert.match(await line.innerText(), /삭제됨: 서비스가 부분 응답\(206\)에서 이 항목을 거부했습니다\(HTTP 400\)/),
    );
    assert.match(
      (await panel.page.locator('.forwarding-strip button[data-opens="dropped"]').getAttribute('title')) ?? '',
      /삭제된 항목 보기/,
    );
    await panel.screenshot('delivery-dropped-details-ko');
  });
});
