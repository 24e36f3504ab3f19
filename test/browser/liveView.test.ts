/**
 * The portal's Live Metrics through the relay, seen in the real workbench (issue 15): a connection
 * string whose endpoints are the fake Azure service is set from the command palette, the panel's
 * Live view is opened, and a real `@azure/monitor-opentelemetry` app with Live Metrics on is started
 * in a VS Code terminal. Nobody watches in the portal, yet the open Live view makes the app post:
 * the panel shows its rates while the service hears pings only. Then the portal starts watching:
 * the service receives the app's posts with the real key, and the panel says the portal is
 * watching. Screenshots: test-results/live-*.png.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { CodeServer, createRunDir, startCodeServer } from '../harness/codeServer';
import { eventually } from '../harness/eventually';
import { REPO_ROOT, SAMPLE_WORKSPACE, TEST_RESULTS_DIR } from '../harness/paths';
import {
  launchChromium,
  notificationShown,
  openWorkbench,
  QUICK_INPUT,
  runCommandFromPalette,
  runInTerminal,
  waitForWorkbench,
  workbenchUrl,
} from '../harness/workbench';
import { FakeIngestion } from '../fakes/fakeIngestion';
import type { LiveAppReport } from './apps/liveMetricsApp';

const LIVE_APP = path.join(REPO_ROOT, 'out', 'test', 'browser', 'apps', 'liveMetricsApp.js');
const REAL_KEY = '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';

describe('Live view with forwarding on, in the real workbench', function () {
  this.timeout(240_000);
  let fake: FakeIngestion;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let panel: FrameLocator;
  let runDir: string;
  let stopFile: string;
  let reportFile: string;

  before(async () => {
    fs.mkdirSync(TEST_RESULTS_DIR, { recursive: true });
    fake = await FakeIngestion.start({ expectKey: REAL_KEY });
    // Nobody watches in the portal yet; a short polling hint keeps the test's waits short.
    fake.live.setSubscribed(false).setPollingHint(1000);
    runDir = createRunDir();
    const workspace = path.join(runDir, 'workspace');
    fs.cpSync(SAMPLE_WORKSPACE, workspace, { recursive: true });
    stopFile = path.join(runDir, 'live-app.stop');
    reportFile = path.join(runDir, 'live-app.json');
    server = await startCodeServer({
      runDir,
      settings: { 'terminal.integrated.enablePersistentSessions': false, 'terminal.integrated.gpuAcceleration': 'off' },
    });
    browser = await launchChromium();
    ({ page } = await openWorkbench(browser, workbenchUrl({ baseUrl: server.url, folder: workspace })));
    await waitForWorkbench(page);
    await runCommandFromPalette(page, 'View: Close Primary Side Bar');
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page)
      await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'live-failure.png') }).catch(() => undefined);
  });

  after(async () => {
    if (stopFile) fs.writeFileSync(stopFile, 'stop');
    await browser?.close();
    await server?.stop();
    await fake?.close();
  });

  it('the open Live view makes the app post to the panel only; when the portal watches, the service gets the posts with the real key', async () => {
    await runCommandFromPalette(page, 'Azure Monitor: Set Connection String');
    const input = page.locator(QUICK_INPUT);
    await input.waitFor({ state: 'visible' });
    await page.keyboard.type(fake.connectionString(REAL_KEY), { delay: 0 });
    await page.keyboard.press('Enter');
    await notificationShown(page, 'Connection string saved');
    await runCommandFromPalette(page, 'Notifications: Clear All Notifications');

    await runCommandFromPalette(page, 'Azure Monitor: Open Live Telemetry');
    panel = page.frameLocator('iframe.webview').frameLocator('#active-frame');
    await panel.locator('.panel-root .toolbar').waitFor({ timeout: 60_000 });
    await panel.locator('.forwarding-strip', { hasText: /Forwarding to/ }).waitFor({ timeout: 30_000 });
    await panel.locator('vscode-tab-header[data-view="live"]').click();
    await panel.locator('vscode-tab-panel[data-view="live"]:not([hidden])').waitFor();

    await runCommandFromPalette(page, 'Terminal: Create New Terminal');
    await runInTerminal(page, `node '${LIVE_APP}' '${reportFile}' '${stopFile}'`);
    await runCommandFromPalette(page, 'View: Hide Panel');
    // The terminal's "some keybindings…" toast would cover the forwarding strip in the screenshots.
    await runCommandFromPalette(page, 'Notifications: Clear All Notifications');

    // Not watched in the portal, but the Live view is open: the app posts, and the panel shows it.
    const requestTile = panel.locator('.tile[data-metric="requestRate"] .tile-value');
    await eventually(async () => assert.match(await requestTile.innerText(), /[1-9]/, 'a request rate above zero'), {
      timeoutMs: 90_000,
      intervalMs: 500,
    });
    assert.strictEqual(fake.live.posts().length, 0, 'the service got no post while nobody watched in the portal');
    const pings = fake.live.pings();
    assert.ok(pings.length > 0, 'the service heard the pings');
    assert.ok(
      pings.every((request) => request.query.get('ikey') === REAL_KEY),
      'pings carry the real key',
    );
    assert.strictEqual(await panel.locator('.live-portal').isVisible(), false, 'the panel does not claim the portal is watching');
    await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'live-panel-only.png') });

    // The portal starts watching: the next ping says so, and the app's posts reach the service.
    fake.live.setSubscribed(true);
    await fake.live.waitFor((request) => request.operation === 'post', 2, 60_000);
    for (const post of fake.live.posts()) {
      assert.strictEqual(post.query.get('ikey'), REAL_KEY);
      assert.strictEqual(post.status, 200);
      // The 2024-04-01-preview data points carry no key of their own; where one is, it is the real one.
      const keys = (post.body as { InstrumentationKey?: string }[]).flatMap((point) =>
        point.InstrumentationKey === undefined ? [] : [point.InstrumentationKey],
      );
      assert.ok(
        keys.every((key) => key === REAL_KEY),
        `a data point with another key: ${keys.join(', ')}`,
      );
      assert.ok((post.body as unknown[]).length > 0, 'the post holds data points');
    }
    const portal = panel.locator('.live-portal');
    await portal.waitFor({ state: 'visible', timeout: 30_000 });
    assert.strictEqual(await portal.innerText(), 'Azure portal Live Metrics is watching');
    assert.match(await requestTile.innerText(), /[1-9]/);
    await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'live-portal-watching.png') });

    fs.writeFileSync(stopFile, 'stop');
    const report = await eventually(
      () => {
        if (!fs.existsSync(reportFile)) throw new Error('the app has not written its report yet');
        return JSON.parse(fs.readFileSync(reportFile, 'utf8')) as LiveAppReport;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    assert.ok(!report.error, `the app failed: ${report.error}`);
    assert.ok(report.requests > 0 && report.orders > 0, JSON.stringify(report));
  });
});
