/**
 * Headless Chromium (Debian's, driven by playwright-core) as the VS Code window: opens the
 * code-server workbench with our extension loaded as a development extension, and small helpers
 * for what a user does (command palette, notifications).
 */
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import * as path from 'path';
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

/** Waits until the workbench is up and the remote extension host had time to start. */
export async function waitForWorkbench(page: Page): Promise<void> {
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  await page.waitForSelector('.statusbar', { timeout: 90_000 });
  await page.waitForSelector('.statusbar-item', { timeout: 90_000 });
}

/** F1, type the command title, wait for it in the list, Enter — as a user does. */
export async function runCommandFromPalette(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  await input.fill(`>${title}`);
  try {
    await page.locator('.quick-input-list .monaco-list-row', { hasText: title.split(': ').pop() ?? title }).first().waitFor({ timeout: 30_000 });
  } catch (error) {
    // What the palette showed instead is the quickest clue.
    await page.screenshot({ path: path.join(TEST_RESULTS_DIR, 'palette-failure.png') }).catch(() => undefined);
    throw error;
  }
  await page.keyboard.press('Enter');
}

export function notification(page: Page, text: string | RegExp) {
  return page.locator('.notification-toast', { hasText: text });
}
