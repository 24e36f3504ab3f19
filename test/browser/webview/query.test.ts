/**
 * The Query tab in headless Chromium. The test plays the host with the real engine: each runQuery
 * the page posts is answered by src/extension/panel/panelQuery.ts over a store holding the golden
 * fixture (test/fixtures/query), exactly as the extension host answers it.
 */
import * as assert from 'assert';
import { answerQuery } from '../../../src/extension/panel/panelQuery';
import { TelemetryStore } from '../../../src/core/store';
import { eventually } from '../../harness/eventually';
import { loadQueryFixture } from '../../unit/query/goldenCases';
import { realisticItems, snapshot } from './fixtures';
import { PanelPage, usePanelPages } from './panelPage';

const store = new TelemetryStore();
store.add(loadQueryFixture());

/** Waits for the page's next runQuery and answers it with the real engine; returns the query. */
async function answerNext(panel: PanelPage, answered: Set<number>): Promise<string> {
  const message = await eventually(async () => {
    const pending = (await panel.postedOfType('runQuery')).filter((candidate) => !answered.has(candidate.id));
    assert.strictEqual(pending.length, 1, 'one query waits for its answer');
    return pending[0]!;
  });
  answered.add(message.id);
  await panel.send(answerQuery(message.id, message.query, store));
  return message.query;
}

async function typeQuery(panel: PanelPage, text: string): Promise<void> {
  const editor = panel.view('query').locator('.query-editor');
  await editor.fill(text);
  await editor.focus();
}

