/**
 * Time to first paint of a 100k-item snapshot in the live panel: the real bundle
 * (dist/webview/main.js) in headless Chromium, on the page and fake `acquireVsCodeApi` the browser
 * tests use (test/browser/webview/panelPage.ts). The snapshot is the one the host-side feed builds
 * from a TelemetryStore holding 100k items decoded from the captured SDK envelopes.
 *
 * ours:     the messages PanelFeed posts for that store (issue 20: the snapshot with the newest
 *           items, then chunks of older ones), all posted at once in the panel page → the
 *           Transactions view shows its first rows and the toolbar counts every item (checked once
 *           per animation frame, so the frame that rendered them has been painted). Also printed:
 *           post → every item in the model (`oursCompleteMs`).
 * baseline: the same message posted the same way to a page that only puts the newest screenful
 *           (40 items) into a plain <ul> as text. Both pay the structured clone of the 100k items
 *           that VS Code's postMessage also costs; the baseline pays nothing else, so it is the floor
 *           of "receive the snapshot, paint something". ratio = ours / baseline (lower is better).
 * Also printed: JSON.parse of the same snapshot text in the page (what the workbench side of
 * VS Code's postMessage pays), and the message size.
 *
 * Second figure, `webview-update-long-names`: the panel holds 100 transactions whose names are
 * 100,000 characters long (issue 12: every later update took 0.5–2.2 s); then one-item deltas are
 * posted one after the other, each timed post → painted (the toolbar counts it). baseline: the same
 * panel and deltas with 20-character names. The panel keeps the whole name but renders a capped
 * part of it, so the ratio should stay near 1.
 *
 * Needs `node esbuild.mjs` (dist/webview). Knobs: BENCH_WEBVIEW_ITEMS (100000), BENCH_WEBVIEW_RUNS (3),
 * BENCH_WEBVIEW_UPDATES (15).
 */
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, PanelPage, type PanelServer, startPanelServer } from '../test/browser/webview/panelPage';
import { BenchResult, result } from './benchResult';
import type { HostToWebview, PanelItem } from '../src/shared/messages';
import { feedMessagesOf, snapshotOf } from './panelData';

const ITEMS = Number(process.env.BENCH_WEBVIEW_ITEMS ?? 100_000);
const RUNS = Number(process.env.BENCH_WEBVIEW_RUNS ?? 3);
const UPDATES = Number(process.env.BENCH_WEBVIEW_UPDATES ?? 15);
const LONG_NAME_ITEMS = 100;
const LONG_NAME_LENGTH = 100_000;
const VIEWPORT = { width: 1280, height: 760 };
const SCREENFUL = 40;

