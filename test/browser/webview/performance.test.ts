/**
 * Performance and Failures tabs over the realistic scenario plus 40 hand-made "GET /catalog"
 * requests whose statistics are worked out below: 30 fast ones (10…39 ms) and 10 slow ones (400…850
 * ms in steps of 50), the three slowest failed with 503 (two of them with a TimeoutError), each with
 * a "SELECT products" call; and one request two hours older than the rest. Screenshots:
 * test-results/webview-performance-*.png, webview-failures-*.png.
 */
import * as assert from 'assert';
import type { PanelItem } from '../../../src/shared/messages';
import { eventually } from '../../harness/eventually';
import { delta, ItemFactory, liveSamples, realisticItems, snapshot } from './fixtures';
import { PanelPage, usePanelPages } from './panelPage';
import type { Locale } from './panelPage';

const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();
const FAST = Array.from({ length: 30 }, (_, i) => 10 + i);
const SLOW = Array.from({ length: 10 }, (_, i) => 400 + 50 * i);

function catalogItems(base: number, firstSeq: number): PanelItem[] {
  const f = new ItemFactory(base, firstSeq);
  const items: PanelItem[] = [];
  [...FAST, ...SLOW].forEach((duration, index) => {
    const operationId = `catalog${String(index).padStart(25, '0')}`;
    const id = `req${String(index).padStart(13, '0')}`;
    const failed = duration >= 750;
    items.push(
      f.item({
        at: index * 500,
        table: 'requests',
        role: 'flask-orders',
        operationId,
        id,
        name: 'GET /catalog',
        duration,
        success: !failed,
        resultCode: failed ? '503' : '200',
      }),
    );
    items.push(
      f.item({
        at: index * 500 + 1,
        table: 'dependencies',
        role: 'flask-orders',
        operationId,
        parentId: id,
        id: `dep${String(index).padStart(13, '0')}`,
        name: 'SELECT products',
        type: 'postgresql',
        target: 'catalog-db|shop',
        duration: duration / 2,
        success: true,
        resultCode: '0',
      }),
    );
    if (duration >= 800)
      items.push(
        f.item({
          at: index * 500 + 2,
          table: 'exceptions',
          role: 'flask-orders',
          operationId,
          parentId: id,
          severity: 3,
          exceptions: [{ typeName: 'TimeoutError', message: 'catalog-db did not answer' }],
        }),
      );
  });
  items.push(
    f.item({
      at: -2 * 60 * 60_000,
      table: 'requests',
      role: 'flask-orders',
      operationId: 'old0000000000000000000000000000',
      id: 'old0000000000000',
      name: 'GET /old',
      duration: 5,
      success: true,
      resultCode: '200',
    }),
  );
  return items;
}

