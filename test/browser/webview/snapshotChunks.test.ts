/**
 * Issue 20 in the panel: a big store is sent screenful first. The real PanelFeed over a real
 * TelemetryStore posts the newest items, then the older ones in chunks; while they come, the app
 * adds new items (evicting the oldest, still owed by the chunks). The panel shows the newest
 * transactions and the full count from the first message alone, before any chunk was posted; once
 * all arrived it shows exactly what a panel given the same store all at once shows: counts, a
 * filter, and the details of a transaction that came in a later chunk; a `showTransaction` for such
 * a transaction, sent right after the first message, selects it once it is there.
 * Screenshots: test-results/webview-snapshot-chunks-*.png.
 */
import * as assert from 'assert';
import type { Envelope } from '../../../src/core/envelope';
import { PanelFeed, snapshotMessage } from '../../../src/core/panel';
import { LiveSamples } from '../../../src/core/relay/liveSamples';
import { TelemetryStore } from '../../../src/core/store';
import type { HostToWebview } from '../../../src/shared/messages';
import { eventually } from '../../harness/eventually';
import { PanelPage, usePanelPages } from './panelPage';

const OPERATIONS = 1500;
const NEW_OPERATIONS = 10;

function operationId(index: number): string {
  return `${index}`.padStart(32, 'a');
}

/** One request and one log record of operation `index`. */
function operation(index: number): Envelope[] {
  const time = new Date(Date.UTC(2026, 11, 6, 19, 0, 0, index * 10)).toISOString();
  const tags = { 'ai.operation.id': operationId(index), 'ai.cloud.role': 'orders-api' };
  return [
    {
      name: 'Microsoft.ApplicationInsights.Request',
      time,
      tags: { ...tags, 'ai.operation.name': `GET /orders/${index}` },
      data: {
        baseType: 'RequestData',
        baseData: {
          ver: 2,
          id: `${index}`.padStart(16, 'b'),
          name: `GET /orders/${index}`,
          duration: '00:00:00.020',
          success: true,
          responseCode: '200',
        },
      },
    },
    {
      name: 'Microsoft.ApplicationInsights.Message',
      time,
      tags,
      data: { baseType: 'MessageData', baseData: { ver: 2, message: `order #${index}# placed`, severityLevel: 1 } },
    },
  ];
}

/** Resolves once `done()` holds, checking after each event-loop turn (the feed posts one chunk per turn). */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setImmediate(resolve));
}

