/**
 * Issue 16, the panel part: the history messages' validators refuse oversized or malformed
 * messages (either side is less trusted than the other), and the host's answers built from a real
 * HistoryStore on disk pass them, grouped by table, bounded, with each hit's operation id.
 */
import * as assert from 'assert';
import { answerHistorySearch, currentRunIds, historyRunItems, historyRunSummaries, runListChanged } from '../../../src/core/panel';
import {
  isHostToWebview,
  isWebviewToHost,
  MAX_HISTORY_HIT_TEXT,
  MAX_HISTORY_SEARCH_HITS,
  MAX_HISTORY_SEARCH_TEXT,
} from '../../../src/shared/messages';
import { exception, message, openHistory, request, tempDir } from '../history/helpers';

const hit = { runId: 'r1-0000abcd', table: 'traces', time: 1, operationId: 'op', text: 'hello' };

describe('panel: history messages (issue 16)', () => {
  it('accepts a search within bounds and refuses longer text, bad run ids and extra keys', () => {
    assert.ok(isWebviewToHost({ type: 'historySearch', id: 1, text: 'payment' }));
    assert.ok(isWebviewToHost({ type: 'historySearch', id: 2, text: 'x'.repeat(MAX_HISTORY_SEARCH_TEXT), runIds: ['r1-0000abcd'] }));
    assert.ok(!isWebviewToHost({ type: 'historySearch', id: 3, text: 'x'.repeat(MAX_HISTORY_SEARCH_TEXT + 1) }));
    assert.ok(!isWebviewToHost({ type: 'historySearch', id: -1, text: 'a' }));
    assert.ok(!isWebviewToHost({ type: 'historySearch', id: 4, text: 'a', runIds: [''] }));
    assert.ok(!isWebviewToHost({ type: 'historySearch', id: 4, text: 'a', runIds: ['r'.repeat(65)] }));
    assert.ok(!isWebviewToHost({ type: 'historySearch', id: 4, text: 'a', runIds: 'r1-0000abcd' }));
    assert.ok(!isWebviewToHost({ type: 'historySearch', id: 5, text: 'a', extra: true }));
    assert.ok(isWebviewToHost({ type: 'historySearch', id: 6, text: 'a', current: true }));
    assert.ok(!isWebviewToHost({ type: 'historySearch', id: 6, text: 'a', current: false }));
    assert.ok(!isWebviewToHost({ type: 'historySearch', id: 6, text: 'a', current: true, runIds: ['r1-0000abcd'] }));
    assert.ok(isWebviewToHost({ type: 'historyShowRun' }));
    assert.ok(isWebviewToHost({ type: 'historyShowRun', runId: 'r1-0000abcd' }));
    assert.ok(!isWebviewToHost({ type: 'historyShowRun', runId: 7 }));
  });

  it('accepts results within bounds and refuses too many hits, long texts and unknown tables', () => {
    const result = (groups: unknown, total = 1): unknown => ({ type: 'historySearchResult', id: 1, groups, total, truncated: false });
    assert.ok(isHostToWebview(result([{ table: 'traces', hits: [hit] }])));
    assert.ok(isHostToWebview({ type: 'historySearchResult', id: 1, groups: [], total: 0, truncated: false, error: 'off' }));
    const many = Array.from({ length: MAX_HISTORY_SEARCH_HITS / 2 + 1 }, () => hit);
    assert.ok(
      !isHostToWebview(
        result([
          { table: 'traces', hits: many },
          { table: 'requests', hits: many.map((one) => ({ ...one, table: 'requests' })) },
        ]),
      ),
      'more hits than the bound',
    );
    assert.ok(!isHostToWebview(result([{ table: 'traces', hits: [{ ...hit, text: 'x'.repeat(MAX_HISTORY_HIT_TEXT + 1) }] }])));
    assert.ok(!isHostToWebview(result([{ table: '<img>', hits: [hit] }])));
    assert.ok(!isHostToWebview(result([{ table: 'traces', hits: [{ ...hit, time: 'now' }] }])));
    assert.ok(!isHostToWebview(result([], MAX_HISTORY_SEARCH_HITS + 1)));
    assert.ok(
      isHostToWebview({
        type: 'historyRuns',
        runs: [{ id: 'r1-0000abcd', name: 'app.py', start: 1, items: 2, imported: false, pinned: true, active: false }],
      }),
    );
    assert.ok(
      !isHostToWebview({
        type: 'historyRuns',
        runs: [{ id: 'r1-0000abcd', name: 'app.py', start: 1, items: -2, imported: false, pinned: true, active: false }],
      }),
    );
    assert.ok(isHostToWebview({ type: 'historyShowing' }));
    assert.ok(isHostToWebview({ type: 'historyShowing', runId: 'r1-0000abcd', name: 'app.py' }));
  });

  it('answers a search from a real history on disk: by table, limited to the chosen runs, each hit with its operation id', async () => {
    const history = await openHistory(tempDir());
    try {
      const earlier = history.startRun('old.py', 'relay', 1_000);
      history.append(earlier, [message('payment accepted', {}, 'op-earlier'), request('POST /pay', 'http://shop.local/pay', 'op-earlier')]);
      await history.endRun(earlier);
      const current = history.startRun('app.py', 'relay', 2_000);
      history.append(current, [
        message('payment declined\n  twice', {}, 'op-current'),
        exception('PaymentError', 'File "pay.py", line 3', 'op-current'),
      ]);
      await history.flush();

      const all = await answerHistorySearch(history, 7, 'payment');
      assert.ok(isHostToWebview(all));
      assert.deepStrictEqual(
        all.groups.map((group) => [group.table, group.hits.map((one) => [one.operationId, one.text])]),
        // Groups in the order of their newest hit; newest first within each.
        [
          ['exceptions', [['op-current', 'PaymentError: it broke']]],
          [
            'traces',
            [
              ['op-current', 'payment declined twice'],
              ['op-earlier', 'payment accepted'],
            ],
          ],
        ],
      );
      assert.strictEqual(all.total, 3);

      const onlyCurrent = await answerHistorySearch(history, 8, 'payment', [current]);
      assert.deepStrictEqual(
        onlyCurrent.groups.flatMap((group) => group.hits.map((one) => one.runId)),
        [current, current],
      );

      const none = await answerHistorySearch(history, 9, 'nothing-like-this');
      assert.deepStrictEqual([none.total, none.groups], [0, []]);

      assert.deepStrictEqual(currentRunIds(history.listRuns()), [current], 'the run being recorded is the current one');
      const runs = historyRunSummaries(history.listRuns());
      assert.ok(!runListChanged(runs, history.listRuns()));
      assert.ok(isHostToWebview({ type: 'historyRuns', runs }));
      assert.deepStrictEqual(
        runs.map((run) => [run.name, run.items, run.active]),
        [
          ['old.py', 2, false],
          ['app.py', 2, true],
        ],
      );

      await history.endRun(current);
      assert.deepStrictEqual(currentRunIds(history.listRuns()), [current], 'after a reload: the newest run with items');
      assert.ok(runListChanged(runs, history.listRuns()), 'a run that ended changes the list');
      const items = await historyRunItems(history, earlier);
      assert.deepStrictEqual(items.map((item) => [item.table, item.operationId]).sort(), [
        ['requests', 'op-earlier'],
        ['traces', 'op-earlier'],
      ]);
    } finally {
      await history.close();
    }
  });

  it('reports a failing search as an error answer, not a throw', async () => {
    const answer = await answerHistorySearch({ search: () => Promise.reject(new Error('disk gone')) }, 3, 'x');
    assert.ok(isHostToWebview(answer));
    assert.strictEqual(answer.error, 'disk gone');
  });
});
