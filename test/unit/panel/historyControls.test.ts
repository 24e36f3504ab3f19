/**
 * Issue 16, the panel's history controls, host part: what the history bar is told when the
 * history is off (each reason, from a real HistoryStore on disk: a read-only folder, a full disk,
 * the size limit, a failed write; plus the setting and a history that could not open), what Clear
 * deletes from disk (the shown run, or every unpinned run), pinning, and the validators of the
 * new messages (the webview is less trusted than the host).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { HistoryStatus } from '../../../src/core/history';
import {
  emptyHistoryRunStore,
  HISTORY_RUN_ITEMS,
  historyRunSummaries,
  historyStatusMessage,
  loadOlderItems,
  MAX_HISTORY_SHOWN_ITEMS,
  runListChanged,
  runsToDelete,
} from '../../../src/core/panel';
import { isHostToWebview, isWebviewToHost, MAX_HISTORY_FOLDER_NAME } from '../../../src/shared/messages';
import { allItems, makeReadOnly, message, messagesOf, openHistory, segmentFiles, tempDir } from '../history/helpers';

/** The message the panel posts for this store, checked by the webview's own validator. */
function statusMessageOf(status: HistoryStatus | undefined, enabled = true) {
  const posted = historyStatusMessage(status, enabled);
  assert.ok(isHostToWebview(posted), `valid: ${JSON.stringify(posted)}`);
  return posted;
}