describe('Webview panel: screenful-first snapshot (issue 20)', function () {
  this.timeout(120_000);
  const pages = usePanelPages();
  let store: TelemetryStore;

  beforeEach(() => {
    // Full rings: each new operation evicts the oldest request and log.
    store = new TelemetryStore({ maxTraceItemsPerRole: OPERATIONS, maxLogItemsPerRole: OPERATIONS });
    for (let index = 0; index < OPERATIONS; index++) store.add(operation(index));
  });
  afterEach(() => store.dispose());

  /** What a user reads in a panel that has every item: counts, a filter, an older transaction's details. */
  async function observe(panel: PanelPage): Promise<Record<string, unknown>> {
    const transactions = panel.view('transactions');
    // A shown transaction scrolled the list: read the newest from the top.
    await transactions.locator('.operations-list').evaluate((list) => ((list as unknown as { scrollTop: number }).scrollTop = 0));
    const newest = `GET /orders/${OPERATIONS + NEW_OPERATIONS - 1}`;
    await eventually(async () =>
      assert.strictEqual(await transactions.locator('.operations-list .vlist-row .cell-name').first().innerText(), newest),
    );
    const seen: Record<string, unknown> = {
      toolbar: await panel.page.locator('.toolbar .item-count').innerText(),
      transactions: await transactions.locator('.filter-count').innerText(),
      firstRow: await transactions.locator('.operations-list .vlist-row .cell-name').first().innerText(),
    };
    await panel.showView('logs');
    seen.logs = await panel.view('logs').locator('.filter-count').innerText();
    const search = panel.view('logs').locator('vscode-textfield').locator('input');
    // Operation 12 came in the first chunk; operation 3 was evicted while the chunks came.
    await search.fill('#12#');
    await eventually(async () => assert.strictEqual(await panel.view('logs').locator('.logs-list .vlist-row').count(), 1));
    seen.searchOld = await panel.view('logs').locator('.logs-list .vlist-row .message-text').allInnerTexts();
    await search.fill('#3#');
    await eventually(async () => assert.strictEqual(await panel.view('logs').locator('.logs-list .vlist-row').count(), 0));
    await search.fill('');
    await panel.send({ type: 'showTransaction', operationId: operationId(20) });
    await eventually(async () => assert.strictEqual(await transactions.locator('.operations-list .vlist-row.selected').count(), 1));
    seen.details = (await transactions.locator('.transaction-header').innerText()).replace(/\s+/g, ' ');
    seen.waterfall = (await transactions.locator('.transaction-body').innerText()).replace(/\s+/g, ' ');
    return seen;
  }

  it('shows the newest transactions and the full count before the older items arrive, and ends as the all-at-once panel', async () => {
    const panel = pages.panel;
    const outbox: HostToWebview[] = [];
    const source = { store, liveSamples: new LiveSamples() };
    const feed = new PanelFeed(source, (message) => outbox.push(message), {
      intervalMs: 1,
      snapshotHeadItems: 300,
      snapshotChunkItems: 600,
    });
    try {
      feed.start();
      // The app goes on while the chunks are sent: new operations evict the oldest ones.
      for (let index = OPERATIONS; index < OPERATIONS + NEW_OPERATIONS; index++) store.add(operation(index));
      const head = outbox.shift()!;
      assert.ok(head.type === 'snapshot' && head.backfill && head.items.length === 300);

      // Only the first message: the newest transactions are there, the count says every item.
      await panel.send(head);
      const transactions = panel.view('transactions');
      await transactions.locator('.operations-list .vlist-row').first().waitFor();
      assert.strictEqual(
        await transactions.locator('.operations-list .vlist-row .cell-name').first().innerText(),
        `GET /orders/${OPERATIONS - 1}`,
        'the newest transaction first',
      );
      assert.strictEqual(await panel.page.locator('.toolbar .item-count').innerText(), '3,000 items');
      assert.strictEqual(await panel.page.locator('.stream-indicator').innerText(), 'Catching up… 2,700 queued');
      await panel.screenshot('snapshot-chunks-head');
      // "Show in Live Telemetry" right after the first message, for a transaction of a later chunk.
      await panel.send({ type: 'showTransaction', operationId: operationId(20) });

      await until(() => outbox.some((message) => message.type === 'snapshotChunk' && message.remaining === 0));
      await until(() => outbox.some((message) => message.type === 'delta' && message.added.length > 0));
      const chunks = outbox.filter((message) => message.type === 'snapshotChunk').length;
      assert.ok(chunks >= 4, `${chunks} chunks`);
      // Everything the feed posted meanwhile arrives at once, as a busy host's messages do.
      await panel.page.evaluate(
        (messages) => {
          for (const message of messages)
            (globalThis as unknown as { postMessage(data: unknown, origin: string): void }).postMessage(message, '*');
        },
        outbox.splice(0) as unknown[],
      );
      await panel.page.locator('.stream-indicator', { hasText: /^Live$/ }).waitFor();
      await eventually(async () =>
        assert.strictEqual(await transactions.locator('.operations-list .vlist-row.selected .cell-name').innerText(), 'GET /orders/20'),
      );
      await panel.screenshot('snapshot-chunks-complete');
      const chunked = await observe(panel);

      // The same store, all at once, in a second panel.
      const reference = await PanelPage.open(pages.browser, pages.server);
      try {
        await reference.send(snapshotMessage(source));
        await reference.view('transactions').locator('.operations-list .vlist-row').first().waitFor();
        const whole = await observe(reference);
        assert.deepStrictEqual(chunked, whole);
        assert.deepStrictEqual(reference.errors, []);
      } finally {
        await reference.close();
      }
      assert.strictEqual(chunked.toolbar, '3,000 items');
      assert.strictEqual(chunked.transactions, '1,500 transactions');
      assert.deepStrictEqual(chunked.searchOld, ['order #12# placed']);
      assert.match(String(chunked.details), /GET \/orders\/20\b/);
    } finally {
      feed.dispose();
    }
  });
});
