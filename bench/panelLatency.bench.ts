/**
 * End-to-end latency at 2,000 items/s: an app's POST → the item's text visible in the live panel.
 * The whole product path except VS Code's own IPC: the relay (RelayServer + TelemetryStore at its
 * default caps + LocalOnlySink, as with no connection string) → the panel's host-side feed
 * (PanelFeed: snapshot, then ~100 ms batched deltas) → each message posted into the real webview
 * bundle in headless Chromium (the browser tests' page and fake acquireVsCodeApi) → rendered.
 * Messages cross to the page as JSON text, as VS Code's extension host sends webview messages.
 *
 * Load: every 50 ms a POST of 100 envelopes (99 from the SDK captures + 1 marked log message
 * `e2e-mark-<n>`), i.e. 2,000 items/s, for BENCH_LATENCY_SECONDS (default 15) after a 2 s warm-up.
 * The panel shows the Logs view filtered on `e2e-mark-` (saved UI state), so every mark lands at the
 * top of the list; a MutationObserver in the page stamps the moment each mark's text is in the DOM.
 * Page and Node clocks are aligned by the fastest of 20 round trips.
 *
 * ours:     POST sent → mark text in the panel's DOM, p50 and p99.
 * baseline: POST sent → the same store's change feed hands the mark to a subscriber batched like the
 *           panel's (100 ms) — the designed latency of the batching, without the panel's message
 *           building, delivery and rendering. Measured on the same marks in the same run.
 * Also printed: POST → store callback unbatched (`storeAddP50Ms`), what the relay alone costs, and
 * the steps of ours: POST → PanelFeed posts the delta (`posted…`) → the page's message event
 * (`received…`). Goal: p99 ≤ 150 ms (`budgetMs`), i.e. at most 1.5× the 100 ms batching.
 */
import { randomUUID } from 'crypto';
import type { Page } from 'playwright-core';
import { Pool } from 'undici';
import type { Envelope } from '../src/core/envelope';
import { PanelFeed } from '../src/core/panel';
import { LocalOnlySink, RelayServer } from '../src/core/relay';
import { TelemetryStore } from '../src/core/store';
import type { HostToWebview } from '../src/shared/messages';
import { launchBrowser, PanelPage, startPanelServer } from '../test/browser/webview/panelPage';
import { BenchResult, result } from './benchResult';
import { buildBatch } from './workload';

const SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 15);
const WARMUP_MS = 2000;
const PERIOD_MS = 50;
const ITEMS_PER_POST = 100;
const MARK = 'e2e-mark-';
const MARK_PATTERN = /^e2e-mark-(\d+)$/;
/** Issue 20's goal for the p99, absolute. */
const P99_BUDGET_MS = 150;

const clock = (): number => performance.timeOrigin + performance.now();

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? Number.NaN;
}

/** page clock − Node clock, from the round trip with the least delay. */
async function clockOffset(page: Page): Promise<number> {
  let best = { rtt: Number.POSITIVE_INFINITY, offset: 0 };
  for (let round = 0; round < 20; round++) {
    const sent = clock();
    const pageTime = (await page.evaluate('performance.timeOrigin + performance.now()')) as number;
    const received = clock();
    if (received - sent < best.rtt) best = { rtt: received - sent, offset: pageTime - (sent + received) / 2 };
  }
  return best.offset;
}

/**
 * Stamps each mark the first time its text is in the DOM (checked on every mutation), and the moment
 * the page received the message that carried it (`__received`: the breakdown's middle step).
 */
