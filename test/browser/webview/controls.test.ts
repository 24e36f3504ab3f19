/**
 * What the user drives: the forwarding strip and its pause button, the stream toolbar (pause,
 * clear, export, import), notices, keyboard navigation, and the UI state kept by VS Code.
 */
import * as assert from 'assert';
import type { ForwardingStatus } from '../../../src/shared/messages';
import { delta, FORWARDING, ItemFactory, ORDERS_ROLE, realisticItems, snapshot } from './fixtures';
import { PanelPage, usePanelPages } from './panelPage';

const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

describe('Webview panel: controls', function () {
  this.timeout(60_000);
  const pages = usePanelPages();
  let panel: PanelPage;
  beforeEach(() => {
    panel = pages.panel;
  });

  const strip = () => panel.page.locator('.forwarding-strip');
  const forwardingButton = () => strip().locator('vscode-toolbar-button.strip-toggle');
  const logRows = () => panel.view('logs').locator('.logs-list .vlist-row');

  it('posts ready once, before anything else', async () => {
    assert.deepStrictEqual(await panel.posted(), [{ type: 'ready' }]);
  });

  describe('forwarding strip', () => {
    it('shows the forwarding state, counters and last error, and pauses forwarding', async () => {
      await panel.send(snapshot(realisticItems()));
      const text = squash(await strip().innerText());
      assert.match(text, /Forwarding to westeurope-5\.in\.applicationinsights\.azure\.com/);
      assert.match(text, /Accepted 1,284 Sent 1,240 Retrying 12 Queued on disk 32 \(47\.1 KB\) Dropped 0/);
      assert.match(text, /429 Too Many Requests from ingestion; retrying after 10 s/);
      await forwardingButton().click();
      assert.deepStrictEqual(await panel.postedOfType('setForwardingPaused'), [{ type: 'setForwardingPaused', paused: true }]);
    });

    it('follows forwarding updates: paused offers resume, which posts paused: false', async () => {
      await panel.send(snapshot([]));
      const paused: ForwardingStatus = { ...FORWARDING, state: 'paused', lastError: undefined };
      await panel.send({ type: 'forwarding', status: paused });
      assert.match(squash(await strip().innerText()), /Forwarding paused/);
      assert.strictEqual(squash(await forwardingButton().innerText()), 'Resume forwarding');
      assert.strictEqual(await strip().locator('.strip-error').isVisible(), false, 'no stale error');
      await forwardingButton().click();
      assert.deepStrictEqual(await panel.postedOfType('setForwardingPaused'), [{ type: 'setForwardingPaused', paused: false }]);
    });

    it('says local-only without a connection string, with no pause button', async () => {
      await panel.send(
        snapshot([], {
          forwarding: {
            state: 'local-only',
            acceptedItems: 5,
            sentItems: 0,
            retryingItems: 0,
            queuedItems: 0,
            queuedBytes: 0,
            droppedItems: 0,
          },
        }),
      );
      assert.match(squash(await strip().innerText()), /Local only — not forwarding/);
      assert.strictEqual(await forwardingButton().isVisible(), false);
    });
  });

  describe('toolbar', () => {
    it('posts clear, export and import', async () => {
      await panel.send(snapshot(realisticItems()));
      for (const label of ['Clear', 'Export', 'Import'])
        await panel.page.locator(`.toolbar vscode-toolbar-button[label="${label}"]`).click();
      const posted = (await panel.posted()).map((message) => message.type);
      assert.deepStrictEqual(posted, ['ready', 'clear', 'export', 'import']);
    });

    it('empties the views when the host reports a clear', async () => {
      await panel.send(snapshot(realisticItems()));
      await panel.send(delta([], [], { cleared: true }));
      assert.strictEqual(await panel.view('transactions').locator('.operations-list .vlist-row').count(), 0);
      assert.match(await panel.view('transactions').locator('.operations-list .vlist-empty').innerText(), /No transactions yet/);
      await panel.showView('logs');
      assert.strictEqual(await logRows().count(), 0);
      assert.match(squash(await panel.page.locator('.toolbar').innerText()), /0 items/);
    });

    it('pauses rendering, counts what arrives meanwhile, and catches up on resume', async () => {
      await panel.send(snapshot(realisticItems()));
      await panel.showView('logs');
      assert.strictEqual(await logRows().count(), 9);
      await panel.page.locator('.toolbar vscode-toolbar-button[label="Pause stream"]').click();
      const factory = new ItemFactory(Date.now(), 1000);
      const added = [1, 2, 3].map((index) =>
        factory.item({ at: index, table: 'traces', role: ORDERS_ROLE, severity: 1, message: `arrived while paused #${index}` }),
      );
      await panel.send(delta(added.slice(0, 2)));
      await panel.send(delta(added.slice(2), [added[0]!.seq]));
      assert.strictEqual(await logRows().count(), 9, 'nothing rendered while paused');
      assert.strictEqual(
        squash(await panel.page.locator('.stream-indicator').innerText()),
        'Paused · 2 new',
        'an item added and evicted while paused is not counted',
      );
      await panel.page.locator('.toolbar vscode-toolbar-button[label="Resume stream"]').click();
      await panel.settle();
      assert.strictEqual(await logRows().count(), 11);
      const messages = await logRows().locator('.message-text').allInnerTexts();
      assert.deepStrictEqual(messages.slice(0, 2), ['arrived while paused #3', 'arrived while paused #2']);
      // On a busy machine the catch-up frame can be slow, which shows "Catching up…" for a moment.
      await panel.page.locator('.stream-indicator[data-mode="live"]').waitFor({ timeout: 5000 });
      assert.strictEqual(squash(await panel.page.locator('.stream-indicator').innerText()), 'Live');
    });
  });

  it('applies deltas: new items appear on top, evicted ones disappear', async () => {
    const items = realisticItems();
    await panel.send(snapshot(items));
    await panel.showView('logs');
    const factory = new ItemFactory(Date.now(), 500);
    const newest = factory.item({ at: 0, table: 'traces', role: ORDERS_ROLE, severity: 2, message: 'disk usage at 91%' });
    const evicted = items.filter((item) => item.table === 'traces' && item.message?.startsWith('Loading')).map((item) => item.seq);
    await panel.send(delta([newest], evicted));
    const messages = await logRows().locator('.message-text').allInnerTexts();
    assert.strictEqual(messages[0], 'disk usage at 91%');
    assert.ok(!messages.includes('Loading order 1042'), 'the evicted log is gone');
    assert.strictEqual(messages.length, 9);
  });

  it('shows host notices as text', async () => {
    await panel.send({ type: 'notice', level: 'error', text: 'Import failed: line 3 is not JSON <b>bold?</b>' });
    const notice = panel.page.locator('.notice-error');
    assert.strictEqual(await notice.locator('.notice-text').innerText(), 'Import failed: line 3 is not JSON <b>bold?</b>');
    assert.strictEqual(await notice.locator('b').count(), 0);
  });

  it('is keyboard reachable: tabs with arrow keys and Enter, list rows with arrow keys', async () => {
    await panel.send(snapshot(realisticItems()));
    await panel.page.locator('vscode-tab-header[data-view="transactions"]').focus();
    // Transactions → Performance → Failures → Logs.
    for (let step = 0; step < 3; step++) await panel.page.keyboard.press('ArrowRight');
    await panel.page.keyboard.press('Enter');
    await panel.page.locator('vscode-tab-panel[data-view="logs"]:not([hidden])').waitFor();
    await panel.settle();
    await logRows().first().waitFor();
    await panel.view('logs').locator('.logs-list').focus();
    await panel.page.keyboard.press('ArrowDown');
    await panel.page.keyboard.press('ArrowDown');
    await panel.settle();
    assert.strictEqual(
      await panel.view('logs').locator('.logs-list .vlist-row.selected .message-text').innerText(),
      'Database connection pool exhausted (20/20 in use)',
    );
    assert.match(await panel.view('logs').locator('.details-pane .details-title').innerText(), /Database connection pool exhausted/);
    await panel.page.keyboard.press('Escape');
    assert.strictEqual(await panel.view('logs').locator('.details-pane').isVisible(), false);
  });

  it('adds the codicon stylesheet next to the bundle when the host page lacks it', async () => {
    const bare = await PanelPage.open(pages.browser, pages.server, { codiconLink: false });
    try {
      const href = await bare.page.locator('link#vscode-codicon-stylesheet').getAttribute('href');
      assert.strictEqual(href, `${pages.server.origin}/dist/webview/codicon.css`);
      // The icon font is declared by that stylesheet and loaded for the tab icons.
      await bare.page.waitForFunction(() =>
        [...(globalThis as unknown as { document: { fonts: Iterable<{ family: string; status: string }> } }).document.fonts].some(
          (face) => face.family.replace(/"/g, '') === 'codicon' && face.status === 'loaded',
        ),
      );
      assert.deepStrictEqual(await bare.cspViolations(), []);
    } finally {
      await bare.close();
    }
  });

  it('restores the tab and filters from the saved webview state', async () => {
    const restored = await PanelPage.open(pages.browser, pages.server, { state: { view: 'logs', minSeverity: 2, logSearch: 'pool' } });
    try {
      await restored.send(snapshot(realisticItems()));
      assert.strictEqual(await restored.view('logs').isVisible(), true);
      const rows = restored.view('logs').locator('.logs-list .vlist-row .message-text');
      assert.deepStrictEqual(await rows.allInnerTexts(), ['Database connection pool exhausted (20/20 in use)']);
      assert.strictEqual(
        await restored
          .view('logs')
          .locator('vscode-textfield')
          .evaluate((field) => (field as unknown as { value: string }).value),
        'pool',
      );
    } finally {
      await restored.close();
    }
  });
});
