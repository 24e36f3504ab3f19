/**
 * The live telemetry panel in the real workbench: a real Node app (the npm
 * `@azure/monitor-opentelemetry-exporter` with the OpenTelemetry SDK, test/browser/apps) started
 * from a VS Code terminal — so it gets the session key and the relay's CA from the environment the
 * extension injects — sends to the relay; the panel shows its transactions, logs, metrics, map and
 * live rates. Screenshots of every view land in test-results/panel-*.png: open them and look.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { CodeServer, createRunDir, startCodeServer } from '../harness/codeServer';
import { REPO_ROOT, SAMPLE_WORKSPACE, TEST_RESULTS_DIR } from '../harness/paths';
import { eventually } from '../harness/eventually';
import { launchChromium, openWorkbench, runCommandFromPalette, runInTerminal, waitForWorkbench, workbenchUrl } from '../harness/workbench';
import { type ShopReport, XSS_MESSAGE } from './apps/otelShopApp';

const SHOP_APP = path.join(REPO_ROOT, 'out', 'test', 'browser', 'apps', 'otelShopApp.js');
const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** The extension's log line `Relay listening on http://… and https://…` — what a user reads in "Azure Monitor: Show Log". */
async function relayHttpsUrlFromLog(runDir: string, timeoutMs = 60_000): Promise<string> {
  return eventually(
    () => {
      for (const file of logFiles(runDir)) {
        const match = / and (https:\/\/127\.0\.0\.1:\d+\/);/.exec(fs.readFileSync(file, 'utf8'));
        if (match) return match[1]!;
      }
      throw new Error(`no "Relay listening on … and https://…" line in the logs under ${runDir}`);
    },
    { timeoutMs, intervalMs: 250 },
  );
}

function logFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'extensions' || entry.name === 'workspace' ? [] : logFiles(full);
    return entry.name === 'Azure Monitor.log' ? [full] : [];
  });
}

async function waitForFile(file: string, timeoutMs: number): Promise<string> {
  return eventually(
    () => {
      if (!fs.existsSync(file) || fs.statSync(file).size === 0) throw new Error(`${file} did not appear within ${timeoutMs} ms`);
      return fs.readFileSync(file, 'utf8');
    },
    { timeoutMs, intervalMs: 250 },
  );
}

function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview').frameLocator('#active-frame');
}