describe('Webview panel: Performance and Failures', function () {
  this.timeout(90_000);
  const pages = usePanelPages({
    open: { width: 1360, height: 820 },
    prepare: async (panel) => {
      const base = Date.now() - 60_000;
      const realistic = realisticItems(base);
      await panel.send(snapshot([...realistic, ...catalogItems(base, realistic.length + 1)], { live: liveSamples() }));
    },
  });
  let panel: PanelPage;
  beforeEach(() => {
    panel = pages.panel;
  });

  async function choose(view: 'performance' | 'failures', selectLabel: string, option: string): Promise<void> {
    await panel.view(view).locator(`vscode-single-select[aria-label="${selectLabel}"]`).click();
    await panel
      .view(view)
      .locator(`vscode-single-select[aria-label="${selectLabel}"]`)
      .getByRole('option', { name: option, exact: true })
      .click();
  }
  const rowTexts = async (view: 'performance' | 'failures') =>
    (await panel.view(view).locator(`.${view}-list .vlist-row`).allInnerTexts()).map(squash);

  describe('Performance', () => {
    beforeEach(() => panel.showView('performance'));

    it('groups requests by operation name with count, failures, average and nearest-rank p50/p95/p99', async () => {
      await panel.view('performance').locator('.performance-list .vlist-row').first().waitFor();
      const rows = await rowTexts('performance');
      // Most total time first. GET /catalog: sum 735 + 6,250 = 6,985 ms over 40 → 174.6 ms; p50 is the
      // 20th of 40 sorted (29 ms), p95 the 38th (750 ms), p99 the 40th (850 ms).
      assert.deepStrictEqual(rows, [
        'GET /catalog 40 3 174.6 ms 29 ms 750 ms 850 ms',
        'GET /orders/<int:order_id> 1 0 182.4 ms 182.4 ms 182.4 ms 182.4 ms',
        'POST /orders 1 1 35.1 ms 35.1 ms 35.1 ms 35.1 ms',
        'GET /inventory/<sku> 1 0 6.1 ms 6.1 ms 6.1 ms 6.1 ms',
      ]);
      assert.strictEqual(
        squash(await panel.view('performance').locator('.filter-count').innerText()),
        '43 requests',
        'the request two hours older is outside the last hour',
      );
      await choose('performance', 'Time range', 'All data');
      await eventually(async () =>
        assert.ok(
          (await rowTexts('performance')).some((row) => row.startsWith('GET /old 1 0')),
          (await rowTexts('performance')).join('\n'),
        ),
      );
      await choose('performance', 'Time range', 'Last 5 minutes');
      await eventually(async () => assert.strictEqual((await rowTexts('performance')).length, 4));
    });

    it('shows the selected operation: its figures, histogram, top dependencies and slowest samples', async () => {
      const view = panel.view('performance');
      await view.locator('.performance-list .vlist-row', { hasText: 'GET /catalog' }).click();
      await eventually(async () => assert.strictEqual(squash(await view.locator('.performance-title').innerText()), 'GET /catalog'));
      assert.strictEqual(await view.locator('.histogram-chart').getAttribute('data-total'), '40', 'every request is in a bin');
      assert.strictEqual(await view.locator('.histogram-chart canvas').count(), 1);
      const related = (await view.locator('.related-row').allInnerTexts()).map(squash);
      // SELECT products takes half of each request: 6,985 / 2 / 40 = 87.3 ms on average.
      assert.deepStrictEqual(related, ['postgresql · catalog-db|shop 40 87.3 ms']);
      const samples = (await view.locator('.sample-row .cell-duration').allInnerTexts()).map(squash);
      assert.deepStrictEqual(samples.slice(0, 3), ['850 ms', '800 ms', '750 ms'], 'slowest first');
      assert.strictEqual(samples.length, 20, 'at most 20 samples');
      await panel.screenshot('performance');
    });

    it('dragging across the histogram picks the samples in that duration range', async () => {
      const view = panel.view('performance');
      await view.locator('.performance-list .vlist-row', { hasText: 'GET /catalog' }).click();
      const over = view.locator('.histogram-chart .u-over');
      await over.waitFor();
      const box = (await over.boundingBox())!;
      // Bins are logarithmic (850 / 10 > 20): the fast requests end at about 31 % of the width and
      // the slow ones start at about 83 %; a drag over the right half holds the slow ones only.
      await panel.page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
      await panel.page.mouse.down();
      await panel.page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2, { steps: 4 });
      await panel.page.mouse.move(box.x + box.width - 1, box.y + box.height / 2, { steps: 4 });
      await panel.page.mouse.up();
      await eventually(async () => assert.match(squash(await view.locator('.range-note').innerText()), /: 10 of 40$/));
      const durations = (await view.locator('.sample-row .cell-duration').allInnerTexts()).map(squash);
      assert.deepStrictEqual(durations, [
        '850 ms',
        '800 ms',
        '750 ms',
        '700 ms',
        '650 ms',
        '600 ms',
        '550 ms',
        '500 ms',
        '450 ms',
        '400 ms',
      ]);
      await choose('performance', 'Samples', 'Failed');
      await eventually(async () => assert.strictEqual(await view.locator('.sample-row.failed').count(), 3));
      assert.strictEqual(await view.locator('.sample-row:not(.failed)').count(), 0);
      await panel.screenshot('performance-range');
      await view.locator('.clear-range').click();
      await eventually(async () => assert.match(squash(await view.locator('.range-note').innerText()), /^Drag across/));
    });

    it('a sample opens its transaction in the Transactions tab', async () => {
      const view = panel.view('performance');
      await view.locator('.performance-list .vlist-row', { hasText: 'GET /catalog' }).click();
      await view.locator('.sample-row').first().click();
      await panel.page.locator('vscode-tab-panel[data-view="transactions"]:not([hidden])').waitFor();
      await eventually(async () =>
        assert.strictEqual(
          squash(await panel.view('transactions').locator('.operation-id').innerText()),
          `catalog${String(39).padStart(25, '0')}`,
        ),
      );
      assert.match(squash(await panel.view('transactions').locator('.transaction-title').innerText()), /GET \/catalog 850 ms/);
    });

    it('follows new requests as they arrive (refreshing at most once a second)', async () => {
      await panel.view('performance').locator('.performance-list .vlist-row').first().waitFor();
      const f = new ItemFactory(Date.now(), 10_000);
      await panel.send(
        delta(
          [1, 2, 3].map((index) =>
            f.item({
              at: index,
              table: 'requests',
              role: 'flask-orders',
              operationId: `new${index}`,
              id: `new${index}`,
              name: 'GET /new',
              duration: 10 * index,
              success: true,
              resultCode: '200',
            }),
          ),
        ),
      );
      await eventually(async () =>
        assert.ok(
          (await rowTexts('performance')).includes('GET /new 3 0 20 ms 20 ms 30 ms 30 ms'),
          (await rowTexts('performance')).join('\n'),
        ),
      );
      assert.strictEqual(squash(await panel.view('performance').locator('.filter-count').innerText()), '46 requests');
    });

    it('toggles to dependencies by type, target and name; a dependency lists the operations calling it', async () => {
      const view = panel.view('performance');
      await choose('performance', 'Group by', 'Dependencies by type');
      await eventually(async () =>
        assert.deepStrictEqual(
          (await rowTexts('performance')).map((row) => row.split(' ')[0]),
          ['postgresql', 'HTTP'],
        ),
      );
      assert.strictEqual(squash(await view.locator('.filter-count').innerText()), '44 dependencies');
      await choose('performance', 'Group by', 'Dependencies by target');
      await eventually(async () => assert.ok((await rowTexts('performance'))[0]!.startsWith('catalog-db|shop 40 0')));
      await view.locator('.performance-list .vlist-row', { hasText: 'catalog-db|shop' }).click();
      await eventually(async () =>
        assert.strictEqual(squash((await view.locator('.performance-section .section-title').first().textContent()) ?? ''), 'Called by'),
      );
      assert.deepStrictEqual((await view.locator('.related-row').allInnerTexts()).map(squash), ['GET /catalog 40 3 failed 174.6 ms']);
    });
  });

  describe('Failures', () => {
    beforeEach(() => panel.showView('failures'));

    it('groups failed requests by operation, result code and exception type, with the failure rate', async () => {
      const view = panel.view('failures');
      await view.locator('.failures-list .vlist-row').first().waitFor();
      assert.deepStrictEqual(await rowTexts('failures'), ['GET /catalog 3 40 7.5%', 'POST /orders 1 1 100%']);
      assert.strictEqual(squash(await view.locator('.filter-count').innerText()), '4 failed of 43');
      await choose('failures', 'Group by', 'Result code');
      await eventually(async () => assert.deepStrictEqual(await rowTexts('failures'), ['503 3 3 100%', '500 1 1 100%']));
      await choose('failures', 'Group by', 'Exception type');
      // POST /orders' exception is parented to the request; the 750 ms catalog failure has none.
      await eventually(async () =>
        assert.deepStrictEqual(await rowTexts('failures'), [
          'TimeoutError 2 2 100%',
          '(no exception) 1 1 100%',
          'psycopg2.errors.UniqueViolation 1 1 100%',
        ]),
      );
    });

    it('shows the selected group over time, its other breakdowns and failed samples that open the transaction', async () => {
      const view = panel.view('failures');
      await view.locator('.failures-list .vlist-row', { hasText: 'GET /catalog' }).click();
      await eventually(async () =>
        assert.match(squash(await view.locator('.performance-title').innerText()), /^GET \/catalog 3 failed of 40$/),
      );
      assert.strictEqual(await view.locator('.failures-detail .chart canvas').count(), 1, 'counts over time are drawn');
      assert.deepStrictEqual((await view.locator('[data-dimension="resultCode"] .related-row').allInnerTexts()).map(squash), ['503 3']);
      assert.deepStrictEqual((await view.locator('[data-dimension="exceptionType"] .related-row').allInnerTexts()).map(squash), [
        'TimeoutError 2',
        '(no exception) 1',
      ]);
      assert.strictEqual(await view.locator('.sample-row').count(), 3);
      await panel.screenshot('failures');
      await view.locator('.sample-row').first().click();
      await panel.page.locator('vscode-tab-panel[data-view="transactions"]:not([hidden])').waitFor();
      await eventually(async () =>
        assert.strictEqual(
          squash(await panel.view('transactions').locator('.operation-id').innerText()),
          `catalog${String(39).padStart(25, '0')}`,
        ),
      );
    });

    it('failed dependencies: by operation (type · target · name) and result code', async () => {
      await choose('failures', 'Show', 'Failed dependencies');
      await eventually(async () =>
        assert.deepStrictEqual(await rowTexts('failures'), ['postgresql · orders-db.internal|orders · INSERT orders 1 1 100%']),
      );
      await choose('failures', 'Group by', 'Result code');
      await eventually(async () => assert.deepStrictEqual(await rowTexts('failures'), ['23505 1 1 100%']));
    });
  });

  for (const locale of ['en', 'ko'] as const satisfies readonly Locale[]) {
    it(`at 360 px (${locale}) both tabs stack their list above the details and nothing is drawn outside the panel`, async () => {
      const narrow = await PanelPage.open(pages.browser, pages.server, { width: 360, height: 760, locale });
      try {
        const base = Date.now() - 60_000;
        const realistic = realisticItems(base);
        await narrow.send(snapshot([...realistic, ...catalogItems(base, realistic.length + 1)]));
        await narrow.page.evaluate('document.fonts.ready');
        for (const view of ['performance', 'failures'] as const) {
          await narrow.showView(view);
          await narrow.view(view).locator(`.${view}-list .vlist-row`).first().waitFor();
          await narrow.view(view).locator('.performance-detail canvas').first().waitFor();
          const overflow = (await narrow.page.evaluate(
            'document.documentElement.scrollWidth - document.documentElement.clientWidth',
          )) as number;
          assert.strictEqual(overflow, 0, `${view}: no horizontal scrolling`);
          const more = await narrow.page.locator('.toolbar .toolbar-more').boundingBox();
          assert.ok(more && more.x + more.width <= 360.5, `${view}: "More actions" on screen`);
          await narrow.screenshot(`${view}-360-${locale}`);
        }
        assert.deepStrictEqual(narrow.errors, []);
      } finally {
        await narrow.close();
      }
    });
  }
});