interface Timing {
  readonly parseMs: number;
  readonly paintMs: number;
  /** Ours: post → every item in the model (the toolbar no longer says "queued"). */
  readonly completeMs?: number;
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

/**
 * Like timedPaint for the feed's messages (`text` is their JSON array): all are posted at once, as
 * the floor posts its one message, so both pay the same structured clones inside the timed window;
 * then it waits on until the last item is in (completeMs).
 */
async function timedFeedPaint(page: Page, text: string): Promise<Timing> {
  await page.evaluate((messagesText) => {
    (globalThis as unknown as { __messagesText: string }).__messagesText = messagesText;
  }, text);
  return (await page.evaluate(`(async () => {
    const parseStarted = performance.now();
    const messages = JSON.parse(window.__messagesText);
    const parseMs = performance.now() - parseStarted;
    delete window.__messagesText;
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    await frame();
    await frame();
    const started = performance.now();
    for (const message of messages) window.postMessage(message, '*');
    while (!window.__painted()) await frame();
    const paintMs = performance.now() - started;
    while (!window.__complete()) await frame();
    return { parseMs, paintMs, completeMs: performance.now() - started };
  })()`)) as Timing;
}

async function panelRun(browser: Browser, server: PanelServer, text: string, items: number): Promise<Timing> {
  const panel = await PanelPage.open(browser, server, VIEWPORT);
  try {
    const countText = JSON.stringify(`${items.toLocaleString('en-US')} items`);
    await panel.page.evaluate(`window.__painted = () =>
      document.querySelector('.operations-list .vlist-row') !== null && document.querySelector('.toolbar .item-count')?.textContent === ${countText};
      window.__complete = () => window.__painted() && !document.querySelector('.toolbar .stream-indicator')?.textContent?.includes('queued')`);
    const timing = await timedFeedPaint(panel.page, text);
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

/** 100 requests, each its own transaction, named with `nameLength` characters. */
function longNameSnapshot(nameLength: number): HostToWebview {
  const now = Date.now() - 60_000;
  const items: PanelItem[] = [];
  for (let index = 0; index < LONG_NAME_ITEMS; index++) {
    const name = `GET /items/${index} ` + 'x'.repeat(Math.max(0, nameLength - 20));
    items.push({
      seq: index + 1,
      table: 'requests',
      time: now + index,
      role: 'api',
      operationId: `op${String(index).padStart(30, '0')}`,
      id: `span${index}`,
      name,
      duration: 12,
      success: true,
      resultCode: '200',
    });
  }
  return {
    type: 'snapshot',
    items,
    live: [],
    forwarding: { state: 'local-only', acceptedItems: 0, sentItems: 0, retryingItems: 0, queuedItems: 0, queuedBytes: 0, droppedItems: 0 },
  };
}

/** Median time of one-item deltas (post → the toolbar counts the item, painted) after `snapshot`. */
async function updateRun(browser: Browser, server: PanelServer, snapshot: HostToWebview): Promise<number[]> {
  const panel = await PanelPage.open(browser, server, VIEWPORT);
  try {
    await panel.send(snapshot);
    await panel.page.waitForFunction(
      () =>
        (globalThis as unknown as { document: { querySelector(selector: string): unknown } }).document.querySelector(
          '.operations-list .vlist-row',
        ) !== null,
    );
    const times: number[] = [];
    for (let update = 0; update < UPDATES; update++) {
      const seq = LONG_NAME_ITEMS + update + 1;
      const item: PanelItem = {
        seq,
        table: 'traces',
        time: Date.now(),
        role: 'api',
        operationId: `op${String(update % LONG_NAME_ITEMS).padStart(30, '0')}`,
        severity: 1,
        message: `update ${update}`,
      };
      const delta: HostToWebview = { type: 'delta', added: [item], evicted: [], live: [] };
      const countText = JSON.stringify(`${seq.toLocaleString('en-US')} items`);
      times.push(
        (await panel.page.evaluate(`(async () => {
          const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
          await frame();
          const started = performance.now();
          window.postMessage(${JSON.stringify(delta)}, '*');
          while (document.querySelector('.toolbar .item-count')?.textContent !== ${countText}) await frame();
          return performance.now() - started;
        })()`)) as number,
      );
    }
    if (panel.errors.length > 0) throw new Error(`the panel reported errors: ${panel.errors.join('; ')}`);
    return times;
  } finally {
    await panel.close();
  }
}

async function longNameResult(browser: Browser, server: PanelServer): Promise<BenchResult> {
  const long = await updateRun(browser, server, longNameSnapshot(LONG_NAME_LENGTH));
  const short = await updateRun(browser, server, longNameSnapshot(20));
  return result(
    { name: 'webview-update-long-names', ours: median(long), baseline: median(short), unit: 'ms', better: 'lower' },
    {
      transactions: LONG_NAME_ITEMS,
      nameLength: LONG_NAME_LENGTH,
      updates: UPDATES,
      oursMaxMs: Math.round(Math.max(...long)),
      baselineMaxMs: Math.round(Math.max(...short)),
    },
  );
}

export async function run(): Promise<BenchResult[]> {
  const [browser, server] = await Promise.all([launchBrowser(), startPanelServer()]);
  try {
    const results = [await longNameResult(browser, server)];
    // BENCH_WEBVIEW_ITEMS=0 measures only the long-name updates.
    if (ITEMS > 0) results.push(await firstPaintResult(browser, server));
    return results;
  } finally {
    await browser.close();
    await server.close();
  }
}

async function firstPaintResult(browser: Browser, server: PanelServer): Promise<BenchResult> {
  const snapshot = snapshotOf(ITEMS);
  const text = JSON.stringify(snapshot);
  // Ours: what PanelFeed posts for the same store (screenful first, then chunks; issue 20).
  const feedMessages = await feedMessagesOf(ITEMS);
  const feedText = JSON.stringify(feedMessages);
  const ours: Timing[] = [];
  const floor: Timing[] = [];
  // Alternating, so a burst of load from the rest of the machine hits both sides.
  for (let runIndex = 0; runIndex < RUNS; runIndex++) {
    floor.push(await plainListRun(browser, text));
    ours.push(await panelRun(browser, server, feedText, snapshot.items.length));
  }
  return result(
    {
      name: 'webview-snapshot-first-paint-100k',
      ours: median(ours.map((t) => t.paintMs)),
      baseline: median(floor.map((t) => t.paintMs)),
      unit: 'ms',
      better: 'lower',
    },
    {
      storeItems: ITEMS,
      panelItems: snapshot.items.length,
      messageMiB: Math.round((Buffer.byteLength(text) / 1024 / 1024) * 10) / 10,
      runs: RUNS,
      oursMs: ours.map((t) => Math.round(t.paintMs)),
      baselineMs: floor.map((t) => Math.round(t.paintMs)),
      // Post → every item in the panel's model (the first screen is usable before).
      oursCompleteMs: ours.map((t) => Math.round(t.completeMs ?? 0)),
      feedMessages: feedMessages.length,
      firstMessageKiB: Math.round(Buffer.byteLength(JSON.stringify(feedMessages[0])) / 1024),
      jsonParseMs: Math.round(median([...ours, ...floor].map((t) => t.parseMs))),
    },
  );
}
