/**
 * Issue 18: the host opens the panel at a place. `showQuery` (a lens in the code) selects the Query
 * tab and runs its KQL, answered here by the real engine as the extension host answers it;
 * `showTransaction` (a runtime exception's "Show in Live Telemetry") selects that transaction.
 */
import * as assert from 'assert';
import { answerQuery } from '../../../src/extension/panel/panelQuery';
import { TelemetryStore } from '../../../src/core/store';
import { eventually } from '../../harness/eventually';
import { loadQueryFixture } from '../../unit/query/goldenCases';
import { OK_OPERATION, realisticItems, snapshot } from './fixtures';
import { usePanelPages } from './panelPage';

const store = new TelemetryStore();
store.add(loadQueryFixture());

describe('Webview panel: opened by the host at a query or a transaction', function () {
  this.timeout(90_000);
  const pages = usePanelPages({ prepare: (panel) => panel.send(snapshot(realisticItems())) });

  it('showQuery selects the Query tab with the text and runs it once', async () => {
    const panel = pages.panel;
    await panel.showView('transactions');
    const query =
      'requests\n| where name in ("GET /users")\n| project timestamp, name, duration, success, operation_Id\n| order by timestamp desc';
    await panel.send({ type: 'showQuery', query });
    await panel.page.locator('vscode-tab-panel[data-view="query"]:not([hidden])').waitFor();
    const posted = await eventually(async () => {
      const runs = await panel.postedOfType('runQuery');
      assert.strictEqual(runs.length, 1, 'the query runs once, at once');
      return runs[0]!;
    });
    assert.strictEqual(posted.query, query);
    assert.strictEqual(await panel.view('query').locator('.query-editor').inputValue(), query);
    await panel.send(answerQuery(posted.id, posted.query, store));
    await eventually(async () => assert.strictEqual(await panel.view('query').locator('.query-list .vlist-row').count(), 3));
    await panel.screenshot('show-query');
  });

  it('showTransaction selects the transaction in the Transactions tab', async () => {
    const panel = pages.panel;
    await panel.showView('logs');
    await panel.send({ type: 'showTransaction', operationId: OK_OPERATION });
    await panel.page.locator('vscode-tab-panel[data-view="transactions"]:not([hidden])').waitFor();
    await eventually(async () =>
      assert.strictEqual(await panel.view('transactions').locator('.operations-list .vlist-row.selected').count(), 1),
    );
  });
});