describe('Webview panel: Query tab', function () {
  this.timeout(90_000);
  const pages = usePanelPages({ prepare: (panel) => panel.send(snapshot(realisticItems())) });
  let panel: PanelPage;
  let answered: Set<number>;
  beforeEach(async () => {
    panel = pages.panel;
    answered = new Set();
    await panel.showView('query');
  });

  it('runs the query in the host on Ctrl+Enter and shows the rows in the grid', async () => {
    await typeQuery(panel, 'requests\n| summarize n = count(), slowest = max(duration) by name\n| order by name asc');
    await panel.page.keyboard.press('Control+Enter');
    assert.match(await answerNext(panel, answered), /^requests\n\| summarize/);
    const view = panel.view('query');
    await eventually(async () =>
      assert.deepStrictEqual(await view.locator('.list-header .query-cell').allInnerTexts(), ['name', 'n', 'slowest']),
    );
    const rows = view.locator('.query-list .vlist-row');
    await eventually(async () => assert.strictEqual(await rows.count(), 3));
    const texts = await rows.evaluateAll((elements) =>
      elements
        .sort(
          (a, b) =>
            (a as unknown as { getBoundingClientRect(): { top: number } }).getBoundingClientRect().top -
            (b as unknown as { getBoundingClientRect(): { top: number } }).getBoundingClientRect().top,
        )
        .map((element) => [...element.querySelectorAll('.query-cell')].map((cell) => cell.textContent)),
    );
    assert.deepStrictEqual(texts, [
      ['GET /health', '1', '5'],
      ['GET /users', '3', '480'],
      ['POST /orders', '2', '2300'],
    ]);
    assert.match(await view.locator('.query-status').innerText(), /^3 rows · \d+ ms$/);
  });

  it("shows a wrong query's error with the line and a caret under the column, and moves the cursor there on click", async () => {
    await typeQuery(panel, 'requests\n| where sucess == false');
    await panel.view('query').locator('vscode-button.query-run').click();
    await answerNext(panel, answered);
    const problem = panel.view('query').locator('.query-problem');
    await problem.waitFor();
    assert.match(
      await problem.locator('.query-problem-message').innerText(),
      /Unknown column "sucess"; did you mean|Unknown column "sucess" \(line 2, column 9\)/,
    );
    assert.strictEqual(await problem.locator('.query-problem-where').innerText(), '| where sucess == false\n        ^');
    await problem.locator('.query-problem-where').click();
    const caret = await panel
      .view('query')
      .locator('.query-editor')
      .evaluate((element) => (element as unknown as { selectionStart: number }).selectionStart);
    assert.strictEqual(caret, 'requests\n| where '.length);
    assert.strictEqual(await panel.view('query').locator('.query-list .vlist-row').count(), 0);
    await panel.screenshot('query-error');
  });

  it('draws render timechart with uPlot and barchart/piechart as bars', async () => {
    await typeQuery(panel, 'requests | summarize count() by bin(timestamp, 1m) | order by timestamp asc | render timechart');
    await panel.page.keyboard.press('Control+Enter');
    await answerNext(panel, answered);
    const chart = panel.view('query').locator('.query-chart');
    await chart.locator('canvas').waitFor();
    assert.deepStrictEqual(await chart.locator('.legend-item').allInnerTexts(), ['count_']);
    await panel.screenshot('query-timechart');

    await typeQuery(
      panel,
      'requests | summarize count() by cloud_RoleName | order by cloud_RoleName asc | render piechart with (title="Requests by role")',
    );
    await panel.page.keyboard.press('Control+Enter');
    await answerNext(panel, answered);
    await eventually(async () =>
      assert.deepStrictEqual(await chart.locator('.query-bar').allInnerTexts(), ['api\n5 (83%)', 'worker\n1 (17%)']),
    );
    assert.strictEqual(await chart.locator('h3').innerText(), 'Requests by role');
    assert.strictEqual(await chart.locator('canvas').count(), 0, 'the time chart is gone');
  });

  it('completes operators after "|" and columns in expressions with Tab', async () => {
    await typeQuery(panel, 'requests | wh');
    await panel.page.keyboard.press('End');
    await panel.page.keyboard.type('e');
    const suggestions = panel.view('query').locator('.query-suggestions');
    await eventually(async () =>
      assert.deepStrictEqual(await suggestions.locator('.query-suggestion').allInnerTexts(), ['operator\nwhere']),
    );
    await panel.page.keyboard.press('Tab');
    await panel.page.keyboard.type(' resultC');
    await eventually(async () =>
      assert.match((await suggestions.locator('.query-suggestion.selected').innerText()).replace(/\s+/g, ' '), /column resultCode/),
    );
    await panel.page.keyboard.press('Tab');
    assert.strictEqual(await panel.view('query').locator('.query-editor').inputValue(), 'requests | where resultCode');
    await eventually(async () => assert.strictEqual(await suggestions.isHidden(), true));
  });

  it('keeps the history and saved queries in the panel state, and offers them after a reload', async () => {
    await typeQuery(panel, 'traces | count');
    await panel.page.keyboard.press('Control+Enter');
    await answerNext(panel, answered);
    await panel.view('query').locator('vscode-button.query-save').click();
    await eventually(async () => assert.match(await panel.view('query').locator('.query-status').innerText(), /Saved "traces \| count"/));
    const state = await eventually(async () => {
      const saved = await panel.savedState();
      assert.deepStrictEqual(saved?.queryHistory, ['traces | count']);
      assert.deepStrictEqual(saved?.savedQueries, [{ name: 'traces | count', query: 'traces | count' }]);
      return saved;
    });
    const reopened = await PanelPage.open(pages.browser, pages.server, { state });
    try {
      await reopened.send(snapshot(realisticItems()));
      await reopened.showView('query');
      assert.strictEqual(await reopened.view('query').locator('.query-editor').inputValue(), 'traces | count');
      const options = await reopened.view('query').locator('vscode-single-select vscode-option').allInnerTexts();
      assert.deepStrictEqual(
        options.map((text) => text.trim()),
        ['History', 'traces | count', 'Saved queries', 'traces | count'],
      );
    } finally {
      await reopened.close();
    }
  });
});

describe('Webview panel: Query tab in Korean', function () {
  this.timeout(60_000);
  const pages = usePanelPages({ open: { locale: 'ko' }, prepare: (panel) => panel.send(snapshot(realisticItems())) });

  it('names the tab, buttons and the empty grid in Korean', async () => {
    const panel = pages.panel;
    assert.strictEqual((await panel.page.locator('vscode-tab-header[data-view="query"] .tab-title').innerText()).trim(), '쿼리');
    await panel.showView('query');
    assert.strictEqual((await panel.view('query').locator('vscode-button.query-run').innerText()).trim(), '실행');
    assert.match(await panel.view('query').locator('.vlist-empty').innerText(), /Application Insights 테이블 이름/);
  });
});
