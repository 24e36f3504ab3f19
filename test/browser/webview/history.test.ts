/**
 * Issue 16, the panel part: the history bar over a real HistoryStore on disk. The test plays the
 * host with the host's own code (answerHistorySearch, historyRunItems, historyRunSummaries, as
 * liveTelemetryPanel.ts calls them): search as you type on the current run, all runs, a hit of an
 * earlier run showing that run "from history" at its transaction, and "Back to live".
 */
import * as assert from 'assert';
import type { Envelope } from '../../../src/core/envelope';
import type { HistoryStore } from '../../../src/core/history';
import { answerHistorySearch, currentRunIds, historyRunItems, historyRunSummaries, toPanelItems } from '../../../src/core/panel';
import { TelemetryStore } from '../../../src/core/store';
import { eventually } from '../../harness/eventually';
import { exception, message, openHistory, request, tempDir } from '../../unit/history/helpers';
import { snapshot } from './fixtures';
import { PanelPage, usePanelPages } from './panelPage';

const EARLIER_OP = 'aaaa1111bbbb2222cccc3333dddd4444';
const CURRENT_OP = 'eeee5555ffff6666aaaa7777bbbb8888';
const HOSTILE = 'payment <img src=x onerror="document.title=1"> refunded';

const earlierItems: Envelope[] = [request('POST /refund', 'http://shop.local/refund', EARLIER_OP), message(HOSTILE, {}, EARLIER_OP)];
const currentItems: Envelope[] = [
  request('POST /pay', 'http://shop.local/pay', CURRENT_OP),
  message('payment declined', { tier: 'gold' }, CURRENT_OP),
  exception('PaymentError', 'File "pay.py", line 3', CURRENT_OP),
];

let history: HistoryStore;
let earlierRun: string;
let currentRun: string;

/** The live snapshot: the current run's items, as the relay's store holds them. */
function liveSnapshot() {
  const store = new TelemetryStore();
  store.add(currentItems);
  return snapshot(toPanelItems(store.snapshot()));
}

/** Waits for the webview's next `historySearch` after `seen` of them, and answers it as the host does. */
async function answerSearch(panel: PanelPage, seen: number) {
  const request = await eventually(async () => {
    const searches = await panel.postedOfType('historySearch');
    assert.ok(searches.length > seen, 'the webview searched');
    return searches[searches.length - 1]!;
  });
  await panel.send(
    await answerHistorySearch(history, request.id, request.text, request.current ? currentRunIds(history.listRuns()) : request.runIds),
  );
  return request;
}

async function openWithHistory(panel: PanelPage): Promise<void> {
  await panel.send(liveSnapshot());
  await panel.send({ type: 'historyRuns', runs: historyRunSummaries(history.listRuns()) });
}

