/**
 * Telemetry is untrusted text: an app can log `<img src=x onerror=…>` or name a span
 * `<script>…</script>`. The panel must show it literally and run nothing, in every view, and must
 * ignore malformed host messages without breaking.
 */
import * as assert from 'assert';
import type { PanelItem } from '../../../src/shared/messages';
import { delta, FORWARDING, ItemFactory, realisticItems, snapshot } from './fixtures';
import { type PanelPage, usePanelPages } from './panelPage';

const IMG = '<img src=x onerror="window.__pwned=1">';
const SCRIPT = '<script>window.__pwned=2</script>';

function hostileItems(): PanelItem[] {
  const f = new ItemFactory(Date.now() - 5000, 9000);
  const op = { operationId: 'deadbeefdeadbeefdeadbeefdeadbeef', role: `<img src=x onerror="window.__pwned=3">`, roleInstance: SCRIPT };
  return [
    f.item({
      at: 0,
      table: 'requests',
      ...op,
      id: '1111111111111111',
      name: SCRIPT,
      duration: 12,
      success: false,
      resultCode: '<b>500</b>',
      properties: { '<b onmouseover="window.__pwned=4">key</b>': '<iframe src="javascript:window.__pwned=5"></iframe>' },
    }),
    f.item({
      at: 2,
      table: 'dependencies',
      ...op,
      parentId: '1111111111111111',
      id: '2222222222222222',
      name: `<svg onload="window.__pwned=6">`,
      type: '<i>HTTP</i>',
      target: IMG,
      duration: 5,
      success: true,
    }),
    f.item({ at: 3, table: 'traces', ...op, parentId: '1111111111111111', severity: 3, message: IMG }),
    f.item({
      at: 4,
      table: 'exceptions',
      ...op,
      parentId: '1111111111111111',
      severity: 3,
      exceptions: [{ typeName: '<marquee>Boom</marquee>', message: IMG, stack: `</pre>${IMG}\n  File "<script>", line 1` }],
    }),
    f.item({
      at: 5,
      table: 'customEvents',
      ...op,
      name: '<a href="javascript:window.__pwned=7">click</a>',
      measurements: { '<img src=x onerror=window.__pwned=8>': 1 },
    }),
    f.item({ at: 6, table: 'customMetrics', role: op.role, metrics: [{ name: `<img src=x onerror="window.__pwned=9">`, value: 1 }] }),
  ];
}

/** Elements that telemetry must never create, and `on…` attributes anywhere in the page. */
const INJECTION_PROBE = `(() => {
  const all = [...document.querySelectorAll('*')];
  return {
    images: document.querySelectorAll('img').length,
    frames: document.querySelectorAll('iframe, marquee, a[href]').length,
    scripts: document.querySelectorAll('script:not([type="application/json"])').length,
    // The host's string table (a JSON data block, never executed): exactly the one the page came with.
    dataBlocks: document.querySelectorAll('script[type="application/json"]').length,
    handlers: all.filter((element) => [...element.attributes].some((attribute) => attribute.name.startsWith('on'))).map((element) => element.tagName),
    pwned: window.__pwned,
  };
})()`;

interface Probe {
  images: number;
  frames: number;
  scripts: number;
  dataBlocks: number;
  handlers: string[];
  pwned: unknown;
}

