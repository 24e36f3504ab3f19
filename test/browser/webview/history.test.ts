/**
 * Issue 16, the panel part: the history bar over a real HistoryStore on disk. The test plays the
 * host with the host's own code (answerHistorySearch, historyRunItems, historyRunSummaries, as
 * liveTelemetryPanel.ts calls them): search as you type on the current run, all runs, a hit of an
 * earlier run showing that run "from history" at its transaction, and "Back to live".
 */
import * as assert from 'assert';
import type { Envelope } from '../../../src/core/envelope';
import type { HistoryStore } from '../../../src/core/history';
import {
  answerHistorySearch,
  currentRunIds,
  historyRunItems,
  historyRunSummaries,
  historyStatusMessage,
  toPanelItems,
} from '../../../src/core/panel';
import type { HistoryOffCause } from '../../../src/shared/messages';
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

    it('while an earlier run is shown, a hit of the run being recorded goes back to live at its transaction', async () => {
      const panel = pages.panel;
      await openWithHistory(panel);
      await panel.send({ type: 'historyShowing', runId: earlierRun, name: 'refunds.py' });
      await panel.send(snapshot(await historyRunItems(history, earlierRun)));
      await panel.page.locator('.history-banner').waitFor();
      await panel.page.locator('.history-runs').click();
      await panel.page.locator('.history-runs').getByRole('option', { name: 'All runs' }).click();
      const searched = (await panel.postedOfType('historySearch')).length;
      await panel.page.locator('.history-field input').fill('declined');
      await answerSearch(panel, searched);
      const before = (await panel.postedOfType('historyShowRun')).length;
      await panel.page.locator('.history-hit', { hasText: 'declined' }).click();
      // Back to live (no run id), not "show the recording run from history".
      await eventually(async () => {
        const asked = await panel.postedOfType('historyShowRun');
        assert.ok(asked.length > before, 'the webview asked the host');
        assert.deepStrictEqual(asked[asked.length - 1], { type: 'historyShowRun' });
      });
      await panel.send({ type: 'historyShowing' });
      await panel.send(liveSnapshot());
      await panel.page.locator('.history-banner').waitFor({ state: 'hidden' });
      const selected = panel.view('transactions').locator('.operations-list .vlist-row.selected');
      await eventually(async () => assert.match(await selected.innerText(), /POST \/pay/));
      // The selector names what is searched: all runs, as chosen (never blank).
      assert.strictEqual(
        await panel.page.locator('.history-runs').evaluate((select) => (select as unknown as { value: string }).value),
        'all',
      );
    });
  });

  describe('history off, said in the bar; pin', () => {
    const pages = usePanelPages({ open: { width: 1000, height: 700 } });

    const reasons: [HistoryOffCause, string, 'setting' | 'log'][] = [
      ['disabled', 'the setting turns it off', 'setting'],
      ['unavailable', 'it could not be opened', 'log'],
      ['diskFull', 'the disk is full', 'log'],
      ['readOnly', 'its folder cannot be written', 'log'],
      ['sizeLimit', 'it reached its size limit', 'setting'],
      ['fallingBehind', 'writing it could not keep up with the incoming telemetry', 'log'],
      ['error', 'a write failed', 'log'],
    ];

    it('each reason reaches the bar as one notice with the setting or the log one click away', async () => {
      const panel = pages.panel;
      await panel.send(liveSnapshot());
      // The setting off: no runs are ever listed, only the notice shows (no search box).
      const notice = panel.page.locator('.history-off');
      for (const [reason, words, target] of reasons) {
        await panel.send({ type: 'historyStatus', state: 'off', reason });
        await notice.waitFor();
        assert.strictEqual(
          await notice.locator('.history-off-text').innerText(),
          `Telemetry history is off: ${words}. Live telemetry and forwarding carry on.`,
        );
        const button = notice.locator('.history-off-action');
        assert.strictEqual((await button.innerText()).trim(), target === 'setting' ? 'Open Setting' : 'Show Log');
        const before = (await panel.postedOfType('historyHelp')).length;
        await button.click();
        await eventually(async () => {
          const asked = await panel.postedOfType('historyHelp');
          assert.strictEqual(asked.length, before + 1, `the ${reason} button asked the host`);
          assert.deepStrictEqual(asked[asked.length - 1], { type: 'historyHelp', target });
        });
        if (reason === 'disabled') {
          assert.strictEqual(await panel.page.locator('.history-bar').isVisible(), false, 'no runs: no search box');
          await panel.screenshot('history-off-setting');
        }
      }
      await panel.send({ type: 'historyRuns', runs: historyRunSummaries(history.listRuns()) });
      await panel.page.locator('.history-bar').waitFor();
      assert.strictEqual(await notice.isVisible(), true, 'earlier runs stay searchable while recording is off');
      await panel.screenshot('history-off-with-runs');
      await panel.send(historyStatusMessage(history.status(), true));
      await notice.waitFor({ state: 'hidden' });
    });

    it('pins and unpins the selected run; the run list shows the pin', async () => {
      const panel = pages.panel;
      await openWithHistory(panel);
      const pin = panel.page.locator('.history-pin');
      await panel.page.locator('.history-runs').click();
      await panel.page
        .locator('.history-runs')
        .getByRole('option', { name: /^refunds\.py/ })
        .click();
      await panel.send({ type: 'historyShowing', runId: earlierRun, name: 'refunds.py' });
      await eventually(async () => assert.strictEqual((await pin.innerText()).trim(), 'Pin run'));
      assert.strictEqual(await pin.getAttribute('aria-pressed'), 'false');
      try {
        for (const pinned of [true, false]) {
          const before = (await panel.postedOfType('historySetPinned')).length;
          await pin.click();
          const asked = await eventually(async () => {
            const all = await panel.postedOfType('historySetPinned');
            assert.strictEqual(all.length, before + 1);
            return all[all.length - 1]!;
          });
          assert.deepStrictEqual(asked, { type: 'historySetPinned', runId: earlierRun, pinned });
          // As the host answers: the store pins it, and the new run list follows.
          await history.setPinned(asked.runId, asked.pinned);
          await panel.send({ type: 'historyRuns', runs: historyRunSummaries(history.listRuns()) });
          await eventually(async () => assert.strictEqual((await pin.innerText()).trim(), pinned ? 'Unpin run' : 'Pin run'));
          assert.strictEqual(await pin.getAttribute('aria-pressed'), String(pinned));
          const label = await panel.page.locator('.history-runs vscode-option', { hasText: 'refunds.py' }).innerText();
          assert.strictEqual(/· pinned$/.test(label), pinned, label);
          if (pinned) await panel.screenshot('history-pinned');
        }
      } finally {
        await history.setPinned(earlierRun, false);
      }
      // "All runs" pins nothing: the button goes.
      await panel.page.locator('.history-banner .history-back').click();
      await panel.send({ type: 'historyShowing' });
      await panel.page.locator('.history-runs').click();
      await panel.page.locator('.history-runs').getByRole('option', { name: 'All runs' }).click();
      await pin.waitFor({ state: 'hidden' });
    });
  });

  describe('a history folder opened read-only', () => {
    const pages = usePanelPages({ open: { width: 1000, height: 700 } });

    it('lists the folder\'s runs marked as from it, without "Current run" or Pin, until Back to workspace history', async () => {
      const panel = pages.panel;
      await openWithHistory(panel);
      // As the host sends an opened folder: its runs (all ended), named by the folder, then the newest shown.
      const folderRuns = historyRunSummaries(history.listRuns()).map((run) => ({ ...run, active: false }));
      await panel.send({ type: 'historyRuns', runs: folderRuns, folder: 'ci-history' });
      await panel.send({ type: 'historyShowing', runId: currentRun, name: 'app.py' });
      await panel.send(snapshot(await historyRunItems(history, currentRun)));
      const line = panel.page.locator('.history-folder');
      await line.waitFor();
      assert.strictEqual(await line.locator('.history-folder-text').innerText(), 'Runs from the folder ci-history (read-only)');
      const options = await panel.page.locator('.history-runs vscode-option').allInnerTexts();
      assert.deepStrictEqual(
        options.map((option) => option.split(' · ')[0]),
        ['app.py', 'refunds.py', 'All runs'],
      );
      assert.ok(
        options.slice(0, 2).every((option) => option.endsWith('· from ci-history')),
        options.join('\n'),
      );
      assert.strictEqual(await panel.page.locator('.history-pin').isVisible(), false, 'read-only: nothing to pin');
      await panel.settle();
      await panel.screenshot('history-folder');

      await line.locator('.history-folder-close').click();
      await eventually(async () => assert.strictEqual((await panel.postedOfType('historyCloseFolder')).length, 1));
      // As the host answers: live again, with the workspace's runs.
      await panel.send({ type: 'historyShowing' });
      await panel.send({ type: 'historyRuns', runs: historyRunSummaries(history.listRuns()) });
      await line.waitFor({ state: 'hidden' });
      assert.deepStrictEqual(
        (await panel.page.locator('.history-runs vscode-option').allInnerTexts()).map((option) => option.split(' · ')[0]),
        ['Current run', 'refunds.py', 'All runs'],
      );
    });
  });

  describe('older data on demand', () => {
    const pages = usePanelPages({ open: { width: 1000, height: 700 } });

    it('an earlier run shows its newest page; Load older asks for the next one, once, and goes when nothing is left', async () => {
      const panel = pages.panel;
      await openWithHistory(panel);
      const page = 1; // the host reads HISTORY_RUN_ITEMS per page; one here, from the same store on disk
      const total = history.listRuns().find((run) => run.id === earlierRun)!.items;
      const showPage = async (loaded: number) => {
        const items = (await history.readLatest(loaded, [earlierRun])).map((hit) => hit.envelope);
        const store = new TelemetryStore();
        store.add(items);
        await panel.send({ type: 'historyShowing', runId: earlierRun, name: 'refunds.py', loaded, total, more: loaded < total });
        await panel.send(snapshot(toPanelItems(store.snapshot())));
      };
      await showPage(page);
      await eventually(async () => assert.strictEqual(await panel.page.locator('.toolbar .item-count').innerText(), '1 item'));
      const banner = panel.page.locator('.history-banner');
      await eventually(async () => assert.strictEqual(await banner.locator('.history-loaded').innerText(), `1 of ${total} items loaded`));
      const older = banner.locator('.history-older');
      await older.click();
      await eventually(async () => assert.strictEqual((await panel.postedOfType('historyLoadOlder')).length, 1));
      assert.strictEqual(await older.getAttribute('disabled'), '', 'one page at a time');
      await older.click({ force: true }).catch(() => undefined);
      assert.strictEqual((await panel.postedOfType('historyLoadOlder')).length, 1, 'a second click while loading asks nothing');
      await panel.settle();
      await panel.screenshot('history-load-older');
      await showPage(total);
      await eventually(async () =>
        assert.strictEqual(await banner.locator('.history-loaded').innerText(), `${total} of ${total} items loaded`),
      );
      await older.waitFor({ state: 'hidden' });
      await eventually(async () => assert.strictEqual(await panel.page.locator('.toolbar .item-count').innerText(), `${total} items`));
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
      await panel.send({ type: 'historyStatus', state: 'off', reason: 'diskFull' });
      assert.strictEqual(
        await panel.page.locator('.history-off-text').innerText(),
        '원격 분석 기록이 꺼졌습니다: 디스크가 가득 찼습니다. 라이브 원격 분석과 전달은 계속됩니다.',
      );
      assert.strictEqual((await panel.page.locator('.history-off-action').innerText()).trim(), '로그 표시');
      const overflowOff = (await panel.page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      )) as number;
      assert.ok(overflowOff <= 0, `the notice wraps (${overflowOff} px too wide)`);
      await panel.screenshot('history-off-narrow-ko');
    });
  });
});