describe('Live telemetry panel in the real workbench', function () {
  this.timeout(240_000);
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let panel: FrameLocator;
  let report: ShopReport;
  const pageErrors: string[] = [];

  before(async () => {
    fs.mkdirSync(TEST_RESULTS_DIR, { recursive: true });
    const runDir = createRunDir();
    const workspace = path.join(runDir, 'workspace');
    fs.cpSync(SAMPLE_WORKSPACE, workspace, { recursive: true });
    // The DOM renderer puts the terminal's text in the page (the GPU ones draw on a canvas): the
    // test can wait for the shell's prompt.
    server = await startCodeServer({
      runDir,
      settings: {
        'workbench.colorTheme': 'Default Dark Modern',
        'terminal.integrated.enablePersistentSessions': false,
        'terminal.integrated.gpuAcceleration': 'off',
      },
    });
    browser = await launchChromium();
    ({ page } = await openWorkbench(browser, workbenchUrl({ baseUrl: server.url, folder: workspace })));
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await waitForWorkbench(page); // and until the palette lists the extension's commands
    await runCommandFromPalette(page, 'View: Close Primary Side Bar');

    // The app, started as a user would: in a VS Code terminal, after the panel opened the relay.
    await runCommandFromPalette(page, 'Azure Monitor: Open Live Telemetry');
    panel = panelFrame(page);
    await panel.locator('.panel-root .toolbar').waitFor({ timeout: 60_000 });
    const httpsUrl = await relayHttpsUrlFromLog(server.runDir);
    await runCommandFromPalette(page, 'Terminal: Create New Terminal');
    const reportFile = path.join(runDir, 'shop-report.json');
    await runInTerminal(page, `node '${SHOP_APP}' '${httpsUrl}' '${reportFile}'`);
    const text = await waitForFile(reportFile, 90_000);
    const parsed = JSON.parse(text) as ShopReport & { error?: string };
    assert.ok(!parsed.error, `the app failed: ${parsed.error}`);
    report = parsed;
    await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'panel-terminal.png') });
    await runCommandFromPalette(page, 'View: Hide Panel');
    // The terminal's "some keybindings…" toast would cover the panel in the screenshots.
    await runCommandFromPalette(page, 'Notifications: Clear All Notifications');
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page)
      await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'panel-failure.png') }).catch(() => undefined);
  });

  after(async function () {
    // A failing before() hook is not a test: keep what the screen showed then, too.
    if (!report && page) await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'panel-failure.png') }).catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  async function showView(view: string): Promise<void> {
    await panel.locator(`vscode-tab-header[data-view="${view}"]`).click();
    await panel.locator(`vscode-tab-panel[data-view="${view}"]:not([hidden])`).waitFor();
    await framesPainted();
  }

  /** Two animation frames in the panel: the view has applied its data and painted (charts, layout). */
  async function framesPainted(): Promise<void> {
    await panel.locator('body').evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
  }

  it("shows the app's transactions and the waterfall of the one selected", async () => {
    await showView('transactions');
    const operations = panel.locator('.operations-list .vlist-row');
    await operations.filter({ hasText: 'POST /orders' }).waitFor({ timeout: 30_000 });
    const texts = (await operations.allInnerTexts()).map(squash);
    assert.strictEqual(texts.length, 2, texts.join('\n'));
    assert.match(texts[0]!, /POST \/orders shop-api 240(\.0)? ms/);
    assert.match(texts[1]!, /GET \/orders\/\{id\} shop-api 140(\.0)? ms/);
    assert.strictEqual(await operations.nth(0).locator('.status-icon.failed').count(), 1, 'the failed POST is marked');

    await operations.filter({ hasText: 'GET /orders/{id}' }).click();
    const rows = panel.locator('.waterfall-list .vlist-row');
    await rows.first().waitFor();
    const tree = await rows.evaluateAll((elements) =>
      elements
        .map((element) => ({
          top: (element as unknown as { getBoundingClientRect(): { top: number } }).getBoundingClientRect().top,
          depth: Number(element.getAttribute('data-depth')),
          label: element.querySelector('.waterfall-label')?.textContent ?? '',
          duration: element.querySelector('.bar-label')?.textContent ?? '',
        }))
        .sort((a, b) => a.top - b.top)
        .map(({ depth, label, duration }) => `${'  '.repeat(depth)}${label}${duration ? ` [${duration}]` : ''}`),
    );
    assert.deepStrictEqual(tree, [
      'GET /orders/{id} [140 ms]',
      '  loading order 42',
      '  SELECT shop.orders [38 ms]',
      '  GET /items/42 [61 ms]',
      '    GET cache [9 ms]',
      '    inventory slow: 61 ms (budget 50 ms)',
      `  ${XSS_MESSAGE}`,
    ]);
    const header = squash(await panel.locator('vscode-tab-panel[data-view="transactions"]').innerText());
    assert.ok(header.includes(report.okTraceId), 'the operation id is shown');
    await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'panel-transactions.png') });

    await operations.filter({ hasText: 'POST /orders' }).click();
    await panel.locator('.waterfall-list .vlist-row.failed').first().waitFor();
    assert.ok((await panel.locator('.waterfall-list .vlist-row', { hasText: 'PaymentError' }).count()) >= 1, 'the exception is inline');
    await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'panel-transactions-failed.png') });
  });

  it('shows an HTML-looking log message literally and runs none of it', async () => {
    await showView('logs');
    const row = panel.locator('.logs-list .vlist-row', { hasText: 'payment page rendered' });
    await row.waitFor({ timeout: 30_000 });
    assert.strictEqual(await row.locator('.message-text').innerText(), XSS_MESSAGE);
    await row.click();
    assert.ok((await panel.locator('.details-pane').innerText()).includes(XSS_MESSAGE), 'the details show it as text too');
    assert.strictEqual(await panel.locator('img').count(), 0, 'no <img> element was created from telemetry');
    assert.strictEqual(
      await panel.locator('body').evaluate((body) => (body as unknown as { dataset: Record<string, string> }).dataset.pwned ?? null),
      null,
      'the onerror handler never ran',
    );
    await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'panel-logs.png') });
  });

  it('copies an item as JSON through the host: the clipboard holds it before the panel says so', async () => {
    await showView('logs');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
    const row = panel.locator('.logs-list .vlist-row', { hasText: 'payment page rendered' });
    await row.click();
    await panel.locator('.details-pane vscode-button', { hasText: 'Copy as JSON' }).click();
    // The webview says "copied" only on the host's copyResult, after vscode.env.clipboard.writeText.
    const notice = panel.locator('.notice-text').first();
    await notice.waitFor({ timeout: 30_000 });
    assert.strictEqual(await notice.innerText(), 'Item JSON copied to the clipboard.');
    const copied = JSON.parse((await page.evaluate('navigator.clipboard.readText()')) as string) as { message?: string; table?: string };
    assert.strictEqual(copied.table, 'traces');
    assert.strictEqual(copied.message, XSS_MESSAGE);
  });

  it('shows metrics, the map and live rates from the same app', async () => {
    await showView('metrics');
    await panel.locator('.metric-card .metric-name', { hasText: 'order_value' }).waitFor({ timeout: 30_000 });
    const names = await panel.locator('.metric-card .metric-name').allInnerTexts();
    assert.ok(names.includes('orders_created') && names.includes('order_value'), names.join(', '));
    await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'panel-metrics.png') });

    await showView('map');
    await panel.locator('.node-label', { hasText: 'payments.example' }).first().waitFor({ timeout: 30_000 });
    // SVG text has no innerText.
    const labels = (await panel.locator('.node-label').allTextContents()).map(squash);
    for (const expected of ['shop-api', 'inventory.local', 'payments.example']) {
      assert.ok(
        labels.some((label) => label.includes(expected)),
        `${expected} on the map: ${labels.join(', ')}`,
      );
    }
    await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'panel-map.png') });

    await showView('live');
    await panel.locator('.live-source').waitFor();
    await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'panel-live.png') });
  });

  it('Performance, Failures and Query tabs over the same app: figures, breakdowns and a query answer', async () => {
    await showView('performance');
    const operations = panel.locator('.performance-list .vlist-row');
    await operations.filter({ hasText: 'POST /orders' }).waitFor({ timeout: 30_000 });
    const rows = (await operations.allInnerTexts()).map(squash);
    // One request each: count 1, average = p50 = p95 = p99 = its duration.
    assert.deepStrictEqual(rows, ['POST /orders 1 1 240 ms 240 ms 240 ms 240 ms', 'GET /orders/{id} 1 0 140 ms 140 ms 140 ms 140 ms']);
    await operations.filter({ hasText: 'POST /orders' }).click();
    await panel.locator('.performance-detail .histogram-chart canvas').waitFor();
    const dependencies = (await panel.locator('.performance-detail .related-row').allInnerTexts()).map(squash);
    // Its dependencies by type · target, the most total time first (the exporter names HTTP calls "Http").
    assert.deepStrictEqual(dependencies, ['Http · payments.example 1 1 failed 210 ms', 'postgresql · orders-db|shop 1 12 ms']);
    await framesPainted();
    await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'panel-performance.png') });

    await showView('failures');
    const failures = panel.locator('.failures-list .vlist-row');
    await failures.first().waitFor({ timeout: 30_000 });
    assert.deepStrictEqual((await failures.allInnerTexts()).map(squash), ['POST /orders 1 1 100%']);
    await panel.locator('[data-dimension="exceptionType"] .related-row', { hasText: 'PaymentError' }).waitFor();
    assert.deepStrictEqual((await panel.locator('[data-dimension="resultCode"] .related-row').allInnerTexts()).map(squash), ['500 1']);
    await panel.locator('.failures-detail .chart canvas').waitFor();
    await framesPainted();
    await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'panel-failures.png') });
    // A failed sample opens its transaction.
    await panel.locator('.failures-detail .sample-row').first().click();
    await panel.locator('vscode-tab-panel[data-view="transactions"]:not([hidden])').waitFor();
    await eventually(async () =>
      assert.strictEqual(squash(await panel.locator('.transaction-header .operation-id').innerText()), report.failedTraceId),
    );

    await showView('query');
    const editor = panel.locator('.query-editor');
    await editor.fill('requests\n| where success == false\n| project name, resultCode, duration');
    await panel.locator('.query-run').click();
    const answer = panel.locator('.query-row');
    await answer.first().waitFor({ timeout: 30_000 });
    assert.deepStrictEqual((await answer.allInnerTexts()).map(squash), ['POST /orders 500 240']);
    await framesPainted();
    await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'panel-query.png') });
  });

  it('comes back after a window reload (serializer) and gets a fresh snapshot from the host', async () => {
    await page.reload();
    await waitForWorkbench(page);
    panel = panelFrame(page);
    await panel.locator('.panel-root .toolbar').waitFor({ timeout: 60_000 });
    // The restored webview asked for a snapshot: the indicator leaves "Connecting…".
    await panel.locator('.stream-indicator[data-mode="live"]').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'panel-restored.png') });
    assert.deepStrictEqual(
      pageErrors.filter((error) => /azure|monitor|webview/i.test(error)),
      [],
    );
  });
});
