/**
 * Issue 13 item 1 in the real workbench: a terminal opened before *Developer: Reload Window* still
 * reaches the relay afterwards. VS Code keeps the terminal's shell (and so its environment) across
 * the reload; the extension host is replaced and its relay with it, so the new relay must listen on
 * the same port with the same local key. Proven with the shell's PID (the same process before and
 * after), its APPLICATIONINSIGHTS_CONNECTION_STRING, and an app started in it after the reload
 * being counted in the status bar. Then an app with an old key is refused and the open panel says
 * so. Screenshots: test-results/reload-*.png.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { CodeServer, createRunDir, startCodeServer } from '../harness/codeServer';
import { SAMPLE_WORKSPACE, TEST_RESULTS_DIR } from '../harness/paths';
import { eventually } from '../harness/eventually';
import { launchChromium, openWorkbench, runCommandFromPalette, runInTerminal, waitForWorkbench, workbenchUrl } from '../harness/workbench';

const OLD_KEY = '0badc0de-0000-4000-8000-000000000013';

describe('Reload Window keeps open terminals connected to the relay', function () {
  this.timeout(300_000);
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let runDir: string;
  let workspace: string;
  const shot = (name: string) => page.screenshot({ path: path.join(TEST_RESULTS_DIR, `reload-${name}.png`) });
  const statusItem = () => page.locator('.statusbar-item', { hasText: 'Azure Monitor:' }).first();
  const countOf = async (): Promise<number> => Number(/·\s*(\d+)/.exec(await statusItem().innerText())?.[1] ?? 0);

  before(async () => {
    fs.mkdirSync(TEST_RESULTS_DIR, { recursive: true });
    runDir = createRunDir();
    workspace = path.join(runDir, 'workspace');
    fs.cpSync(SAMPLE_WORKSPACE, workspace, { recursive: true });
    // Persistent sessions (VS Code's default) are what keeps a terminal across a reload. The DOM
    // renderer puts the terminal's text in the page, so the test can wait for the shell's prompt.
    server = await startCodeServer({
      runDir,
      settings: { 'terminal.integrated.enablePersistentSessions': true, 'terminal.integrated.gpuAcceleration': 'off' },
    });
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

  /** The shell's PID and connection string, written by the shell itself into `file`. */
  async function shellFacts(file: string): Promise<{ pid: string; connectionString: string }> {
    await runInTerminal(page, `echo "$$ $APPLICATIONINSIGHTS_CONNECTION_STRING" > '${file}.tmp' && mv '${file}.tmp' '${file}'`);
    const text = await eventually(
      () => {
        if (!fs.existsSync(file)) throw new Error(`the terminal did not write ${file}`);
        return fs.readFileSync(file, 'utf8').trim();
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const [pid, connectionString = ''] = text.split(' ');
    return { pid, connectionString };
  }

  const relayIsUp = () =>
    eventually(async () => assert.match(await statusItem().innerText(), /Azure Monitor: local-only/), { timeoutMs: 60_000 });

  it('a terminal opened before the reload still reaches the relay after it: an app started there is counted', async () => {
    // Any command activates the extension and starts the relay. A terminal created before the
    // extension first activated in a workspace has none of its variables (VS Code then marks it stale).
    await runCommandFromPalette(page, 'Azure Monitor: Show Log');
    await relayIsUp();
    await runCommandFromPalette(page, 'Terminal: Create New Terminal');
    const before = await shellFacts(path.join(runDir, 'before.txt'));
    assert.match(
      before.connectionString,
      /^InstrumentationKey=[0-9a-f-]{36};IngestionEndpoint=http:\/\/127\.0\.0\.1:\d+\/;/,
      'the terminal got the relay variables',
    );
    await shot('1-before');

    const reloaded = page.waitForEvent('load');
    await runCommandFromPalette(page, 'Developer: Reload Window');
    await reloaded;
    await waitForWorkbench(page);
    // The restored terminal (not a new one) and a relay started for it without any other trigger.
    await page.locator('.terminal-wrapper .xterm-rows').first().waitFor({ timeout: 60_000 });
    await relayIsUp();
    const after = await shellFacts(path.join(runDir, 'after.txt'));
    assert.strictEqual(after.pid, before.pid, 'the same shell process, restored by VS Code');
    assert.strictEqual(after.connectionString, before.connectionString, 'which still holds the environment from before the reload');

    const countBefore = await countOf();
    await runInTerminal(page, `python3 '${path.join(workspace, 'stdlib_telemetry.py')}'`);
    await eventually(
      async () =>
        assert.strictEqual(
          await countOf(),
          countBefore + 2,
          `the app's two items were counted (status bar: "${await statusItem().innerText()}")`,
        ),
      { timeoutMs: 60_000 },
    );
    await eventually(
      async () =>
        assert.match(
          (await page.locator('.terminal-wrapper .xterm-rows').first().innerText()).replace(/\u00a0/g, ' '),
          /sent 2 items: HTTP 200/,
        ),
      { timeoutMs: 30_000 },
    );
    await shot('2-after-reload-counted');
  });

  it('an app with an old key is refused, and the open live panel says to restart its terminal', async () => {
    await runCommandFromPalette(page, 'Azure Monitor: Open Live Telemetry');
    const panel = page.frameLocator('iframe.webview').frameLocator('#active-frame');
    await panel.locator('.panel-root .toolbar').waitFor({ timeout: 60_000 });
    const facts = await shellFacts(path.join(runDir, 'current.txt'));
    const stale = facts.connectionString.replace(/InstrumentationKey=[0-9a-f-]{36}/, `InstrumentationKey=${OLD_KEY}`);
    const staleOutput = path.join(runDir, 'stale.txt');
    await runInTerminal(
      page,
      `APPLICATIONINSIGHTS_CONNECTION_STRING='${stale}' python3 '${path.join(workspace, 'stdlib_telemetry.py')}' > '${staleOutput}' 2>&1; echo done >> '${staleOutput}'`,
    );
    const notice = panel.locator('.notice-text', { hasText: 'old relay key' });
    await notice.waitFor({ timeout: 60_000 });
    assert.match(await notice.innerText(), /restart its terminal/);
    const output = await eventually(
      () => {
        const text = fs.readFileSync(staleOutput, 'utf8');
        assert.match(text, /done/, 'the app finished');
        return text;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    assert.match(output, /HTTP Error 403/, 'the app itself was refused');
    await shot('3-old-key-notice');
  });
});
