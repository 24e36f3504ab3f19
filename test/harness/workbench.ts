/**
 * Headless Chromium (Debian's, driven by playwright-core) as the VS Code window: opens the
 * code-server workbench with our extension loaded as a development extension, and small helpers
 * for what a user does (command palette, quick open, notifications), each waiting for what the
 * screen shows, never for time (CONTRIBUTING: "Writing a UI test that never flakes").
 */
import * as assert from 'assert';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import * as path from 'path';
import { eventually } from './eventually';
import { CHROMIUM_PATH, REPO_ROOT, TEST_RESULTS_DIR } from './paths';

/** Without the background-networking flags Chromium keeps trying to reach the (closed) internet. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export interface WorkbenchUrlOptions {
  readonly baseUrl: string;
  readonly folder: string;
  readonly extensionDevelopmentPath?: string;
  readonly extensionTestsPath?: string;
}

/**
 * code-server's CLI rejects --extensionDevelopmentPath; the workbench takes the same options from
 * the `payload` URL parameter and then starts an Extension Development Host.
 */
export function workbenchUrl(options: WorkbenchUrlOptions): string {
  const url = new URL(options.baseUrl);
  const remote = (file: string): string => `vscode-remote://${url.host}${file}`;
  const payload: [string, string][] = [['skipWelcome', 'true']];
  payload.unshift(['extensionDevelopmentPath', remote(options.extensionDevelopmentPath ?? REPO_ROOT)]);
  if (options.extensionTestsPath) {
    payload.push(['extensionTestsPath', remote(options.extensionTestsPath)]);
  }
  url.searchParams.set('folder', options.folder);
  url.searchParams.set('payload', JSON.stringify(payload));
  return url.toString();
}

export interface OpenWorkbench {
  readonly context: BrowserContext;
  readonly page: Page;
}

export async function openWorkbench(browser: Browser, url: string): Promise<OpenWorkbench> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(url);
  return { context, page };
}

/** The quick input (palette, quick open, input boxes, the wizard's pickers): one widget, one text box. */
export const QUICK_INPUT_WIDGET = '.quick-input-widget';
export const QUICK_INPUT = '.quick-input-widget .quick-input-box input';
const QUICK_INPUT_ROW = '.quick-input-widget .quick-input-list .monaco-list-row';

/** A command every build of the extension contributes: listed in the palette = contributions registered. */
const EXTENSION_PROBE_COMMAND = 'Azure Monitor: Show Log';

export interface WaitForWorkbenchOptions {
  /**
   * Also wait until the workbench has registered the extension's contributions (default true).
   * That happens seconds after the workbench is drawn — when the remote extension host has
   * scanned the development extension — and a palette opened before then never lists them.
   */
  readonly extension?: boolean;
}

/** Waits until the workbench is drawn and (by default) knows the extension's commands. */
export async function waitForWorkbench(page: Page, options: WaitForWorkbenchOptions = {}): Promise<void> {
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  await page.waitForSelector('.statusbar', { timeout: 90_000 });
  await page.waitForSelector('.statusbar-item', { timeout: 90_000 });
  if (options.extension ?? true) {
    await findInQuickInput(page, `>${EXTENSION_PROBE_COMMAND}`, EXTENSION_PROBE_COMMAND);
    await closeQuickInput(page);
  }
}

/**
 * Closes whatever quick input is open (a palette left behind by a failed test, an input box):
 * focus its text box, Escape, until the widget is hidden.
 */
export async function closeQuickInput(page: Page): Promise<void> {
  const widget = page.locator(QUICK_INPUT_WIDGET);
  await eventually(
    async () => {
      if (!(await widget.isVisible())) return;
      await page
        .locator(QUICK_INPUT)
        .focus({ timeout: 2_000 })
        .catch(() => undefined);
      await page.keyboard.press('Escape');
      await widget.waitFor({ state: 'hidden', timeout: 2_000 });
    },
    { timeoutMs: 20_000, intervalMs: 0 },
  );
}

/**
 * F1 until the palette's text box is visible. A key pressed while the focus is in a webview that
 * is still loading (the live panel just opened) never reaches the workbench: pressed again then.
 */
