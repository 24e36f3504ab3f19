/**
 * `npm start`: the extension's main job on this machine. Starts VS Code (code-server 4.100.3, the
 * VS Code 1.100.3 server and web workbench) on 127.0.0.1 with this extension loaded as a
 * development extension and the sample Python workspace open, then prints the URL to open.
 * Without a stored connection string everything stays local (local-only mode).
 *
 * Options: --port N (default: AZMON_PORT or a free port), --workspace DIR,
 *          --check (open the URL in headless Chromium, save test-results/npm-start.png, stop).
 */
import * as fs from 'fs';
import * as path from 'path';
import { startCodeServer } from '../test/harness/codeServer';
import { REPO_ROOT, SAMPLE_WORKSPACE, TEST_RESULTS_DIR } from '../test/harness/paths';
import { launchChromium, openWorkbench, waitForWorkbench, workbenchUrl } from '../test/harness/workbench';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const port = Number(option('--port') ?? process.env.AZMON_PORT ?? 0) || undefined;
  const workspace = path.resolve(option('--workspace') ?? SAMPLE_WORKSPACE);
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js is missing: run "npm run build" first (npm start does it for you).');
  }
  const server = await startCodeServer({ port, log: (line) => console.log(line) });
  const url = workbenchUrl({ baseUrl: server.url, folder: workspace });
  const stop = async (): Promise<void> => {
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  console.log('');
  console.log('VS Code with Azure Monitor for Python is running.');
  console.log(`Open: ${url}`);
  console.log(`Workspace: ${workspace}`);
  console.log('Telemetry stays on this machine until you run "Azure Monitor: Set Connection String".');
  console.log(`Server log: ${path.join(server.runDir, 'code-server.log')}. Press Ctrl+C to stop.`);

  if (process.argv.includes('--check')) {
    const browser = await launchChromium();
    try {
      const { page } = await openWorkbench(browser, url);
      await waitForWorkbench(page);
      await page.locator('.window-title, .titlebar', { hasText: 'Extension Development Host' }).first().waitFor({ timeout: 60_000 });
      fs.mkdirSync(TEST_RESULTS_DIR, { recursive: true });
      const shot = path.join(TEST_RESULTS_DIR, 'npm-start.png');
      await page.screenshot({ path: shot });
      console.log(`Check passed: the workbench is up with the extension loaded (${shot}).`);
    } finally {
      await browser.close();
      await server.stop();
    }
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