const WATCH_MARKS = `(() => {
  window.__seen = {};
  window.__received = {};
  const pattern = ${MARK_PATTERN.toString()};
  window.addEventListener('message', (event) => {
    const now = performance.timeOrigin + performance.now();
    const items = event.data && event.data.type === 'delta' && Array.isArray(event.data.added) ? event.data.added : [];
    for (const item of items) {
      const match = typeof item.message === 'string' ? pattern.exec(item.message) : null;
      if (match && !(match[1] in window.__received)) window.__received[match[1]] = now;
    }
  });
  new MutationObserver(() => {
    const now = performance.timeOrigin + performance.now();
    for (const element of document.querySelectorAll('.logs-list .vlist-row .message-text')) {
      const match = pattern.exec(element.textContent || '');
      if (match && !(match[1] in window.__seen)) window.__seen[match[1]] = now;
    }
  }).observe(document.body, { childList: true, subtree: true, characterData: true });
})()`;

function markEnvelope(key: string, mark: number): Envelope {
  return {
    name: 'Microsoft.ApplicationInsights.Message',
    time: new Date().toISOString(),
    iKey: key,
    tags: { 'ai.cloud.role': 'latency-bench', 'ai.operation.id': randomUUID().replace(/-/g, '') },
    data: { baseType: 'MessageData', baseData: { ver: 2, message: `${MARK}${mark}`, severityLevel: 1 } },
  } as Envelope;
}

function markOf(item: { message?: string }): number | undefined {
  const match = item.message ? MARK_PATTERN.exec(item.message) : null;
  return match ? Number(match[1]) : undefined;
}

