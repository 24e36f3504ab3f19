/**
 * Issue 16 in the real workbench: telemetry sent before *Developer: Reload Window* is shown again
 * after it. The extension host (and its in-memory store) is replaced by the reload; the panel
 * comes back with the same transaction because the history on disk put the last run back into
 * the new relay's store. Without the history the restored panel is empty. The panel's history
 * search then finds the run's items through the real host and opens one. Last, a restart (the
 * server and its extension host stopped and started again) shows the same transaction. Screenshots:
 * test-results/history-reload-*.png.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { CodeServer, createRunDir, startCodeServer } from '../harness/codeServer';
import { eventually } from '../harness/eventually';
import { SAMPLE_WORKSPACE, TEST_RESULTS_DIR } from '../harness/paths';
import { launchChromium, openWorkbench, runCommandFromPalette, waitForWorkbench, workbenchUrl } from '../harness/workbench';

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
    if (this.currentTest?.state === 'failed' && page) await shot('failure').catch(() => undefined);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function runInTerminal(command: string): Promise<void> {
    const rows = page.locator('.terminal-wrapper .xterm-rows').first();
    await eventually(async () => assert.match((await rows.innerText()).replace(/\u00a0/g, ' '), /[#$]\s*$/m, "the shell's prompt"), {
      timeoutMs: 60_000,
    });
    await page.locator('.terminal-wrapper .xterm').first().click();
    await page.keyboard.type(command);
    await page.keyboard.press('Enter');
  }

  it('shows the transaction sent before the reload in the restored panel', async () => {
    await runCommandFromPalette(page, 'Azure Monitor: Open Live Telemetry');
    await panel().locator('.panel-root .toolbar').waitFor({ timeout: 60_000 });
    await runCommandFromPalette(page, 'Terminal: Create New Terminal');
    const output = path.join(runDir, 'sent.txt');
    await runInTerminal(`python3 '${path.join(workspace, 'stdlib_telemetry.py')}' > '${output}' 2>&1`);
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
    await shot('5-after-restart');
    const runs = panel().locator('.history-runs');
    await runs.click();
    await runs
      .getByRole('option', { name: /stdlib/ })
      .first()
      .waitFor({ timeout: 60_000 });
  });
});
