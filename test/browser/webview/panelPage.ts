/**
 * The panel in headless Chromium as VS Code would load it: a page with the same CSP as the host's
 * HTML (so a violation shows up), the theme variables VS Code injects, the built bundle, its CSS
 * and the codicon assets listed in src/webview/assets.json — served from a loopback HTTP server.
 * `acquireVsCodeApi` is a fake that records what the webview posts; the test plays the host by
 * posting `message` events. With `locale: 'ko'` the page carries the host's string table built
 * from l10n/bundle.l10n.ko.json, as vscode.l10n.t gives it in a Korean VS Code.
 */
import * as assert from 'assert';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { panelStrings, panelStringsScript } from '../../../src/extension/panel/panelStrings';
import type { HostToWebview, WebviewToHost } from '../../../src/shared/messages';
import { CHROMIUM_PATH, REPO_ROOT, TEST_RESULTS_DIR } from '../../harness/paths';
import { type ThemeKind, themeCss } from './themes';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.html': 'text/html; charset=utf-8',
};

export interface PanelServer {
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * Serves the panel's files. They are read once, up front: other builds running in the same work
 * tree may delete dist/ while the tests run.
 */
export async function startPanelServer(): Promise<PanelServer> {
  const files = new Map<string, Buffer>();
  const bundle = path.join(REPO_ROOT, 'dist', 'webview', 'main.js');
  if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing: run "node esbuild.mjs" first`);
  files.set('/dist/webview/main.js', fs.readFileSync(bundle));
  files.set('/media/panel.css', fs.readFileSync(path.join(REPO_ROOT, 'media', 'panel.css')));
  const assets = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'src', 'webview', 'assets.json'), 'utf8')) as [string, string][];
  for (const [from, to] of assets) files.set(`/${to}`, fs.readFileSync(path.join(REPO_ROOT, from)));
  files.set('/theme-light.css', Buffer.from(themeCss('light')));
  files.set('/theme-dark.css', Buffer.from(themeCss('dark')));
  const korean = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'l10n', 'bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
  const tables: Record<Locale, Record<string, string>> = { en: {}, ko: panelStrings((english) => korean[english] ?? english) };

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (url.pathname === '/panel.html') {
      const theme = url.searchParams.get('theme') === 'dark' ? 'dark' : 'light';
      const state = url.searchParams.get('state') ?? 'null';
      response.writeHead(200, { 'content-type': CONTENT_TYPES['.html']!, 'cache-control': 'no-store' });
      const locale: Locale = url.searchParams.get('locale') === 'ko' ? 'ko' : 'en';
      response.end(panelHtml(origin, theme, state, url.searchParams.get('codicons') !== 'no', locale, tables[locale]));
      return;
    }
    if (url.pathname === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    const body = files.get(url.pathname);
    if (!body) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(url.pathname)] ?? 'application/octet-stream' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The host's HTML (src/extension/panel/panelHtml.ts) with the test's stand-ins for VS Code. */
function panelHtml(
  origin: string,
  theme: ThemeKind,
  initialState: string,
  codiconLink: boolean,
  locale: Locale,
  strings: Record<string, string>,
): string {
  const nonce = randomBytes(16)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '');
  const csp = [
    `default-src 'none'`,
    `img-src ${origin} data:`,
    `style-src ${origin}`,
    `font-src ${origin}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${locale}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<script nonce="${nonce}">
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (event) => window.__csp.push(event.violatedDirective + ' ' + (event.blockedURI || '') + ' ' + (event.sample || '')));
  window.__posted = [];
  window.__state = ${initialState};
  window.acquireVsCodeApi = () => ({
    postMessage: (message) => window.__posted.push(JSON.parse(JSON.stringify(message))),
    getState: () => window.__state,
    setState: (state) => { window.__state = JSON.parse(JSON.stringify(state)); },
  });
</script>
<link rel="stylesheet" href="${origin}/theme-${theme}.css">
${codiconLink ? `<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${origin}/dist/webview/codicon.css">` : ''}
<link rel="stylesheet" href="${origin}/media/panel.css">
<title>Live Telemetry</title>
</head>
<body class="vscode-${theme}" data-vscode-theme-kind="vscode-${theme}">
<div id="app" data-loading="Waiting for telemetry…"></div>
${panelStringsScript(strings, nonce)}
<script nonce="${nonce}" src="${origin}/dist/webview/main.js"></script>
</body>
</html>`;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** The UI languages the test page can play: English (no table) and Korean. */
export type Locale = 'en' | 'ko';

export interface PanelOpenOptions {
  readonly theme?: ThemeKind;
  readonly width?: number;
  readonly height?: number;
  readonly state?: unknown;
  readonly codiconLink?: boolean;
  readonly locale?: Locale;
}

export type ViewName = 'transactions' | 'performance' | 'failures' | 'logs' | 'query' | 'metrics' | 'map' | 'live';

export class PanelPage {
  private constructor(
    readonly page: Page,
    readonly errors: string[],
  ) {}

  static async open(browser: Browser, server: PanelServer, options: PanelOpenOptions = {}): Promise<PanelPage> {
    const context = await browser.newContext({
      viewport: { width: options.width ?? 1280, height: options.height ?? 760 },
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    const query = new URLSearchParams({
      theme: options.theme ?? 'light',
      state: JSON.stringify(options.state ?? null),
      codicons: options.codiconLink === false ? 'no' : 'yes',
      locale: options.locale ?? 'en',
    });
    await page.goto(`${server.origin}/panel.html?${query}`);
    const panel = new PanelPage(page, errors);
    // A function, not a string: the page's CSP forbids eval, which string predicates need.
    await page.waitForFunction(() =>
      (globalThis as unknown as { __posted: { type: string }[] }).__posted.some((message) => message.type === 'ready'),
    );
    return panel;
  }

  /** Plays the host: posts a message to the webview and waits for it to be rendered. */
  async send(message: HostToWebview): Promise<void> {
    await this.page.evaluate(
      (data) => (globalThis as unknown as { postMessage(message: unknown, origin: string): void }).postMessage(data, '*'),
      message as unknown,
    );
    await this.settle();
  }

  /** Waits two animation frames (one to apply and render, one to paint). */
  async settle(): Promise<void> {
    await this.page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
  }

  async posted(): Promise<WebviewToHost[]> {
    return (await this.page.evaluate('window.__posted')) as WebviewToHost[];
  }

  async postedOfType<T extends WebviewToHost['type']>(type: T): Promise<Extract<WebviewToHost, { type: T }>[]> {
    return (await this.posted()).filter((message): message is Extract<WebviewToHost, { type: T }> => message.type === type);
  }

  async cspViolations(): Promise<string[]> {
    return (await this.page.evaluate('window.__csp')) as string[];
  }

  /** What the webview saved with setState so far; saving is debounced: check it with `eventually`. */
  async savedState(): Promise<Record<string, unknown> | null> {
    return (await this.page.evaluate('window.__state')) as Record<string, unknown> | null;
  }

  async showView(view: ViewName): Promise<void> {
    await this.page.locator(`vscode-tab-header[data-view="${view}"]`).click();
    await this.page.locator(`vscode-tab-panel[data-view="${view}"]:not([hidden])`).waitFor();
    await this.settle();
  }

  /** The visible tab panel. */
  view(view: ViewName) {
    return this.page.locator(`vscode-tab-panel[data-view="${view}"]`);
  }

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(TEST_RESULTS_DIR, { recursive: true });
    const file = path.join(TEST_RESULTS_DIR, `webview-${name}.png`);
    await this.settle();
    await this.page.screenshot({ path: file });
    return file;
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }
}

export interface PanelPages {
  readonly browser: Browser;
  readonly server: PanelServer;
  /** The page of the running test. */
  readonly panel: PanelPage;
}

/**
 * The mocha hooks every test file of the bundle needs: one Chromium and one page server per file,
 * a fresh panel page per test (opened with `open`, then `prepare`d). After a passing test the page
 * must have had no CSP violation and no page error — unless `injectsMarkup` (tests that insert
 * hostile markup on purpose, whose blocked handlers are reported as violations).
 */
export function usePanelPages(
  options: { open?: PanelOpenOptions; prepare?: (panel: PanelPage) => Promise<void>; injectsMarkup?: boolean } = {},
): PanelPages {
  const pages = {} as { browser: Browser; server: PanelServer; panel: PanelPage };
  before(async () => {
    [pages.browser, pages.server] = await Promise.all([launchBrowser(), startPanelServer()]);
  });
  after(async () => {
    await pages.browser?.close();
    await pages.server?.close();
  });
  beforeEach(async () => {
    pages.panel = await PanelPage.open(pages.browser, pages.server, options.open);
    await options.prepare?.(pages.panel);
  });
  afterEach(async function () {
    const violations = options.injectsMarkup ? [] : await pages.panel.cspViolations();
    const errors = pages.panel.errors;
    await pages.panel.close();
    if (this.currentTest?.state === 'passed' && !options.injectsMarkup) {
      assert.deepStrictEqual(violations, [], 'no Content-Security-Policy violation');
      assert.deepStrictEqual(errors, [], 'no page error');
    }
  });
  return pages;
}
