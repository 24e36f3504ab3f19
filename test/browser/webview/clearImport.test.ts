/**
 * Clear, then Import (issue 13 item 8): the host sends a `cleared` delta, then the imported items
 * with new seqs. The detail pane must show the transaction that is there, never "no longer in the
 * buffer" above its waterfall.
 */
import * as assert from 'assert';
import type { PanelItem } from '../../../src/shared/messages';
import { eventually } from '../../harness/eventually';
import { delta, FAILED_OPERATION, OK_OPERATION, realisticItems, snapshot } from './fixtures';
import { PanelPage, usePanelPages } from './panelPage';

const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();
const NO_LONGER = 'This transaction is no longer in the buffer.';

/** The same telemetry as the store gives it back after an import: new seqs, same operations. */
function imported(items: readonly PanelItem[], seqOffset: number): PanelItem[] {
  return items.map((item) => ({ ...item, seq: item.seq + seqOffset }));
}

describe('Webview panel: Clear, then Import', function () {
  this.timeout(60_000);
  const items = realisticItems();
  const pages = usePanelPages({ prepare: (panel) => panel.send(snapshot(items)) });
  let panel: PanelPage;
  beforeEach(() => {
    panel = pages.panel;
  });

  const detailText = async (): Promise<string> => squash(await panel.view('transactions').locator('.detail').innerText());
  const selectFailed = async (): Promise<void> => {
    await panel.view('transactions').locator(`.operations-list .vlist-row[data-key="${FAILED_OPERATION}"]`).click();
    await eventually(async () =>
      assert.match(squash(await panel.view('transactions').locator('.transaction-title').innerText()), /POST \/orders/),
    );
  };

  it('after Clear nothing is selected; the import\'s newest transaction is shown, without the "no longer" placeholder', async () => {
    await selectFailed();
    await panel.send(delta([], [], { cleared: true }));
    await eventually(async () => assert.strictEqual(await detailText(), 'Select a transaction to see its waterfall, logs and exceptions.'));
    await eventually(async () =>
      assert.strictEqual((await panel.savedState())?.selectedOperationId, undefined, 'the cleared selection is not restored later'),
    );

    await panel.send(delta(imported(items, 1000)));
    const view = panel.view('transactions');
    await view.locator('.waterfall-list .vlist-row').first().waitFor();
    const text = await detailText();
    assert.ok(!text.includes(NO_LONGER), text);
    assert.strictEqual(await view.locator('.detail .placeholder').count(), 0, 'no placeholder above the waterfall');
    assert.strictEqual(await view.locator('.operations-list .vlist-row.selected').count(), 1, 'the shown transaction is the selected row');
    await panel.screenshot('clear-then-import');
  });

  it('a transaction selected before Clear and imported again (Clear made on another tab) shows its header, not the placeholder', async () => {
    await selectFailed();
    // Cleared while another view is shown: the Transactions view learns of it only when shown again.
    await panel.showView('logs');
    await panel.send(delta([], [], { cleared: true }));
    await panel.send(delta(imported(items, 1000)));
    await panel.showView('transactions');
    const view = panel.view('transactions');
    await view.locator('.waterfall-list .vlist-row').first().waitFor();
    await eventually(async () => {
      const text = await detailText();
      assert.ok(!text.includes(NO_LONGER), text);
      assert.match(text, /POST \/orders/);
    });
    assert.strictEqual(await view.locator('.detail .placeholder').count(), 0);
  });

  it('says "no longer in the buffer" when the selected transaction left it, and shows it again when it is imported back', async () => {
    await selectFailed();
    const failedItems = items.filter((item) => item.operationId === FAILED_OPERATION);
    await panel.send(
      delta(
        [],
        failedItems.map((item) => item.seq),
      ),
    );
    await eventually(async () => assert.strictEqual(await detailText(), NO_LONGER));
    assert.ok(
      items.some((item) => item.operationId === OK_OPERATION),
      'another transaction is still there',
    );

    // The same items again (an import of a file exported earlier): same operation id, same number
    // of items, so the same version as before — the header must still be redrawn.
    await panel.send(delta(imported(failedItems, 1000)));
    const view = panel.view('transactions');
    await view.locator('.waterfall-list .vlist-row').first().waitFor();
    await eventually(async () => {
      const text = await detailText();
      assert.ok(!text.includes(NO_LONGER), text);
      assert.match(text, /POST \/orders/);
    });
    assert.strictEqual(await view.locator('.detail .placeholder').count(), 0, 'no placeholder above the waterfall');
  });
});
