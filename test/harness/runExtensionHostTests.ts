/**
 * Runs the extension-host test suite (test/exthost/suite) inside a real VS Code extension host.
 *
 * Here (no internet): code-server 4.100.3 + headless Chromium. The workbench URL's payload loads
 * the extension as a development extension and the suite as `extensionTestsPath`; when the suite
 * settles, the workbench calls `window.codeAutomationExit(code)`, which we expose with Playwright.
 * With VSCODE_TEST_DESKTOP=1 (developers with internet access): @vscode/test-electron downloads
 * VS Code desktop and runs the same suite through the same `run()` entry.
 *
 * Exit code: the suite's (0 = all passed). A JSON summary goes to test-results/exthost-summary.json.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import { createRunDir, startCodeServer } from './codeServer';
import { REPO_ROOT, SAMPLE_WORKSPACE, TEST_RESULTS_DIR } from './paths';
import { startUiDriver } from './uiDriver';
import { launchChromium, workbenchUrl } from './workbench';

const SUITE_ENTRY = path.join(REPO_ROOT, 'out', 'test', 'exthost', 'suite', 'index.js');
/** The gallery lookup and Microsoft's closed-source module fail offline, harmlessly. */
const KNOWN_OFFLINE_NOISE =
  /open-vsx\.org|vsda|Updating additional builtin extensions cache|Creating a socket|Service Worker|ChatSessionStore/;
const TIMEOUT_MS = Number(process.env.EXT_TEST_TIMEOUT_MS ?? 300_000);

export async function runExtensionHostTests(
  summaryFile = process.env.AZMON_EXTHOST_SUMMARY_FILE ?? path.join(TEST_RESULTS_DIR, 'exthost-summary.json'),
): Promise<number> {
  fs.mkdirSync(TEST_RESULTS_DIR, { recursive: true });
  fs.rmSync(summaryFile, { force: true });
  if (!fs.existsSync(SUITE_ENTRY)) {
    throw new Error(`${SUITE_ENTRY} is missing: run "npm run compile" first.`);
  }
  return process.env.VSCODE_TEST_DESKTOP === '1' ? runOnDesktop(summaryFile) : runOnCodeServer(summaryFile);
}

async function runOnDesktop(summaryFile: string): Promise<number> {
  // Loaded lazily: it is only usable where VS Code can be downloaded.
  const { runTests } = await import('@vscode/test-electron');
  const workspace = copyWorkspace(createRunDir());
  try {
    await runTests({
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: SUITE_ENTRY,
      launchArgs: [workspace, '--disable-extensions'],
      extensionTestsEnv: { AZMON_TEST_RESULT_FILE: summaryFile, AZMON_TEST_WORKSPACE: workspace },
    });
    return 0;
  } catch (error) {
    console.error(error);
    return 1;
  }
}

async function runOnCodeServer(summaryFile: string): Promise<number> {
  const runDir = createRunDir();
  const workspace = copyWorkspace(runDir);
  const ui = await startUiDriver();
  const server = await startCodeServer({
    runDir,
    env: {
      AZMON_TEST_RESULT_FILE: summaryFile,
      AZMON_UI_DRIVER_URL: ui.url,
      AZMON_TEST_WORKSPACE: workspace,
      AZMON_TEST_SERVER_DATA_DIR: runDir,
    },
  });
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    ui.attach(page);
    let finish: (code: number | 'timeout') => void = () => undefined;
    const finished = new Promise<number | 'timeout'>((resolve) => (finish = resolve));
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const line = util.format(...(args ?? []));
      if (!KNOWN_OFFLINE_NOISE.test(line)) console.log(line);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => finish(code));
    page.on('pageerror', (error) => console.error('[workbench page error]', String(error).slice(0, 300)));
    await page.goto(workbenchUrl({ baseUrl: server.url, folder: workspace, extensionTestsPath: SUITE_ENTRY }));
    const timer = setTimeout(() => finish('timeout'), TIMEOUT_MS);
    const code = await finished;
    clearTimeout(timer);
    if (code === 'timeout') {
      console.error(`Extension-host tests did not finish within ${TIMEOUT_MS} ms; server log: ${path.join(runDir, 'code-server.log')}`);
      return 124;
    }
    return code;
  } finally {
    await browser.close();
    await server.stop();
    await ui.close();
  }
}

/** Tests may edit files: they get a copy of the sample workspace, never the repository's. */
function copyWorkspace(runDir: string): string {
  const workspace = path.join(runDir, 'workspace');
  fs.cpSync(SAMPLE_WORKSPACE, workspace, { recursive: true });
  return workspace;
}

if (require.main === module) {
  runExtensionHostTests().then(
    (code) => {
      console.log(`extension-host tests exited with code ${code}`);
      process.exit(code);
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
