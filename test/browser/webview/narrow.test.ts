/**
 * The panel side by side with an editor: at 360, 480 and 640 px every tab and every stream action
 * must stay reachable — shown in the bar, or in the "More actions" menu (mouse and keyboard) — and
 * nothing may be drawn outside the panel. Screenshots: test-results/webview-narrow-*.png.
 */
import * as assert from 'assert';
import type { Browser } from 'playwright-core';
import { eventually } from '../../harness/eventually';
import { delta, ItemFactory, liveSamples, ORDERS_ROLE, realisticItems, snapshot } from './fixtures';
import { launchBrowser, PanelPage, type PanelServer, startPanelServer } from './panelPage';

const ACTIONS = [
  { label: 'Pause stream', posts: undefined },
  { label: 'Clear', posts: 'clear' },
  { label: 'Export', posts: 'export' },
  { label: 'Import', posts: 'import' },
] as const;

describe('Webview panel: narrow panels', function () {
  this.timeout(90_000);
  let browser: Browser;
  let server: PanelServer;

  before(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startPanelServer()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(width: number): Promise<PanelPage> {
    const panel = await PanelPage.open(browser, server, { width, height: 640 });
    await panel.send(snapshot(realisticItems(), { live: liveSamples() }));
    await panel.page.evaluate('document.fonts.ready');
    await panel.settle();
    return panel;
  }

  /** Whether the element's box lies inside the viewport horizontally and is not hidden. */
  async function inViewport(panel: PanelPage, selector: string): Promise<boolean> {
    const locator = panel.page.locator(selector).first();
    if (!(await locator.isVisible())) return false;
    const box = await locator.boundingBox();
    const width = panel.page.viewportSize()!.width;
    return !!box && box.width > 0 && box.x >= 0 && box.x + box.width <= width + 0.5;
  }

  it('Korean at 360 px: the longer words still fit in one row, with the menu in Korean', async () => {
    const panel = await PanelPage.open(browser, server, { width: 360, height: 640, locale: 'ko' });
    try {
      await panel.send(snapshot(realisticItems(), { live: liveSamples() }));
      await panel.page.evaluate('document.fonts.ready');
      await panel.settle();
      const overflow = (await panel.page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
      assert.strictEqual(overflow, 0);
      assert.ok(await inViewport(panel, '.toolbar .toolbar-more'));
      await panel.page.locator('.toolbar .toolbar-more').click();
      const items = await panel.page.locator('.toolbar-menu [role="menuitem"]:not([hidden])').allInnerTexts();
      assert.ok(items.includes('지우기') || items.some((text) => /[가-힣]/.test(text)), items.join(', '));
      assert.ok(await inViewport(panel, '.toolbar-menu'));
      await panel.screenshot('narrow-360-ko-menu');
    } finally {
      await panel.close();
    }
  });

  it('Korean at 360 px while catching up: the indicator keeps its dot only and "More actions" stays on screen', async () => {
    const panel = await PanelPage.open(browser, server, { width: 360, height: 640, locale: 'ko' });
    try {
      await panel.send(snapshot(realisticItems(), { live: liveSamples() }));
      await panel.page.evaluate('document.fonts.ready');
      await panel.settle();
      // Make the next frame look slow (the clock jumps 100 ms inside it), so the panel shows its
      // widest state, "따라잡는 중…", and measure the row the moment the indicator says so: the
      // state lasts only 600 ms, too short to read back with separate round trips on a busy machine.
      const measured = panel.page.evaluate(`new Promise((resolve) => {
        const indicator = document.querySelector('.stream-indicator');
        const more = document.querySelector('.toolbar-more');
        new MutationObserver((records, observer) => {
          if (indicator.dataset.mode !== 'behind') return;
          observer.disconnect();
          const box = more.getBoundingClientRect();
          resolve({ text: indicator.textContent, title: indicator.title, moreVisible: !more.hidden && box.width > 0, moreRight: box.right, width: document.documentElement.clientWidth,
            overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth, compact: document.querySelector('.toolbar').classList.contains('compact-indicator') });
        }).observe(indicator, { attributes: true, attributeFilter: ['data-mode'] });
        const realNow = performance.now.bind(performance);
        let offset = 0;
        const originalFrame = window.requestAnimationFrame.bind(window);
        window.requestAnimationFrame = (callback) => {
          window.requestAnimationFrame = originalFrame;
          return originalFrame((time) => {
            let calls = 0;
            performance.now = () => { if (++calls === 2) offset += 100; return realNow() + offset; };
            try { callback(time); } finally { performance.now = () => realNow() + offset; }
          });
        };
      })`);
      const factory = new ItemFactory(Date.now(), 1000);
      await panel.send(delta([factory.item({ at: 1, table: 'traces', role: ORDERS_ROLE, severity: 1, message: 'one more' })]));
      const state = (await measured) as {
        text: string;
        title: string;
        moreVisible: boolean;
        moreRight: number;
        width: number;
        overflow: number;
        compact: boolean;
      };
      assert.match(state.text, /따라잡는 중/);
      assert.strictEqual(state.title, state.text, 'the hidden text stays as the tooltip');
      assert.ok(state.compact, 'the indicator collapsed to its dot');
      assert.ok(
        state.moreVisible && state.moreRight <= state.width + 0.5,
        `"More actions" on screen: right edge ${state.moreRight} of ${state.width}`,
      );
      assert.strictEqual(state.overflow, 0);
    } finally {
      await panel.close();
    }
  });

  for (const width of [360, 480, 640]) {
    describe(`${width} px`, () => {
      it('every action is in the bar or in the overflow menu, and clicking it works', async () => {
        const panel = await open(width);
        try {
          const more = panel.page.locator('.toolbar .toolbar-more');
          const inBar: string[] = [];
          const inMenu: string[] = [];
          for (const action of ACTIONS) {
            const button = `.toolbar vscode-toolbar-button[label="${action.label}"]`;
            if (await inViewport(panel, button)) {
              inBar.push(action.label);
              continue;
            }
            assert.ok(await inViewport(panel, '.toolbar .toolbar-more'), `${action.label} is hidden, so "More actions" must be visible`);
            inMenu.push(action.label);
          }
          // Nothing in the toolbar or the tab headers sticks out of the panel.
          for (const selector of ['.toolbar', '.stream-indicator', '.strip-counters .counter:last-child'])
            assert.ok(await inViewport(panel, selector), `${selector} inside ${width} px`);
          const overflow = (await panel.page.evaluate(
            'document.documentElement.scrollWidth - document.documentElement.clientWidth',
          )) as number;
          assert.strictEqual(overflow, 0, 'no horizontal overflow of the page');
          if (inMenu.length > 0) {
            await more.click();
            const menu = panel.page.locator('.toolbar-menu');
            await menu.waitFor();
            const items = await menu.locator('[role="menuitem"]').allInnerTexts();
            for (const label of inMenu)
              assert.ok(
                items.some((text) => text.includes(label.replace(' stream', ''))),
                `${label} in the menu: ${items.join(', ')}`,
              );
            assert.ok(await inViewport(panel, '.toolbar-menu'), 'the menu is drawn inside the panel');
            await panel.screenshot(`narrow-${width}-menu`);
            await panel.page.keyboard.press('Escape');
            await menu.waitFor({ state: 'hidden' });
          }
          // Click each: from the bar, or through the menu.
          for (const action of ACTIONS) {
            if (inBar.includes(action.label)) {
              await panel.page.locator(`.toolbar vscode-toolbar-button[label="${action.label}"]`).click();
            } else {
              await more.click();
              await panel.page.locator('.toolbar-menu [role="menuitem"]', { hasText: action.label.replace(' stream', '') }).click();
            }
            await panel.settle();
          }
          const posted = (await panel.posted()).map((message) => message.type);
          assert.deepStrictEqual(
            posted.filter((type) => ['clear', 'export', 'import'].includes(type)),
            ['clear', 'export', 'import'],
          );
          assert.match(await panel.page.locator('.stream-indicator').innerText(), /Paused/);
          // The item count is readable: in the bar, or as the menu's heading.
          if (!(await inViewport(panel, '.toolbar .item-count'))) {
            await more.click();
            assert.match(await panel.page.locator('.toolbar-menu .toolbar-menu-count').innerText(), /\d+ items?/);
            await panel.page.keyboard.press('Escape');
          }
          assert.deepStrictEqual(panel.errors, []);
          assert.deepStrictEqual(await panel.cspViolations(), []);
        } finally {
          await panel.close();
        }
      });

      it('the menu and the tabs work from the keyboard', async () => {
        const panel = await open(width);
        try {
          const more = panel.page.locator('.toolbar .toolbar-more');
          if (await more.isVisible()) {
            await more.locator('button').focus();
            await panel.page.keyboard.press('Enter');
            const items = panel.page.locator('.toolbar-menu [role="menuitem"]:not([hidden])');
            await items.first().waitFor();
            assert.strictEqual(
              await items.first().evaluate((el) => el === el.ownerDocument.activeElement),
              true,
              'focus moves into the menu',
            );
            await panel.page.keyboard.press('ArrowDown');
            const count = await items.count();
            const texts = await items.allInnerTexts();
            const focused = await panel.page.evaluate('document.activeElement && document.activeElement.textContent');
            if (count > 1)
              assert.strictEqual(
                await items.nth(1).evaluate((el) => el === el.ownerDocument.activeElement),
                true,
                `ArrowDown moves to the next item (${texts.join('|')}; focused: ${focused})`,
              );
            await panel.page.keyboard.press('Escape');
            await panel.page.locator('.toolbar-menu').waitFor({ state: 'hidden' });
            assert.strictEqual(
              await more.evaluate((el) => el === el.ownerDocument.activeElement || el.contains(el.ownerDocument.activeElement)),
              true,
              'Escape returns focus to "More actions"',
            );
          }
          // Every tab is reachable: its header visible within the panel, or (eight tabs at 360 px) listed
          // in the "More actions" menu; selecting it shows its view, and the selected header is in the row.
          for (const view of ['transactions', 'performance', 'failures', 'logs', 'query', 'metrics', 'map', 'live'] as const) {
            const selector = `vscode-tab-header[data-view="${view}"]`;
            if (await panel.page.locator(selector).isVisible()) {
              assert.ok(await inViewport(panel, selector), `${view} tab inside ${width} px`);
              await panel.showView(view);
            } else {
              await panel.page.locator('.toolbar .toolbar-more').click();
              await panel.page.locator(`.toolbar-menu .toolbar-menu-tab[data-view="${view}"]`).click();
              await panel.page.locator(`vscode-tab-panel[data-view="${view}"]:not([hidden])`).waitFor();
              await eventually(async () =>
                assert.ok(await inViewport(panel, selector), `${view}, chosen from the menu, is shown in the row at ${width} px`),
              );
            }
            if (await panel.page.locator('.toolbar .toolbar-more').isVisible())
              assert.ok(await inViewport(panel, '.toolbar .toolbar-more'), `"More actions" on screen with ${view} selected`);
          }
          await panel.showView('transactions');
          await panel.view('transactions').locator('.operations-list .vlist-row', { hasText: 'GET /orders' }).click();
          await panel.view('transactions').locator('.waterfall-list .vlist-row').first().waitFor();
          // The waterfall's axis labels do not overlap one another.
          const ticks = panel.view('transactions').locator('.waterfall-axis .axis-tick');
          const boxes = [];
          for (let i = 0; i < (await ticks.count()); i++)
            if (await ticks.nth(i).isVisible()) boxes.push((await ticks.nth(i).boundingBox())!);
          assert.ok(boxes.length >= 2, 'the axis shows at least its start and end');
          boxes.sort((a, b) => a.x - b.x);
          for (let i = 1; i < boxes.length; i++)
            assert.ok(boxes[i]!.x >= boxes[i - 1]!.x + boxes[i - 1]!.width, `axis labels ${i - 1} and ${i} overlap at ${width} px`);
          await panel.screenshot(`narrow-${width}`);
          await panel.showView('metrics');
          await panel.screenshot(`narrow-${width}-metrics`);
        } finally {
          await panel.close();
        }
      });
    });
  }
});
