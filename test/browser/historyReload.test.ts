/**
 * Issue 16 in the real workbench: telemetry sent before *Developer: Reload Window* is shown again
 * after it. The extension host (and its in-memory store) is replaced by the reload; the panel
 * comes back with the same transaction because the history on disk put the last run back into
 * the new relay's store. Without the history the restored panel is empty. The panel's history
 * search then finds the run's items through the real host and opens one. A restart (the server
 * and its extension host stopped and started again) shows the same transaction. Then the history
 * bar's controls through the real host: Pin run, "Open Telemetry History…" on a folder another
 * process wrote (read-only: not a byte of it changes), and Clear's question with "delete from disk".
 * Screenshots: test-results/history-reload-*.png.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { CodeServer, createRunDir, startCodeServer } from '../harness/codeServer';
import { eventually } from '../harness/eventually';
import { SAMPLE_WORKSPACE, TEST_RESULTS_DIR } from '../harness/paths';
import {
  launchChromium,
  openWorkbench,
  QUICK_INPUT,
  QUICK_INPUT_WIDGET,
  runCommandFromPalette,
  runInTerminal,
  waitForWorkbench,
  workbenchUrl,
} from '../harness/workbench';
import { HistoryStore } from '../../src/core/history';

describe('Telemetry history: the same data after Reload Window (issue 16)', function () {
  this.timeout(300_000);
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let runDir: string;
  let workspace: string;
  const shot = (name: string) => page.screenshot({ path: path.join(TEST_RESULTS_DIR, `history-reload-${name}.png`) });
  const panel = () => page.frameLocator('iframe.webview').frameLocator('#active-frame');

  before(async () => {
    fs.mkdirSync(TEST_RESULTS_DIR, { recursive: true });
    runDir = createRunDir();
    workspace = path.join(runDir, 'workspace');
    fs.cpSync(SAMPLE_WORKSPACE, workspace, { recursive: true });
    server = await startCodeServer({ runDir, settings: { 'terminal.integrated.gpuAcceleration': 'off' } });
    browser = await launchChromium();
    ({ page } = await openWorkbench(browser, workbenchUrl({ baseUrl: server.url, folder: workspace })));
    await waitForWorkbench(page);
  });

  afterEach(async function () {
    // One picture per failed test (a later failure must not overwrite an earlier one's).
    const title = (this.currentTest?.title ?? '').replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
    if (this.currentTest?.state === 'failed' && page) await shot(`failure-${title}`).catch(() => undefined);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the transaction sent before the reload in the restored panel', async () => {
    await runCommandFromPalette(page, 'Azure Monitor: Open Live Telemetry');
    await panel().locator('.panel-root .toolbar').waitFor({ timeout: 60_000 });
    await runCommandFromPalette(page, 'Terminal: Create New Terminal');
    const output = path.join(runDir, 'sent.txt');
    await runInTerminal(page, `python3 '${path.join(workspace, 'stdlib_telemetry.py')}' > '${output}' 2>&1`);
    await eventually(() => assert.match(fs.existsSync(output) ? fs.readFileSync(output, 'utf8') : '', /sent 2 items: HTTP 200/), {
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    await panel().getByText('GET /orders').first().waitFor({ timeout: 60_000 });
    await shot('1-before');

    const reloaded = page.waitForEvent('load');
    await runCommandFromPalette(page, 'Developer: Reload Window');
    await reloaded;
    await waitForWorkbench(page);
    // The panel VS Code restores, fed by a new extension host whose store started empty.
    await panel().locator('.panel-root .toolbar').waitFor({ timeout: 60_000 });
    await panel().getByText('GET /orders').first().waitFor({ timeout: 60_000 });
    await shot('2-after-reload');
  });

  it("finds the run's items with the panel's history search, through the real host", async () => {
    // The history bar appears once the host lists runs; "Current run" is the restored one.
    const field = panel().locator('.history-field input');
    await field.waitFor({ timeout: 60_000 });
    await field.fill('orders');
    const hit = panel().locator('.history-hit', { hasText: 'GET /orders' }).first();
    await hit.waitFor({ timeout: 60_000 });
    await shot('3-search');
    await hit.click();
    await panel().locator('.operations-list .vlist-row.selected', { hasText: 'GET /orders' }).waitFor({ timeout: 60_000 });
  });

  it('shows the run from before the reload as history, then goes back to live', async () => {
    const runs = panel().locator('.history-runs');
    await runs.click();
    // The run is the terminal app's: named by its command line (shell integration) or, without it, its cloud role "stdlib-sample".
    await runs.getByRole('option', { name: /stdlib/ }).click();
    const banner = panel().locator('.history-banner');
    await banner.waitFor({ timeout: 60_000 });
    assert.match(await banner.innerText(), /Showing run .*stdlib.* from history/);
    await panel().locator('.stream-indicator', { hasText: 'History' }).waitFor({ timeout: 60_000 });
    await panel().locator('.operations-list .vlist-row', { hasText: 'GET /orders' }).waitFor({ timeout: 60_000 });
    await shot('4-earlier-run');
    await banner.locator('.history-back').click();
    await banner.waitFor({ state: 'hidden', timeout: 60_000 });
    await panel().locator('.stream-indicator', { hasText: 'Live' }).waitFor({ timeout: 60_000 });
  });

  it('pins and unpins the earlier run through the real host', async () => {
    const runs = panel().locator('.history-runs');
    await runs.click();
    await runs
      .getByRole('option', { name: /stdlib/ })
      .first()
      .click();
    await panel().locator('.history-banner').waitFor({ timeout: 60_000 });
    const pin = panel().locator('.history-pin');
    await pin.filter({ hasText: 'Pin run' }).click();
    await pin.filter({ hasText: 'Unpin run' }).waitFor({ timeout: 60_000 });
    await runs.locator('vscode-option', { hasText: /· pinned$/ }).waitFor({ state: 'attached', timeout: 60_000 });
    await shot('5-pinned');
    await pin.click();
    await pin.filter({ hasText: 'Pin run' }).waitFor({ timeout: 60_000 });
    assert.strictEqual(await runs.locator('vscode-option', { hasText: /· pinned$/ }).count(), 0);
    await panel().locator('.history-banner .history-back').click();
    await panel().locator('.history-banner').waitFor({ state: 'hidden', timeout: 60_000 });
  });

  it('opens a history folder written elsewhere read-only, shows its run, and goes back to the workspace history', async () => {
    // A folder as `azmon-relay --history DIR` leaves it (the same HistoryStore format).
    const folder = path.join(runDir, 'ci-history');
    const writer = await HistoryStore.open(folder, { commitDelayMs: 5 });
    const run = writer.startRun('ci-job.py', 'relay', Date.UTC(2026, 11, 5, 3));
    writer.append(run, [
      {
        name: 'Microsoft.ApplicationInsights.Request',
        time: '2026-12-05T03:00:01.000Z',
        tags: { 'ai.operation.id': 'c1c1c1c1d2d2d2d2e3e3e3e3f4f4f4f4', 'ai.operation.name': 'POST /nightly-report' },
        data: {
          baseType: 'RequestData',
          baseData: {
            ver: 2,
            id: 'c1c1c1c1span',
            name: 'POST /nightly-report',
            duration: '00:00:00.250',
            responseCode: '200',
            success: true,
          },
        },
      },
    ]);
    await writer.endRun(run);
    await writer.close();
    const before = snapshotFolder(folder);

    await runCommandFromPalette(page, 'Azure Monitor: Open Telemetry History…');
    // The web workbench's own folder picker: a quick input taking a path.
    const input = page.locator(QUICK_INPUT);
    await input.waitFor({ timeout: 60_000 });
    // With a trailing slash it moves into the folder; once the folder's own listing shows (its
    // "runs" folder), the dialog is no longer busy and takes the button (it ignores an accept while busy).
    // The dialog fills in its starting folder (the workspace) a moment after it shows, and would
    // overwrite a path typed before that: wait for exactly that folder, not merely some path.
    await eventually(async () => assert.strictEqual(await input.inputValue(), `${workspace}/`, 'the starting folder'), {
      timeoutMs: 60_000,
    });
    await input.fill(`${folder}/`);
    await page.locator(`${QUICK_INPUT_WIDGET} .quick-input-list .monaco-list-row`, { hasText: /^runs$/ }).waitFor({ timeout: 60_000 });
    assert.strictEqual(await input.inputValue(), `${folder}/`, 'the typed folder is still in the dialog');
    await page.locator(`${QUICK_INPUT_WIDGET} .monaco-button`, { hasText: 'Open History' }).click();
    const line = panel().locator('.history-folder');
    await line.waitFor({ timeout: 60_000 });
    assert.match(await line.innerText(), /Runs from the folder ci-history \(read-only\)/);
    await panel().locator('.history-banner', { hasText: 'Showing run ci-job.py from history' }).waitFor({ timeout: 60_000 });
    await panel().locator('.operations-list .vlist-row', { hasText: 'POST /nightly-report' }).waitFor({ timeout: 60_000 });
    // The search box searched again, in the folder: "orders" is not there.
    await panel().locator('.history-results .history-status', { hasText: 'No matches in the history.' }).waitFor({ timeout: 60_000 });
    await shot('6-folder');
    assert.deepStrictEqual(snapshotFolder(folder), before, 'the opened folder is not written');

    await line.locator('.history-folder-close').click();
    await line.waitFor({ state: 'hidden', timeout: 60_000 });
    await panel().locator('.stream-indicator', { hasText: 'Live' }).waitFor({ timeout: 60_000 });
    await panel()
      .locator('.history-runs vscode-option', { hasText: /stdlib/ })
      .waitFor({ state: 'attached', timeout: 60_000 });
  });

  it('shows the same transaction after a restart: code-server and its extension host stopped and started again', async () => {
    // A restart, not a reload: every server process (and the relay in its extension host) ends, and
    // a new server starts on the same port with the same user data and workspace storage. The
    // browser keeps its own state, as VS Code keeps its window layout across a restart.
    const { port } = server;
    await server.stop();
    server = await startCodeServer({ runDir, port, settings: { 'terminal.integrated.gpuAcceleration': 'off' } });
    await page.reload();
    await waitForWorkbench(page);
    // The panel is restored by the workbench or, if not, opened by the user: either way it shows
    // the run from before the restart, read from the history on disk.
    if (
      !(await panel()
        .locator('.panel-root .toolbar')
        .isVisible()
        .catch(() => false))
    ) {
      await runCommandFromPalette(page, 'Azure Monitor: Open Live Telemetry');
    }
    await panel().locator('.panel-root .toolbar').waitFor({ timeout: 60_000 });
    await panel().getByText('GET /orders').first().waitFor({ timeout: 60_000 });
    await shot('7-after-restart');
    // The run from before the restart is listed (without opening the list: the next test does).
    await panel()
      .locator('.history-runs vscode-option', { hasText: /stdlib/ })
      .first()
      .waitFor({ state: 'attached', timeout: 60_000 });
  });

  it('Clear asks whether to also delete the runs on disk, and deletes them when told to', async () => {
    // A search whose hits are in the run about to be deleted (typed again: the restart reset the box).
    const field = panel().locator('.history-field input');
    await field.fill('orders');
    await panel().locator('.history-hit', { hasText: 'GET /orders' }).first().waitFor({ timeout: 60_000 });
    const clear = panel().locator('.toolbar vscode-toolbar-button[label="Clear"]');
    if (await clear.isVisible()) {
      await clear.click();
    } else {
      await panel().locator('.toolbar .toolbar-more').click();
      await panel().locator('.toolbar-menu [role="menuitem"]', { hasText: 'Clear' }).click();
    }
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'Clear all telemetry in the live panel?' });
    await dialog.waitFor({ timeout: 60_000 });
    const buttons = (await dialog.locator('.monaco-button').allInnerTexts()).map((text) => text.trim()).filter(Boolean);
    assert.deepStrictEqual(buttons.sort(), ['Cancel', 'Clear', "Clear, Don't Ask Again", 'Clear and Delete All Runs from Disk'].sort());
    assert.match(await dialog.innerText(), /Clear can also delete 1 run\(s\) from the telemetry history on disk\./);
    await shot('8-clear-dialog');
    await dialog.locator('.monaco-button', { hasText: 'Clear and Delete All Runs from Disk' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await eventually(() => assert.match(extensionLog(runDir), /Deleted 1 run\(s\) from the telemetry history\./), {
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    await eventually(async () =>
      assert.strictEqual(
        await panel()
          .locator('.history-runs vscode-option', { hasText: /stdlib/ })
          .count(),
        0,
      ),
    );
    // The view is cleared too, and the search above runs again: its hits were in the deleted run.
    await panel().locator('.history-results .history-status', { hasText: 'No matches in the history.' }).waitFor({ timeout: 60_000 });
    await panel().locator('.operations-list .vlist-row', { hasText: 'GET /orders' }).waitFor({ state: 'detached', timeout: 60_000 });
  });
});

/** Every file under `dir` with its size and mtime (what a write would change). */
function snapshotFolder(dir: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    const stat = fs.statSync(full);
    result[path.relative(dir, full)] = `${stat.size} ${stat.mtimeMs}`;
  }
  return result;
}

/** The extension's own log ("Azure Monitor" output channel) as written under the run folder. */
function extensionLog(dir: string): string {
  const texts: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'extensions' && entry.name !== 'workspace' && entry.name !== 'ci-history') walk(full);
      } else if (entry.name === 'Azure Monitor.log') {
        texts.push(fs.readFileSync(full, 'utf8'));
      }
    }
  };
  walk(dir);
  return texts.join('\n');
}