export async function run(): Promise<BenchResult[]> {
  const localKey = randomUUID();
  const store = new TelemetryStore();
  const relay = await RelayServer.start({ sink: new LocalOnlySink(), store, localKey, httpsPort: false });
  const [browser, server] = await Promise.all([launchBrowser(), startPanelServer()]);
  const sentAt = new Map<number, number>();
  const batchedAt = new Map<number, number>();
  const addedAt = new Map<number, number>();
  /** When PanelFeed handed the delta carrying a mark to `post` (host side). */
  const postedAt = new Map<number, number>();
  const stamp = (into: Map<number, number>) => (change: { added: readonly { message?: string }[] }) => {
    const now = clock();
    for (const item of change.added) {
      const mark = markOf(item);
      if (mark !== undefined && !into.has(mark)) into.set(mark, now);
    }
  };
  const subscriptions = [store.subscribe(stamp(batchedAt), { intervalMs: 100 }), store.subscribe(stamp(addedAt), { intervalMs: 0 })];
  const pool = new Pool(relay.url.replace(/\/$/, ''), { connections: 4, keepAliveTimeout: 30_000 });
  let feed: PanelFeed | undefined;
  try {
    const panel = await PanelPage.open(browser, server, { width: 1280, height: 760, state: { view: 'logs', logSearch: MARK } });
    await panel.page.evaluate(WATCH_MARKS);
    const offset = await clockOffset(panel.page);
    let messages = 0;
    let delivering = Promise.resolve();
    const post = (message: HostToWebview): void => {
      messages++;
      if (message.type === 'delta') stamp(postedAt)(message as { added: readonly { message?: string }[] });
      // In order, like VS Code's postMessage; the host does not wait for the webview.
      // As VS Code 1.100 does (its extension host JSON.stringify's every webview message, see
      // docs/performance.md): the message crosses as one JSON string and the page posts the parsed
      // copy to itself. Handing Playwright the object instead made its own serializer walk every
      // item, a cost of the bench's stand-in that neither the product nor VS Code pays.
      const json = JSON.stringify(message);
      delivering = delivering.then(() =>
        panel.page
          .evaluate(
            (text) => (globalThis as unknown as { postMessage(message: unknown, origin: string): void }).postMessage(JSON.parse(text), '*'),
            json,
          )
          .then(() => undefined),
      );
    };
    feed = new PanelFeed({ store, liveSamples: relay.liveSamples, relayUrl: relay.url }, post);
    feed.start();

    const template = buildBatch(localKey, ITEMS_PER_POST - 1);
    const headers = { 'content-type': 'application/json' };
    const posts: Promise<void>[] = [];
    const refused: number[] = [];
    const started = clock();
    const total = Math.round((WARMUP_MS + SECONDS * 1000) / PERIOD_MS);
    for (let index = 0; index < total; index++) {
      const due = started + index * PERIOD_MS;
      const wait = due - clock();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const measured = index * PERIOD_MS >= WARMUP_MS;
      const body = JSON.stringify([...template, markEnvelope(localKey, index)]);
      if (measured) sentAt.set(index, clock());
      posts.push(
        pool.request({ method: 'POST', path: '/v2.1/track', headers, body }).then(async (response) => {
          await response.body.text();
          if (response.statusCode !== 200) refused.push(response.statusCode);
        }),
      );
    }
    await Promise.all(posts);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await delivering;
    const seen = (await panel.page.evaluate('window.__seen')) as Record<string, number>;
    const received = (await panel.page.evaluate('window.__received')) as Record<string, number>;
    const errors = [...panel.errors];
    await panel.close();
    if (errors.length > 0) throw new Error(`the panel reported errors: ${errors.join('; ')}`);
    if (refused.length > 0) throw new Error(`the relay refused ${refused.length} posts (${refused.slice(0, 5).join(', ')})`);

    const visible: number[] = [];
    const batched: number[] = [];
    const added: number[] = [];
    const posted: number[] = [];
    const inPageMessage: number[] = [];
    for (const [mark, sent] of sentAt) {
      const inPage = seen[String(mark)];
      if (inPage !== undefined) visible.push(inPage - offset - sent);
      if (postedAt.has(mark)) posted.push(postedAt.get(mark)! - sent);
      const receivedAt = received[String(mark)];
      if (receivedAt !== undefined) inPageMessage.push(receivedAt - offset - sent);
      if (batchedAt.has(mark)) batched.push(batchedAt.get(mark)! - sent);
      if (addedAt.has(mark)) added.push(addedAt.get(mark)! - sent);
    }
    const missing = sentAt.size - visible.length;
    if (visible.length < sentAt.size * 0.99) throw new Error(`only ${visible.length} of ${sentAt.size} marks became visible`);
    const extra = {
      itemsPerSecond: (ITEMS_PER_POST * 1000) / PERIOD_MS,
      marks: sentAt.size,
      missing,
      seconds: SECONDS,
      messagesToWebview: messages,
      storeAddP50Ms: Math.round(percentile(added, 0.5) * 10) / 10,
      storeAddP99Ms: Math.round(percentile(added, 0.99) * 10) / 10,
      // Where ours goes, step by step (each from the POST): PanelFeed posts the delta, the page's
      // message event, the mark's text in the DOM (= ours).
      postedP50Ms: Math.round(percentile(posted, 0.5) * 10) / 10,
      postedP99Ms: Math.round(percentile(posted, 0.99) * 10) / 10,
      receivedP50Ms: Math.round(percentile(inPageMessage, 0.5) * 10) / 10,
      receivedP99Ms: Math.round(percentile(inPageMessage, 0.99) * 10) / 10,
    };
    return [
      result(
        { name: 'panel-e2e-latency-p50', ours: percentile(visible, 0.5), baseline: percentile(batched, 0.5), unit: 'ms', better: 'lower' },
        extra,
      ),
      result(
        {
          name: 'panel-e2e-latency-p99',
          ours: percentile(visible, 0.99),
          baseline: percentile(batched, 0.99),
          unit: 'ms',
          goal: P99_BUDGET_MS / 100,
          better: 'lower',
        },
        { maxMs: Math.round(Math.max(...visible)), budgetMs: P99_BUDGET_MS, withinBudget: percentile(visible, 0.99) <= P99_BUDGET_MS },
      ),
    ];
  } finally {
    feed?.dispose();
    for (const subscription of subscriptions) subscription.dispose();
    await pool.close();
    await relay.close();
    await browser.close();
    await server.close();
  }
}
