/**
 * The user's view: a real VS Code workbench (code-server) in headless Chromium, our extension
 * loaded as a development extension, driven from the command palette like a person would.
 * Screenshots land in test-results/ — open them and look.
 */
import * as assert from 'assert';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { CodeServer, startCodeServer } from '../harness/codeServer';
import { SAMPLE_WORKSPACE, TEST_RESULTS_DIR } from '../harness/paths';
import {
  launchChromium,
  notificationShown,
  openWorkbench,
  QUICK_INPUT,
  runCommandFromPalette,
  waitForWorkbench,
  workbenchUrl,
} from '../harness/workbench';

describe('Command palette in the real workbench', function () {
  this.timeout(180_000);
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  const key = randomUUID();
  const connectionString = `InstrumentationKey=${key};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;LiveEndpoint=https://westeurope.livediagnostics.monitor.azure.com/`;

  before(async () => {
    fs.mkdirSync(TEST_RESULTS_DIR, { recursive: true });
    server = await startCodeServer();
    browser = await launchChromium();
    ({ page } = await openWorkbench(browser, workbenchUrl({ baseUrl: server.url, folder: SAMPLE_WORKSPACE })));
    await waitForWorkbench(page); // and until the palette lists the extension's commands
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page)
      await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'palette-test-failure.png') }).catch(() => undefined);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /**
   * The command's input box, told from the palette that opened it by its title: right after Enter
   * the same widget may still be the palette, whose text box is visible too.
   */
  async function connectionStringInputBox() {
    await page
      .locator('.quick-input-widget .quick-input-title', { hasText: 'Azure Monitor: Set Connection String' })
      .waitFor({ timeout: 30_000 });
    const input = page.locator(QUICK_INPUT);
    await input.waitFor({ state: 'visible' });
    return input;
  }

  it('"Azure Monitor: Set Connection String" takes a masked value and confirms it, redacted', async () => {
    await runCommandFromPalette(page, 'Azure Monitor: Set Connection String');
    const input = await connectionStringInputBox();
    assert.strictEqual(await input.getAttribute('type'), 'password', 'the value is masked while typed');
    await page.keyboard.type(connectionString, { delay: 0 });
    await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'set-connection-string-input.png') });
    await page.keyboard.press('Enter');
    const toast = await notificationShown(page, 'Connection string saved');
    const text = await toast.innerText();
    assert.match(text, new RegExp(`${key.slice(0, 4)}…${key.slice(-4)}`));
    assert.ok(!text.includes(key), 'the full key is never shown');
    await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'set-connection-string-confirmed.png') });
  });

  it('"Azure Monitor: Show Connection String" shows the endpoints and the redacted key', async () => {
    await runCommandFromPalette(page, 'Azure Monitor: Show Connection String');
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'Azure Monitor connection string' });
    await dialog.waitFor({ timeout: 30_000 });
    const text = await dialog.innerText();
    assert.match(text, /Ingestion endpoint: https:\/\/westeurope-5\.in\.applicationinsights\.azure\.com\//);
    assert.match(text, new RegExp(`Instrumentation key: ${key.slice(0, 4)}…${key.slice(-4)}`));
    assert.ok(!text.includes(key), 'the full key is never shown');
    await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'show-connection-string.png') });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('an invalid value is refused in the input box with the reason', async () => {
    await runCommandFromPalette(page, 'Azure Monitor: Set Connection String');
    const input = await connectionStringInputBox();
    await input.fill('InstrumentationKey=not-a-guid');
    const message = page.locator('.quick-input-widget .quick-input-message', { hasText: 'not a GUID' });
    await message.waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'set-connection-string-invalid.png') });
    await page.keyboard.press('Escape');
  });
});