export async function openPalette(page: Page, timeoutMs = 60_000): Promise<void> {
  let tries = 0;
  const started = Date.now();
  await eventually(
    async () => {
      tries++;
      await closeQuickInput(page);
      await page.keyboard.press('F1');
      await page.locator(QUICK_INPUT).waitFor({ state: 'visible', timeout: Math.min(2_000 * tries, 10_000) });
    },
    { timeoutMs, intervalMs: 0 },
  );
  if (tries > 1) uiTrace(`the palette opened at F1 number ${tries} (${Date.now() - started} ms)`);
}

/** Retries are normal on a busy machine; the log says how many it took (a clue when one runs out). */
function uiTrace(line: string): void {
  console.log(`      [ui] ${line}`);
}

/**
 * Opens the palette, types `value` and waits until the highlighted (first) row shows `rowText`;
 * leaves the palette open on it. The list is computed when the typed value changes and is not
 * refreshed when contributions arrive later: if the row is not there, the palette is closed and
 * opened again, with a longer wait each time, until `timeoutMs` has passed.
 */
export async function findInQuickInput(page: Page, value: string, rowText: string, timeoutMs = 120_000): Promise<void> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  let tries = 0;
  const misses: string[] = [];
  try {
    await eventually(
      async () => {
        tries++;
        try {
          await openPalette(page, Math.max(deadline - Date.now(), 1_000));
          const wait = Math.min(2_000 * tries, 10_000);
          // Short: the palette closes when something takes the focus (a webview focusing itself
          // after "View: Hide Panel"); then it is opened again rather than waited for.
          await page.locator(QUICK_INPUT).fill(value, { timeout: wait });
          await page.locator(`${QUICK_INPUT_ROW}.focused`, { hasText: rowText }).waitFor({ timeout: wait });
        } catch (error) {
          misses.push(`${Date.now() - started} ms: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
          throw error;
        }
      },
      { timeoutMs, intervalMs: 0 },
    );
    if (tries > 1)
      uiTrace(`"${rowText}" listed for "${value}" at try ${tries} (${Date.now() - started} ms; missed: ${misses.join(' | ')})`);
  } catch (error) {
    // What the palette showed instead is the quickest clue.
    const shown = await page
      .locator(QUICK_INPUT_ROW)
      .allInnerTexts()
      .catch(() => []);
    await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'palette-failure.png') }).catch(() => undefined);
    throw new Error(
      `"${rowText}" was not the first row for "${value}" after ${tries} tries in ${Math.round(timeoutMs / 1000)} s; the list showed: ${JSON.stringify(shown.map((row) => row.replace(/\s+/g, ' ')))} (test-results/palette-failure.png). Last error: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      { cause: error },
    );
  }
}

/** F1, type the command title, wait until it is the highlighted row, Enter — as a user does. */
export async function runCommandFromPalette(page: Page, title: string): Promise<void> {
  await findInQuickInput(page, `>${title}`, title);
  await page.keyboard.press('Enter');
}

/** Opens a workspace file through quick open (the palette without ">") and waits for its tab. */
export async function openFileFromQuickOpen(page: Page, name: string): Promise<void> {
  await findInQuickInput(page, name, name);
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 30_000 });
}

/** A notification toast with the text, once it has finished sliding in (VS Code marks that with a class). */
export async function notificationShown(page: Page, text: string | RegExp, timeoutMs = 30_000) {
  const toast = page.locator('.notification-toast.notification-fade-in-done', { hasText: text });
  await toast.waitFor({ timeout: timeoutMs });
  return toast;
}

export function notification(page: Page, text: string | RegExp) {
  return page.locator('.notification-toast', { hasText: text });
}

/**
 * Runs `command` in the workbench's first terminal: waits for the shell's prompt (typed before the
 * shell shows it, the command could be lost while the shell starts), clicks the terminal, types and
 * presses Enter.
 */
export async function runInTerminal(page: Page, command: string): Promise<void> {
  const rows = page.locator('.terminal-wrapper .xterm-rows').first();
  await eventually(async () => assert.match((await rows.innerText()).replace(/\u00a0/g, ' '), /[#$]\s*$/m, "the shell's prompt"), {
    timeoutMs: 60_000,
  });
  await page.locator('.terminal-wrapper .xterm').first().click();
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
}