describe('Webview panel: untrusted telemetry', function () {
  this.timeout(60_000);
  const pages = usePanelPages({ injectsMarkup: true });
  let panel: PanelPage;
  beforeEach(() => {
    panel = pages.panel;
  });

  it('the probe notices injected markup (so the checks below can fail)', async () => {
    await panel.page.evaluate(`document.body.insertAdjacentHTML('beforeend', ${JSON.stringify(IMG)})`);
    const probe = (await panel.page.evaluate(INJECTION_PROBE)) as Probe;
    assert.strictEqual(probe.images, 1);
    assert.deepStrictEqual(probe.handlers, ['IMG']);
  });

  it('renders HTML-looking telemetry literally in every view and runs none of it', async () => {
    await panel.send(
      snapshot([...realisticItems(), ...hostileItems()], {
        forwarding: { ...FORWARDING, lastError: IMG, endpoint: 'https://<img src=x onerror=alert(1)>/' },
      }),
    );
    await panel.send({ type: 'notice', level: 'info', text: SCRIPT });

    await panel.view('transactions').locator('.operations-list .vlist-row', { hasText: SCRIPT }).click();
    await panel.view('transactions').locator('.waterfall-list .vlist-row', { hasText: '<marquee>Boom</marquee>' }).click();
    assert.ok((await panel.view('transactions').locator('.item-pane pre.stack').innerText()).startsWith(`</pre>${IMG}`));
    await panel.view('transactions').locator('.waterfall-list .vlist-row', { hasText: SCRIPT }).click();
    assert.strictEqual(
      await panel.view('transactions').locator('.item-pane td', { hasText: '<iframe src="javascript:window.__pwned=5"></iframe>' }).count(),
      1,
    );
    assert.strictEqual(await panel.view('transactions').locator('.transaction-name').innerText(), SCRIPT);

    await panel.showView('logs');
    const trace = panel.view('logs').locator('.logs-list .vlist-row .message-text').getByText(IMG, { exact: true });
    assert.strictEqual(await trace.count(), 1);
    await trace.click();
    assert.strictEqual(await panel.view('logs').locator('.details-pane .details-title').innerText(), IMG);
    await panel.view('logs').locator(`vscode-single-select[aria-label="Role"]`).click();
    assert.strictEqual(
      await panel
        .view('logs')
        .locator('vscode-single-select[aria-label="Role"]')
        .getByRole('option', { name: `<img src=x onerror="window.__pwned=3">` })
        .count(),
      1,
    );
    await panel.page.keyboard.press('Escape');

    await panel.showView('metrics');
    assert.strictEqual(
      await panel.view('metrics').locator('.metric-name', { hasText: '<img src=x onerror="window.__pwned=9">' }).count(),
      1,
    );
    await panel.showView('map');
    // Long labels are shortened on the node; the tooltip has the whole text.
    assert.strictEqual(await panel.view('map').locator('g.node > title', { hasText: '<img src=x onerror="window.__pwned=3">' }).count(), 1);
    assert.strictEqual(
      await panel.view('map').locator('.node-label', { hasText: '<img src=x onerror="window.' }).count(),
      2,
      'the role and the dependency target',
    );
    await panel.showView('live');

    assert.ok((await panel.page.locator('.forwarding-strip').innerText()).includes(IMG));
    assert.strictEqual(await panel.page.locator('.notice-text').innerText(), SCRIPT);

    const probe = (await panel.page.evaluate(INJECTION_PROBE)) as Probe;
    assert.deepStrictEqual(probe, { images: 0, frames: 0, scripts: 2, dataBlocks: 1, handlers: [], pwned: undefined });
    assert.deepStrictEqual(panel.errors, []);
  });

  it('ignores malformed host messages and keeps working', async () => {
    const garbage: unknown[] = [
      'snapshot',
      null,
      { type: 'snapshot', items: null, live: [], forwarding: FORWARDING },
      { type: 'delta', added: 'x', evicted: [], live: [] },
      { type: 'hello', version: '1' },
      { type: 'notice', level: 'warning', text: 'wrong level' },
      {
        type: 'delta',
        added: [{ seq: 'x' }, { seq: 1, time: 0, table: 'bogus' }, null, 5],
        evicted: ['x', null],
        live: [null, { time: 'x' }],
      },
    ];
    for (const message of garbage)
      await panel.page.evaluate(
        (data) => (globalThis as unknown as { postMessage(message: unknown, origin: string): void }).postMessage(data, '*'),
        message,
      );
    await panel.settle();
    await panel.send(snapshot(realisticItems()));
    assert.strictEqual(await panel.view('transactions').locator('.operations-list .vlist-row').count(), 2);
    await panel.send(
      delta([
        {
          seq: 99_999,
          time: Date.now(),
          table: 'traces',
          message: 42 as unknown as string,
          properties: 'x' as unknown as Record<string, string>,
        },
      ]),
    );
    await panel.showView('logs');
    assert.strictEqual(await panel.view('logs').locator('.logs-list .vlist-row').count(), 10);
    assert.strictEqual(await panel.page.locator('.notice').count(), 0, 'a notice with an unknown level is dropped');
    assert.deepStrictEqual(panel.errors, []);
    assert.deepStrictEqual(await panel.cspViolations(), []);
  });
});