describe('Webview panel: telemetry history bar (issue 16)', function () {
  this.timeout(120_000);

  before(async () => {
    history = await openHistory(tempDir());
    earlierRun = history.startRun('refunds.py', 'relay', Date.UTC(2026, 11, 1, 9));
    history.append(earlierRun, earlierItems);
    await history.endRun(earlierRun);
    currentRun = history.startRun('app.py', 'relay', Date.UTC(2026, 11, 1, 10));
    history.append(currentRun, currentItems);
    await history.flush();
  });
  after(async () => history.close());

  describe('English, wide', () => {
    const pages = usePanelPages({ open: { width: 1000, height: 700 } });

    it('is hidden until the host lists runs', async () => {
      const panel = pages.panel;
      await panel.send(liveSnapshot());
      assert.strictEqual(await panel.page.locator('.history-search').isVisible(), false);
      await panel.send({ type: 'historyRuns', runs: historyRunSummaries(history.listRuns()) });
      assert.strictEqual(await panel.page.locator('.history-search').isVisible(), true);
      const options = await panel.page.locator('.history-runs vscode-option').allInnerTexts();
      assert.deepStrictEqual(
        options.map((option) => option.split(' · ')[0]),
        ['Current run', 'refunds.py', 'All runs'],
      );
      assert.match(options[1]!, /2 items/);
    });

    it('searches the current run as you type, then all runs, each hit text only, grouped by table', async () => {
      const panel = pages.panel;
      await openWithHistory(panel);
      await panel.page.locator('.history-field input').fill('payment');
      const first = await answerSearch(panel, 0);
      assert.deepStrictEqual([first.text, first.current, first.runIds], ['payment', true, undefined], 'the host picks the current run');
      const results = panel.page.locator('.history-results');
      await eventually(async () =>
        assert.deepStrictEqual(
          await results.locator('.history-group').evaluateAll((groups) => groups.map((group) => group.getAttribute('data-table'))),
          ['exceptions', 'traces'],
        ),
      );
      assert.match(await results.locator('.history-status').innerText(), /^2 matches$/);
      assert.deepStrictEqual(await results.locator('.history-hit-text').allInnerTexts(), ['PaymentError: it broke', 'payment declined']);

      await panel.page.locator('.history-runs').click();
      await panel.page.locator('.history-runs').getByRole('option', { name: 'All runs' }).click();
      const second = await answerSearch(panel, 1);
      assert.deepStrictEqual([second.runIds, second.current], [undefined, undefined], 'all runs: no run list');
      await eventually(async () => assert.match(await results.locator('.history-status').innerText(), /^3 matches$/));
      const hostile = results.locator('.history-hit', { hasText: 'refunded' });
      assert.strictEqual(await hostile.locator('.history-hit-text').innerText(), HOSTILE, 'telemetry shows as text');
      assert.strictEqual(await results.locator('img').count(), 0, 'never as markup');
      await panel.screenshot('history-search');

      // A hit the panel holds (the live run) opens its transaction at once, without leaving live.
      await results.locator('.history-hit', { hasText: 'payment declined' }).click();
      await panel.page.locator('vscode-tab-panel[data-view="transactions"]:not([hidden])').waitFor();
      await eventually(async () =>
        assert.match(await panel.view('transactions').locator('.operations-list .vlist-row.selected').innerText(), /POST \/pay/),
      );
      assert.deepStrictEqual(await panel.postedOfType('historyShowRun'), []);
    });

    it('a hit of an earlier run shows that run from history at its transaction; Back to live returns', async () => {
      const panel = pages.panel;
      await openWithHistory(panel);
      await panel.page.locator('.history-runs').click();
      await panel.page.locator('.history-runs').getByRole('option', { name: 'All runs' }).click();
      await panel.page.locator('.history-field input').fill('refunded');
      await answerSearch(panel, 0);
      await panel.page.locator('.history-hit', { hasText: 'refunded' }).click();

      const show = await eventually(async () => {
        const asked = await panel.postedOfType('historyShowRun');
        assert.strictEqual(asked.length, 1, 'the webview asked for the run');
        return asked[0]!;
      });
      assert.strictEqual(show.runId, earlierRun);
      // As the host answers: the banner first, then the run's items.
      await panel.send({ type: 'historyShowing', runId: earlierRun, name: 'refunds.py' });
      await panel.send(snapshot(await historyRunItems(history, earlierRun)));

      const banner = panel.page.locator('.history-banner');
      await banner.waitFor();
      assert.match(await banner.innerText(), /Showing run refunds\.py from history/);
      await eventually(async () => assert.strictEqual(await panel.page.locator('.stream-indicator').innerText(), 'History'));
      await panel.page.locator('vscode-tab-panel[data-view="transactions"]:not([hidden])').waitFor();
      const selected = panel.view('transactions').locator('.operations-list .vlist-row.selected');
      await eventually(async () => assert.match(await selected.innerText(), /POST \/refund/));
      assert.strictEqual(
        await panel.view('transactions').locator('.operations-list .vlist-row', { hasText: 'POST /pay' }).count(),
        0,
        'live items are not mixed in',
      );
      await panel.screenshot('history-earlier-run');

      await banner.locator('.history-back').click();
      await eventually(async () => {
        const asked = await panel.postedOfType('historyShowRun');
        assert.deepStrictEqual(asked[asked.length - 1], { type: 'historyShowRun' });
      });
      await panel.send({ type: 'historyShowing' });
      await panel.send(liveSnapshot());
      await banner.waitFor({ state: 'hidden' });
      await eventually(async () => assert.strictEqual(await panel.page.locator('.stream-indicator').innerText(), 'Live'));
      await eventually(async () =>
        assert.strictEqual(await panel.view('transactions').locator('.operations-list .vlist-row', { hasText: 'POST /pay' }).count(), 1),
      );
    });
  });

  describe('Korean, 360 px', () => {
    const pages = usePanelPages({ open: { width: 360, height: 640, locale: 'ko' } });

    it('the bar is in Korean and fits the width', async () => {
      const panel = pages.panel;
      await openWithHistory(panel);
      assert.strictEqual(await panel.page.locator('.history-field').getAttribute('placeholder'), '기록 검색');
      await panel.page.locator('.history-field input').fill('payment');
      await answerSearch(panel, 0);
      await eventually(async () => assert.match(await panel.page.locator('.history-results .history-status').innerText(), /일치 항목 2개/));
      const overflow = (await panel.page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
      assert.ok(overflow <= 0, `no horizontal scrolling (${overflow} px too wide)`);
      const more = await panel.page.locator('.toolbar .toolbar-more').boundingBox();
      assert.ok(more && more.x + more.width <= 360.5, '"More actions" stays on screen');
      await panel.screenshot('history-narrow-ko');
    });
  });
});
