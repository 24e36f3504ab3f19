/**
 * Time to first paint of a 100k-item snapshot in the live panel: the real bundle
 * (dist/webview/main.js) in headless Chromium, on the page and fake `acquireVsCodeApi` the browser
 * tests use (test/browser/webview/panelPage.ts). The snapshot is the one the host-side feed builds
 * from a TelemetryStore holding 100k items decoded from the captured SDK envelopes.
 *
 * ours:     `postMessage(snapshot)` in the panel page → the Transactions view shows its first rows
 *           and the toolbar counts every item (checked once per animation frame, so the frame that
 *           rendered them has been painted).
 * baseline: the same message posted the same way to a page that only puts the newest screenful
 *           (40 items) into a plain <ul> as text. Both pay the structured clone of the 100k items
 *           that VS Code's postMessage also costs; the baseline pays nothing else, so it is the floor
 *           of "receive the snapshot, paint something". ratio = ours / baseline (lower is better).
 * Also printed: JSON.parse of the same snapshot text in the page (what the workbench side of
 * VS Code's postMessage pays), and the message size.
 *
 * Needs `node esbuild.mjs` (dist/webview). Knobs: BENCH_WEBVIEW_ITEMS (100000), BENCH_WEBVIEW_RUNS (3).
 */
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, PanelPage, type PanelServer, startPanelServer } from '../test/browser/webview/panelPage';
import { BenchResult, result } from './benchResult';
import { snapshotOf } from './panelData';

const ITEMS = Number(process.env.BENCH_WEBVIEW_ITEMS ?? 100_000);
const RUNS = Number(process.env.BENCH_WEBVIEW_RUNS ?? 3);
const VIEWPORT = { width: 1280, height: 760 };
const SCREENFUL = 40;

interface Timing {
  readonly parseMs: number;
  readonly paintMs: number;
}

/**
 * Sends the snapshot text once (untimed), then times post → painted, with `window.__painted()`
 * checked once a frame. Page code is passed as strings (as in the browser tests): this project's
 * Node type-check has no DOM types.
 */
async function timedPaint(page: Page, text: string): Promise<Timing> {
  await page.evaluate((snapshotText) => {
    (globalThis as unknown as { __snapshotText: string }).__snapshotText = snapshotText;
  }, text);
  return (await page.evaluate(`(async () => {
    const parseStarted = performance.now();
    const message = JSON.parse(window.__snapshotText);
    const parseMs = performance.now() - parseStarted;
    delete window.__snapshotText;
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    await frame();
    await frame();
    const started = performance.now();
    window.postMessage(message, '*');
    while (!window.__painted()) await frame();
    return { parseMs, paintMs: performance.now() - started };
  })()`)) as Timing;
}

async function panelRun(browser: Browser, server: PanelServer, text: string, items: number): Promise<Timing> {
  const panel = await PanelPage.open(browser, server, VIEWPORT);
  try {
    const countText = JSON.stringify(`${items.toLocaleString('en-US')} items`);
    await panel.page.evaluate(`window.__painted = () =>
      document.querySelector('.operations-list .vlist-row') !== null && document.querySelector('.toolbar .item-count')?.textContent === ${countText}`);
    const timing = await timedPaint(panel.page, text);
    if (panel.errors.length > 0) throw new Error(`the panel reported errors: ${panel.errors.join('; ')}`);
    return timing;
  } finally {
    await panel.close();
  }
}

async function plainListRun(browser: Browser, text: string): Promise<Timing> {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  try {
    const page = await context.newPage();
    await page.setContent('<!DOCTYPE html><html><body><ul id="list"></ul></body></html>');
    await page.evaluate(`(() => {
      const list = document.getElementById('list');
      window.addEventListener('message', (event) => {
        const items = event.data.items;
        const rows = [];
        for (let index = items.length - 1; index >= 0 && rows.length < ${SCREENFUL}; index--) {
          const row = document.createElement('li');
          row.textContent = items[index].message ?? items[index].name ?? items[index].table;
          rows.push(row);
        }
        list.replaceChildren(...rows);
      });
      window.__painted = () => list.childElementCount > 0;
    })()`);
    return await timedPaint(page, text);
  } finally {
    await context.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export async function run(): Promise<BenchResult[]> {
  const snapshot = snapshotOf(ITEMS);
  const text = JSON.stringify(snapshot);
  const [browser, server] = await Promise.all([launchBrowser(), startPanelServer()]);
  try {
    const ours: Timing[] = [];
    const floor: Timing[] = [];
    // Alternating, so a burst of load from the rest of the machine hits both sides.
    for (let runIndex = 0; runIndex < RUNS; runIndex++) {
      floor.push(await plainListRun(browser, text));
      ours.push(await panelRun(browser, server, text, snapshot.items.length));
    }
    return [
      result(
        { name: 'webview-snapshot-first-paint-100k', ours: median(ours.map((t) => t.paintMs)), baseline: median(floor.map((t) => t.paintMs)), unit: 'ms', better: 'lower' },
        {
          storeItems: ITEMS,
          panelItems: snapshot.items.length,
          messageMiB: Math.round((Buffer.byteLength(text) / 1024 / 1024) * 10) / 10,
          runs: RUNS,
          oursMs: ours.map((t) => Math.round(t.paintMs)),
          baselineMs: floor.map((t) => Math.round(t.paintMs)),
          jsonParseMs: Math.round(median([...ours, ...floor].map((t) => t.parseMs))),
        },
      ),
    ];
  } finally {
    await browser.close();
    await server.close();
  }
}