describe('panel: history controls (issue 16)', () => {
  describe('history off, said in the panel', () => {
    it('on: no notice', async () => {
      const history = await openHistory(tempDir());
      try {
        assert.deepStrictEqual(statusMessageOf(history.status()), { type: 'historyStatus', state: 'on' });
      } finally {
        await history.close();
      }
    });

    it('the setting off, or no history at all: "disabled" and "unavailable"', () => {
      assert.deepStrictEqual(statusMessageOf(undefined, false), { type: 'historyStatus', state: 'off', reason: 'disabled' });
      assert.deepStrictEqual(statusMessageOf(undefined, true), { type: 'historyStatus', state: 'off', reason: 'unavailable' });
    });

    it('a read-only folder: "readOnly" from the open', async function () {
      const dir = tempDir();
      const first = await openHistory(dir);
      first.append(first.startRun('app.py'), [message('kept')]);
      await first.close();
      const undo = makeReadOnly(dir);
      if (!undo) this.skip();
      try {
        const history = await openHistory(dir);
        assert.deepStrictEqual(statusMessageOf(history.status()), { type: 'historyStatus', state: 'off', reason: 'readOnly' });
        await history.close();
      } finally {
        undo!();
      }
    });

    it('a full disk mid-session: onStatus fires and the message says "diskFull"', async function () {
      if (!fs.existsSync('/dev/full')) this.skip(); // Linux's always-full device
      const dir = tempDir();
      const history = await openHistory(dir);
      const posted: unknown[] = [];
      history.onStatus((status) => posted.push(statusMessageOf(status)));
      const run = history.startRun('app.py');
      history.append(run, [message('before')]);
      await history.flush();
      const [segment] = segmentFiles(dir);
      fs.rmSync(segment!);
      fs.symlinkSync('/dev/full', segment!); // the next block's write gets ENOSPC
      history.append(run, [message('no room')]);
      await history.flush();
      assert.deepStrictEqual(posted, [{ type: 'historyStatus', state: 'off', reason: 'diskFull' }]);
      fs.rmSync(segment!);
      await history.close();
    });

    it('over the size limit: "sizeLimit"', async () => {
      const history = await openHistory(tempDir(), { maxBytes: 200 });
      const posted: unknown[] = [];
      history.onStatus((status) => posted.push(statusMessageOf(status)));
      history.append(history.startRun('app.py'), [message('x'.repeat(5000))]);
      await history.flush();
      assert.deepStrictEqual(posted, [{ type: 'historyStatus', state: 'off', reason: 'sizeLimit' }]);
      await history.close();
    });

    it('another write failure: "error"', async () => {
      const dir = tempDir();
      const history = await openHistory(dir, { segmentBytes: 1 });
      const posted: unknown[] = [];
      history.onStatus((status) => posted.push(statusMessageOf(status)));
      const run = history.startRun('app.py');
      history.append(run, [message('first')]);
      await history.flush();
      // The next segment's name is taken by a folder: creating the file fails with EISDIR/EEXIST.
      const [segment] = segmentFiles(dir);
      fs.mkdirSync(path.join(path.dirname(segment!), '000002.seg'));
      history.append(run, [message('second')]);
      await history.flush();
      assert.deepStrictEqual(posted, [{ type: 'historyStatus', state: 'off', reason: 'error' }]);
      await history.close();
    });

    it('validators: only known states and reasons; the notice button asks for the setting or the log only', () => {
      assert.ok(isHostToWebview({ type: 'historyStatus', state: 'on' }));
      assert.ok(!isHostToWebview({ type: 'historyStatus', state: 'on', reason: 'diskFull' }));
      assert.ok(!isHostToWebview({ type: 'historyStatus', state: 'off' }));
      assert.ok(!isHostToWebview({ type: 'historyStatus', state: 'off', reason: '<b>full</b>' }));
      assert.ok(!isHostToWebview({ type: 'historyStatus', state: 'maybe' }));
      assert.ok(isWebviewToHost({ type: 'historyHelp', target: 'setting' }));
      assert.ok(isWebviewToHost({ type: 'historyHelp', target: 'log' }));
      assert.ok(!isWebviewToHost({ type: 'historyHelp', target: 'workbench.action.openSettings' }));
      assert.ok(!isWebviewToHost({ type: 'historyHelp', target: 'log', command: 'x' }));
    });
  });

  describe('Clear: delete from disk', () => {
    it('the shown run (named if pinned), or every unpinned run; deleting keeps pinned runs on disk', async () => {
      const dir = tempDir();
      const history = await openHistory(dir);
      try {
        const runs = ['a.py', 'b.py', 'c.py'].map((name, index) => {
          const id = history.startRun(name, 'relay', 1_000 + index);
          history.append(id, [message(name)]);
          return id;
        });
        const [a, b, c] = runs as [string, string, string];
        for (const id of [a, b]) await history.endRun(id);
        await history.setPinned(b, true);

        assert.deepStrictEqual(runsToDelete(history.listRuns(), a), { runIds: [a], deletesPinned: false, pinnedKept: 0 });
        assert.deepStrictEqual(runsToDelete(history.listRuns(), b), { runIds: [b], deletesPinned: true, pinnedKept: 0 });
        assert.deepStrictEqual(runsToDelete(history.listRuns(), 'r1-0000dead'), { runIds: [], deletesPinned: false, pinnedKept: 0 });
        const all = runsToDelete(history.listRuns(), undefined);
        assert.deepStrictEqual(all, { runIds: [a, c], deletesPinned: false, pinnedKept: 1 });

        await history.deleteRuns(all.runIds);
        assert.deepStrictEqual(
          history.listRuns().map((run) => [run.name, run.items, run.pinned]),
          [
            ['b.py', 1, true],
            ['c.py', 0, false], // the run being recorded is emptied and records on
          ],
        );
        assert.deepStrictEqual(fs.readdirSync(path.join(dir, 'runs')).sort(), [b].sort(), 'only the pinned run is on disk');
        assert.strictEqual((await allItems(history, b)).length, 1);
      } finally {
        await history.close();
      }
    });
  });

  describe('a history folder opened read-only', () => {
    it('validators: the folder name is bounded text; closing it carries nothing else', () => {
      const runs = [{ id: 'r1-0000abcd', name: 'ci.py', start: 1, items: 2, imported: false, pinned: false, active: false }];
      assert.ok(isHostToWebview({ type: 'historyRuns', runs, folder: 'ci-history' }));
      assert.ok(isHostToWebview({ type: 'historyRuns', runs, folder: 'x'.repeat(MAX_HISTORY_FOLDER_NAME) }));
      assert.ok(!isHostToWebview({ type: 'historyRuns', runs, folder: 'x'.repeat(MAX_HISTORY_FOLDER_NAME + 1) }));
      assert.ok(!isHostToWebview({ type: 'historyRuns', runs, folder: 7 }));
      assert.ok(isWebviewToHost({ type: 'historyCloseFolder' }));
      assert.ok(!isWebviewToHost({ type: 'historyCloseFolder', path: '/etc' }));
    });
  });

  describe('older data on demand', () => {
    it('readLatest pages back through a run with skip: every item once, newest page first, whole blocks skipped unread', async () => {
      const history = await openHistory(tempDir(), { blockItems: 4 });
      try {
        const run = history.startRun('app.py');
        const other = history.startRun('other.py');
        for (let i = 0; i < 23; i++) history.append(run, [message(`m${i}`)]);
        history.append(other, [message('not this run')]);
        await history.flush();
        const pages: string[][] = [];
        for (let skip = 0; skip < 30; skip += 5) {
          pages.push(messagesOf((await history.readLatest(5, [run], skip)).map((hit) => hit.envelope)));
        }
        assert.deepStrictEqual(pages, [
          ['m18', 'm19', 'm20', 'm21', 'm22'],
          ['m13', 'm14', 'm15', 'm16', 'm17'],
          ['m8', 'm9', 'm10', 'm11', 'm12'],
          ['m3', 'm4', 'm5', 'm6', 'm7'],
          ['m0', 'm1', 'm2'],
          [],
        ]);
      } finally {
        await history.close();
      }
    });

    it('Load older adds the next page to the shown store without pushing out newer items, and stops at the bound', async () => {
      const history = await openHistory(tempDir(), { blockItems: 1000 });
      try {
        const run = history.startRun('app.py');
        const total = HISTORY_RUN_ITEMS + 1500;
        for (let i = 0; i < total; i += 500) {
          history.append(
            run,
            Array.from({ length: Math.min(500, total - i) }, (_, j) => message(`m${i + j}`)),
          );
        }
        await history.flush();
        const store = emptyHistoryRunStore();
        const first = await loadOlderItems(history, store, run, 0);
        assert.strictEqual(first, HISTORY_RUN_ITEMS);
        assert.strictEqual(store.size, HISTORY_RUN_ITEMS);
        const second = await loadOlderItems(history, store, run, first);
        assert.strictEqual(second, 1500);
        assert.strictEqual(store.size, total, 'nothing evicted: the newest items are still there');
        const texts = new Set(store.snapshot().map((item) => item.message));
        assert.ok(texts.has('m0') && texts.has(`m${total - 1}`));
        assert.strictEqual(await loadOlderItems(history, store, run, first + second), 0, 'nothing older');
        assert.strictEqual(await loadOlderItems(history, store, run, MAX_HISTORY_SHOWN_ITEMS), 0, 'the bound');
      } finally {
        await history.close();
      }
    });

    it('validators: the banner counts are whole numbers; Load older carries nothing', () => {
      assert.ok(isHostToWebview({ type: 'historyShowing', runId: 'r1-0000abcd', name: 'a', loaded: 10, total: 25, more: true }));
      assert.ok(!isHostToWebview({ type: 'historyShowing', runId: 'r1-0000abcd', loaded: -1, total: 25 }));
      assert.ok(!isHostToWebview({ type: 'historyShowing', runId: 'r1-0000abcd', loaded: 1.5 }));
      assert.ok(!isHostToWebview({ type: 'historyShowing', runId: 'r1-0000abcd', more: 'yes' }));
      assert.ok(isWebviewToHost({ type: 'historyLoadOlder' }));
      assert.ok(!isWebviewToHost({ type: 'historyLoadOlder', skip: 5 }));
    });
  });

  describe('pin', () => {
    it('a pin changes the run list sent to the panel and survives a reopen', async () => {
      const dir = tempDir();
      const history = await openHistory(dir);
      const run = history.startRun('app.py');
      history.append(run, [message('x')]);
      await history.endRun(run);
      const before = historyRunSummaries(history.listRuns());
      await history.setPinned(run, true);
      assert.ok(runListChanged(before, history.listRuns()), 'the panel gets the new list');
      assert.strictEqual(historyRunSummaries(history.listRuns())[0]!.pinned, true);
      await history.close();
      const reopened = await openHistory(dir);
      assert.strictEqual(reopened.listRuns()[0]!.pinned, true);
      await reopened.close();
    });

    it('validators: a run id and a boolean, nothing else', () => {
      assert.ok(isWebviewToHost({ type: 'historySetPinned', runId: 'r1-0000abcd', pinned: true }));
      assert.ok(isWebviewToHost({ type: 'historySetPinned', runId: 'r1-0000abcd', pinned: false }));
      assert.ok(!isWebviewToHost({ type: 'historySetPinned', runId: 'r1-0000abcd', pinned: 'yes' }));
      assert.ok(!isWebviewToHost({ type: 'historySetPinned', runId: 'r'.repeat(65), pinned: true }));
      assert.ok(!isWebviewToHost({ type: 'historySetPinned', pinned: true }));
      assert.ok(!isWebviewToHost({ type: 'historySetPinned', runId: 'r1-0000abcd', pinned: true, all: true }));
    });
  });
});
