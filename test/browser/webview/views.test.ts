/**
 * Each view renders the realistic scenario (fixtures.ts): transactions and their waterfall, logs
 * and their filters, metrics charts, the application map and live rates.
 */
import * as assert from 'assert';
import { eventually } from '../../harness/eventually';
import { FAILED_OPERATION, INVENTORY_ROLE, liveSamples, OK_OPERATION, realisticItems, snapshot } from './fixtures';
import { PanelPage, usePanelPages } from './panelPage';

const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

describe('Webview panel: views', function () {
  this.timeout(60_000);
  const pages = usePanelPages({
    prepare: async (panel) => {
      await panel.send(snapshot(realisticItems(), { live: liveSamples() }));
    },
  });
  let panel: PanelPage;
  beforeEach(() => {
    panel = pages.panel;
  });

  describe('Transactions', () => {
    it('lists operations newest first with name, role, duration, status and item count', async () => {
      const rows = panel.view('transactions').locator('.operations-list .vlist-row');
      await rows.first().waitFor();
      assert.strictEqual(await rows.count(), 2, 'two operations; logs without an operation id are not transactions');
      const texts = (await rows.allInnerTexts()).map(squash);
      assert.match(texts[0]!, /POST \/orders flask-orders 35\.1 ms 4$/);
      assert.match(texts[1]!, /GET \/orders\/<int:order_id> flask-orders 182\.4 ms 10$/);
      assert.strictEqual(await rows.nth(0).locator('.status-icon.failed').count(), 1, 'the failed transaction is marked');
      assert.strictEqual(await rows.nth(1).locator('.status-icon.ok').count(), 1);
    });

    it('shows the waterfall: dependencies nested under their request, logs inline, durations on the bars', async () => {
      await panel.view('transactions').locator('.operations-list .vlist-row', { hasText: 'GET /orders' }).click();
      const rows = panel.view('transactions').locator('.waterfall-list .vlist-row');
      await rows.first().waitFor();
      const tree = await rows.evaluateAll((elements) =>
        elements
          .map((element) => ({
            top: (element as unknown as { getBoundingClientRect(): { top: number } }).getBoundingClientRect().top,
            depth: Number(element.getAttribute('data-depth')),
            label: element.querySelector('.waterfall-label')?.textContent ?? '',
            duration: element.querySelector('.bar-label')?.textContent ?? '',
          }))
          .sort((a, b) => a.top - b.top)
          .map(({ depth, label, duration }) => `${'  '.repeat(depth)}${label}${duration ? ` [${duration}]` : ''}`),
      );
      assert.deepStrictEqual(tree, [
        'GET /orders/<int:order_id> [182.4 ms]',
        '  Loading order 1042',
        '  SELECT orders [48.2 ms]',
        '  cache miss for order 1042',
        '  GET /v1/rates [96.5 ms]',
        '    Exchange rate API slow: 96 ms (budget 50 ms)',
        '  GET /inventory/1042 [9.3 ms]',
        '    GET /inventory/<sku> [6.1 ms]',
        '      Reserved 2 items for order 1042',
        '  OrderViewed',
      ]);
      // A duration label never spills into the name column, even for a bar that spans the whole
      // track (the root request): it stays inside its own track or the margin kept for labels.
      const spills = await rows.evaluateAll((elements) =>
        elements.flatMap((element) => {
          type Box = { getBoundingClientRect(): { left: number; right: number } };
          const label = element.querySelector('.bar-label') as unknown as Box | null;
          const track = element.querySelector('.waterfall-track') as unknown as Box | null;
          if (!label || !track) return [];
          const name = element.querySelector('.waterfall-label')?.textContent ?? '';
          return label.getBoundingClientRect().left < track.getBoundingClientRect().left ? [name] : [];
        }),
      );
      assert.deepStrictEqual(spills, [], 'duration labels left of their track');
      // Bars are placed by start time: the HTTP call starts after the SQL query.
      const left = async (label: string) =>
        panel
          .view('transactions')
          .locator('.waterfall-list .vlist-row', { hasText: label })
          .locator('.bar')
          .evaluate((bar) => (bar as unknown as { getBoundingClientRect(): { left: number } }).getBoundingClientRect().left);
      assert.ok((await left('GET /v1/rates')) > (await left('SELECT orders')));
    });

    it('marks the failed request, dependency and exception of a failed transaction', async () => {
      await panel.view('transactions').locator('.operations-list .vlist-row', { hasText: 'POST /orders' }).click();
      const failed = panel.view('transactions').locator('.waterfall-list .vlist-row.failed');
      await failed.first().waitFor();
      const labels = (await failed.locator('.waterfall-label').allInnerTexts()).sort();
      assert.deepStrictEqual(labels, [
        'INSERT orders',
        'POST /orders',
        'psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "orders_pkey"',
      ]);
      assert.strictEqual(await panel.view('transactions').locator('.waterfall-list .bar.failed').count(), 2);
    });

    it("opens the operation's KQL in the Query tab and runs it there (still copyable)", async () => {
      await panel.view('transactions').locator('.operations-list .vlist-row', { hasText: 'POST /orders' }).click();
      await panel.view('transactions').locator('vscode-button.query-transaction').click();
      await panel.view('query').locator('.query-editor').waitFor();
      const runs = await eventually(async () => {
        const posted = await panel.postedOfType('runQuery');
        assert.strictEqual(posted.length, 1);
        return posted;
      });
      assert.match(runs[0]!.query, /^union requests, dependencies, traces, exceptions/);
      assert.ok(runs[0]!.query.includes(`| where operation_Id == "${FAILED_OPERATION}"`), runs[0]!.query);
      assert.strictEqual(await panel.view('query').locator('.query-editor').inputValue(), runs[0]!.query);
      await panel.view('query').locator('vscode-button.query-copy').click();
      const copies = await panel.postedOfType('copyText');
      assert.strictEqual(copies.length, 1);
      assert.strictEqual(copies[0]!.text, runs[0]!.query);
    });

    it('shows the selected item with its Python stack in monospace with the newlines kept', async () => {
      await panel.view('transactions').locator('.operations-list .vlist-row', { hasText: 'POST /orders' }).click();
      await panel.view('transactions').locator('.waterfall-list .vlist-row', { hasText: 'UniqueViolation' }).click();
      const stack = panel.view('transactions').locator('.item-pane pre.stack');
      await stack.waitFor();
      const text = await stack.innerText();
      assert.ok(text.includes('Traceback (most recent call last):\n  File "/srv/orders/app.py", line 58, in create_order\n'), text);
      const style = await stack.evaluate((element) => {
        const computed = (
          globalThis as unknown as { getComputedStyle(element: unknown): { whiteSpace: string; fontFamily: string } }
        ).getComputedStyle(element);
        return { whiteSpace: computed.whiteSpace, fontFamily: computed.fontFamily };
      });
      assert.strictEqual(style.whiteSpace, 'pre-wrap');
      assert.match(style.fontFamily, /mono/i);
    });

    it('searches inside transactions: a log line finds its operation', async () => {
      await panel.view('transactions').locator('vscode-textfield').locator('input').fill('reserved 2 items');
      const rows = panel.view('transactions').locator('.operations-list .vlist-row');
      await panel.page.waitForFunction(
        () =>
          (globalThis as unknown as { document: { querySelectorAll(selector: string): { length: number } } }).document.querySelectorAll(
            '.operations-list .vlist-row',
          ).length === 1,
      );
      assert.match(squash(await rows.first().innerText()), /GET \/orders/);
      await eventually(async () =>
        assert.strictEqual((await panel.savedState())?.transactionSearch, 'reserved 2 items', 'the search is kept in the webview state'),
      );
    });
  });

  describe('Logs', () => {
    beforeEach(() => panel.showView('logs'));

    const logRows = () => panel.view('logs').locator('.logs-list .vlist-row');
    const messages = async () => (await logRows().locator('.message-text').allInnerTexts()).map(squash);
    async function choose(selectLabel: string, option: string): Promise<void> {
      await panel.view('logs').locator(`vscode-single-select[aria-label="${selectLabel}"]`).click();
      await panel
        .view('logs')
        .locator(`vscode-single-select[aria-label="${selectLabel}"]`)
        .getByRole('option', { name: option, exact: true })
        .click();
    }
    /** The list once it shows `expected` (filters apply on the next frame, searches after a debounce). */
    const listShows = (expected: string[], message?: string) =>
      eventually(async () => assert.deepStrictEqual(await messages(), expected, message));

    it('shows traces, exceptions and events newest first, with severity and role', async () => {
      await logRows().first().waitFor();
      assert.strictEqual(await logRows().count(), 9);
      const first = squash(await logRows().first().innerText());
      assert.match(first, /Information inventory-worker worker started, polling queue "reservations"$/);
      const all = await messages();
      assert.ok(
        all.includes('psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "orders_pkey"'),
        all.join('\n'),
      );
      assert.ok(all.includes('OrderViewed'));
      assert.deepStrictEqual(
        await logRows().locator('.table-tag').allInnerTexts(),
        ['exceptions', 'customEvents'],
        'non-trace tables are tagged',
      );
    });

    it('narrows by minimum severity', async () => {
      await choose('Minimum severity', 'Error and above');
      await listShows([
        'Database connection pool exhausted (20/20 in use)',
        'Order creation failed for customer 77',
        'psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "orders_pkey"',
      ]);
      await eventually(async () => assert.strictEqual((await panel.savedState())?.minSeverity, 3));
    });

    it('narrows by role', async () => {
      await choose('Role', INVENTORY_ROLE);
      await listShows([
        'worker started, polling queue "reservations"',
        'Database connection pool exhausted (20/20 in use)',
        'Reserved 2 items for order 1042',
      ]);
    });

    it('narrows by text, including exception text and property=value', async () => {
      const search = panel.view('logs').locator('vscode-textfield').locator('input');
      await search.fill('order 1042');
      await listShows(['Reserved 2 items for order 1042', 'cache miss for order 1042', 'Loading order 1042'], 'newest first by time');
      await search.fill('orders_pkey');
      await listShows(['psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "orders_pkey"']);
      await search.fill('channel=web');
      await listShows(['OrderViewed']);
    });

    it('opens an exception with its readable stack and links to its transaction', async () => {
      // A transactions search that hides the target must not hide it after the jump.
      await panel.showView('transactions');
      await panel.view('transactions').locator('vscode-textfield').locator('input').fill('inventory');
      await panel.view('transactions').locator('.filter-count', { hasText: / of / }).waitFor(); // the search applied
      await panel.showView('logs');
      await logRows().filter({ hasText: 'UniqueViolation' }).click();
      const stack = panel.view('logs').locator('.details-pane pre.stack');
      await stack.waitFor();
      assert.ok(
        (await stack.innerText()).includes(
          'psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "orders_pkey"\nDETAIL:  Key (id)=(1042) already exists.',
        ),
      );
      await panel.view('logs').locator('.details-pane vscode-button', { hasText: 'Show transaction' }).click();
      await panel.view('transactions').locator('.transaction-name').waitFor();
      assert.strictEqual(await panel.view('transactions').locator('.transaction-name').innerText(), 'POST /orders');
      assert.strictEqual(
        await panel.view('transactions').locator('.operations-list .vlist-row.selected .cell-name').innerText(),
        'POST /orders',
      );
      assert.strictEqual(
        await panel
          .view('transactions')
          .locator('vscode-textfield')
          .evaluate((field) => (field as unknown as { value: string }).value),
        '',
      );
      await eventually(async () => assert.strictEqual((await panel.savedState())?.view, 'transactions'));
    });
  });

  describe('Metrics', () => {
    beforeEach(() => panel.showView('metrics'));

    async function card(name: string): Promise<{ stats: Record<string, string>; subtitle: string; inkedPixels: number }> {
      const element = panel.view('metrics').locator('.metric-card', { has: panel.page.locator('.metric-name', { hasText: name }) });
      await element.locator('canvas').first().waitFor();
      await panel.settle();
      const stats: Record<string, string> = {};
      const names = await element.locator('.stat dt').allInnerTexts();
      const values = await element.locator('.stat dd').allInnerTexts();
      names.forEach((statName, index) => (stats[statName] = values[index]!));
      const inkedPixels = await element
        .locator('canvas')
        .first()
        .evaluate((canvas) => {
          const c = canvas as unknown as {
            width: number;
            height: number;
            getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
          };
          const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let inked = 0;
          for (let index = 3; index < data.length; index += 4) if (data[index]! > 0) inked++;
          return inked;
        });
      return { stats, subtitle: squash(await element.locator('.metric-subtitle').innerText()), inkedPixels };
    }

    it('charts every metric name, OpenTelemetry instruments with count/min/max', async () => {
      const names = await panel.view('metrics').locator('.metric-name').allInnerTexts();
      assert.deepStrictEqual(names, ['order.value', 'queue.depth', 'reservations/processed']);
      const histogram = await card('order.value');
      assert.deepStrictEqual(histogram.stats, { Last: '260', Points: '5', Count: '25', Min: '12.5', Max: '99.9' });
      assert.match(histogram.subtitle, /^OpenTelemetry · flask-orders · updated /);
      assert.ok(histogram.inkedPixels > 500, `the chart is drawn (${histogram.inkedPixels} pixels)`);
    });

    it('charts OpenCensus views, which send values only', async () => {
      const view = await card('reservations/processed');
      assert.deepStrictEqual(view.stats, { Last: '6', Points: '5', Low: '3', High: '8' });
      assert.match(view.subtitle, /^OpenCensus · inventory-worker/);
      assert.ok(view.inkedPixels > 500);
    });

    it('redraws the charts in the new colours when the user switches theme', async () => {
      const stroke = () =>
        panel
          .view('metrics')
          .locator('.metric-card canvas')
          .first()
          .evaluate((canvas) => {
            // The most common opaque colour on the canvas is the series line/fill.
            const c = canvas as unknown as {
              width: number;
              height: number;
              getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
            };
            const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            const counts = new Map<string, number>();
            for (let index = 0; index < data.length; index += 4)
              if (data[index + 3] === 255)
                counts.set(
                  `${data[index]},${data[index + 1]},${data[index + 2]}`,
                  (counts.get(`${data[index]},${data[index + 1]},${data[index + 2]}`) ?? 0) + 1,
                );
            return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
          });
      await panel.view('metrics').locator('.metric-card canvas').first().waitFor();
      assert.strictEqual(await stroke(), '26,133,255', 'Light Modern charts.blue');
      await panel.page.evaluate(`(() => {
        document.documentElement.style.setProperty('--vscode-charts-blue', '#3794ff');
        document.body.className = 'vscode-dark';
      })()`);
      await eventually(async () => assert.strictEqual(await stroke(), '55,148,255', 'Dark Modern charts.blue after the switch'));
    });
  });

  describe('Map', () => {
    beforeEach(() => panel.showView('map'));

    it('draws roles and dependency targets with calls, average duration and failure rate', async () => {
      const nodes = panel.view('map').locator('g.node');
      await nodes.first().waitFor();
      const labels = (await nodes.locator('.node-label').allTextContents()).sort();
      assert.deepStrictEqual(labels, ['api.exchangerate.example', 'flask-orders', 'inventory-worker', 'orders-db.internal|orders']);
      const edges = (await panel.view('map').locator('g.edge-label text').allTextContents()).sort();
      assert.deepStrictEqual(edges, ['1 call · 9.3 ms · 0% failed', '1 call · 96.5 ms · 0% failed', '2 calls · 28.1 ms · 50% failed']);
      const orders = squash((await nodes.filter({ hasText: 'flask-orders' }).locator('.node-detail').textContent()) ?? '');
      assert.strictEqual(orders, '2 requests · 108.8 ms · 50% failed');
      // The call into inventory-worker is an edge between two roles, not a separate target.
      const inventory = await panel.view('map').locator('g.node[data-node="role:inventory-worker"]').count();
      assert.strictEqual(inventory, 1);
    });
  });

  describe('Live', () => {
    it('shows rates from Live Metrics samples when the SDK sends them', async () => {
      await panel.showView('live');
      const tile = (metric: string) => panel.view('live').locator(`.tile[data-metric="${metric}"] .tile-value`);
      assert.strictEqual(await tile('requestRate').innerText(), '42.0/s');
      assert.strictEqual(await tile('requestFailedRate').innerText(), '3.00/s');
      assert.strictEqual(await tile('requestDuration').innerText(), '137 ms');
      assert.strictEqual(await tile('dependencyRate').innerText(), '88.0/s');
      assert.strictEqual(await tile('exceptionRate').innerText(), '1.00/s');
      assert.match(await panel.view('live').locator('.live-source').innerText(), /Live Metrics \(QuickPulse\) from 1 instance/);
      assert.strictEqual(
        (await panel.view('live').locator('.live-card:not([hidden]) canvas').count()) >= 7,
        true,
        'request, dependency, exception, CPU and memory charts',
      );
    });

    it('tells the host while it is visible, shows "portal watching", the sample documents (as text) and the live counters on the strip', async () => {
      await panel.showView('live');
      await panel.showView('logs');
      const visibility = (await panel.postedOfType('liveViewVisible')).map((message) => message.visible);
      assert.deepStrictEqual(visibility.slice(-2), [true, false], 'the host hears when the Live view shows and hides');
      await panel.showView('live');
      const portal = panel.view('live').locator('.live-portal');
      assert.strictEqual(await portal.isHidden(), true, 'local-only: nobody in the portal');
      const forwarding = {
        state: 'forwarding' as const,
        acceptedItems: 5,
        sentItems: 5,
        retryingItems: 0,
        queuedItems: 0,
        queuedBytes: 0,
        droppedItems: 0,
        endpoint: 'https://dc.example/',
        live: { portalWatching: true, sent: 17, failed: 2 },
      };
      await panel.send({ type: 'forwarding', status: forwarding });
      await portal.waitFor({ state: 'visible' });
      assert.strictEqual(await portal.innerText(), 'Azure portal Live Metrics is watching');
      const strip = squash(await panel.page.locator('.forwarding-strip .strip-counters').innerText());
      assert.match(strip, /Live Metrics sent 17 Live Metrics failed 2/);
      const hostile = '<img src=x onerror="window.__pwned=1">';
      await panel.send({
        type: 'delta',
        added: [],
        evicted: [],
        live: [],
        liveDocuments: [
          {
            time: Date.now() - 1000,
            kind: 'request',
            title: 'GET /orders',
            detail: 'http://localhost/orders',
            code: '200',
            duration: 'PT0.012S',
            role: 'shop',
          },
          { time: Date.now(), kind: 'exception', title: 'TypeError', detail: hostile, properties: [['user', hostile]] },
        ],
      });
      const rows = panel.view('live').locator('.live-document');
      await rows.first().waitFor();
      assert.strictEqual(await rows.count(), 2);
      assert.match(
        squash(await rows.nth(0).innerText()),
        /Exception TypeError <img src=x onerror="window.__pwned=1">/,
        'newest first, shown as text',
      );
      assert.match(squash(await rows.nth(1).innerText()), /Request GET \/orders http:\/\/localhost\/orders · 200 · PT0.012S · shop/);
      assert.strictEqual(await panel.view('live').locator('.live-documents img').count(), 0);
      assert.strictEqual(await panel.page.evaluate('window.__pwned'), undefined);
    });

    it('computes rates from the items when there are no Live Metrics samples', async () => {
      const now = Date.now();
      // The rates cover the last 10 s by the page's clock: the items are 1 s old, so the check has
      // 9 s to read the tiles even on a loaded machine (the page has no injectable clock).
      const items = realisticItems(now - 1500).map((item) => ({ ...item, time: item.table === 'customMetrics' ? item.time : now - 1000 }));
      await panel.send(snapshot(items));
      await panel.showView('live');
      assert.match(await panel.view('live').locator('.live-source').innerText(), /computed from received telemetry/);
      // 3 requests (one failed) and 4 dependencies (one failed) in the last 10 seconds.
      const tile = (metric: string) => panel.view('live').locator(`.tile[data-metric="${metric}"] .tile-value`).innerText();
      assert.strictEqual(await tile('requestRate'), '0.30/s');
      assert.strictEqual(await tile('requestFailedRate'), '0.10/s');
      assert.strictEqual(await tile('dependencyRate'), '0.40/s');
      assert.strictEqual(await tile('exceptionRate'), '0.10/s');
    });
  });

  it('keeps OK_OPERATION selectable by id from the saved state', async () => {
    const reopened = await PanelPage.open(pages.browser, pages.server, {
      state: { view: 'transactions', selectedOperationId: OK_OPERATION },
    });
    try {
      await reopened.send(snapshot(realisticItems()));
      assert.strictEqual(await reopened.view('transactions').locator('.transaction-name').innerText(), 'GET /orders/<int:order_id>');
      assert.strictEqual(
        await reopened.view('transactions').locator('.operations-list .vlist-row.selected .cell-name').innerText(),
        'GET /orders/<int:order_id>',
      );
    } finally {
      await reopened.close();
    }
  });
});
