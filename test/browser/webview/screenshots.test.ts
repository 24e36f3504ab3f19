/**
 * Screenshots of every view for people to look at (test-results/webview-*.png): light theme, and
 * the transaction waterfall and logs in the dark theme. Each one first checks that the view it
 * shows is populated, so an empty or broken view fails here instead of producing a blank picture.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import type { Browser } from 'playwright-core';
import { liveSamples, realisticItems, snapshot } from './fixtures';
import { launchBrowser, PanelPage, type PanelServer, startPanelServer } from './panelPage';
import type { ThemeKind } from './themes';

describe('Webview panel: screenshots', function () {
  this.timeout(60_000);
  let browser: Browser;
  let server: PanelServer;

  before(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startPanelServer()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(theme: ThemeKind): Promise<PanelPage> {
    const panel = await PanelPage.open(browser, server, { theme, width: 1360, height: 800 });
    await panel.send(snapshot(realisticItems(), { live: liveSamples() }));
    await panel.page.evaluate('document.fonts.ready');
    return panel;
  }

  async function shoot(panel: PanelPage, name: string): Promise<void> {
    const file = await panel.screenshot(name);
    assert.ok(fs.statSync(file).size > 10_000, `${file} has content`);
    assert.deepStrictEqual(await panel.cspViolations(), []);
  }

  for (const theme of ['light', 'dark'] as const) {
    const suffix = theme === 'light' ? '' : '-dark';

    it(`Transactions with the waterfall and the selected SQL dependency (${theme})`, async () => {
      const panel = await open(theme);
      try {
        await panel.view('transactions').locator('.operations-list .vlist-row', { hasText: 'GET /orders' }).click();
        await panel.view('transactions').locator('.waterfall-list .vlist-row', { hasText: 'SELECT orders' }).click();
        assert.strictEqual(await panel.view('transactions').locator('.waterfall-list .vlist-row').count(), 10);
        await shoot(panel, `transactions${suffix}`);
      } finally {
        await panel.close();
      }
    });

    it(`Logs with an exception opened (${theme})`, async () => {
      const panel = await open(theme);
      try {
        await panel.showView('logs');
        await panel.view('logs').locator('.logs-list .vlist-row', { hasText: 'UniqueViolation' }).click();
        await panel.view('logs').locator('.details-pane pre.stack').waitFor();
        await shoot(panel, `logs${suffix}`);
      } finally {
        await panel.close();
      }
    });
  }

  it('Metrics (light)', async () => {
    const panel = await open('light');
    try {
      await panel.showView('metrics');
      assert.strictEqual(await panel.view('metrics').locator('.metric-card canvas').count(), 3);
      await shoot(panel, 'metrics');
    } finally {
      await panel.close();
    }
  });

  it('Map (light)', async () => {
    const panel = await open('light');
    try {
      await panel.showView('map');
      assert.strictEqual(await panel.view('map').locator('g.node').count(), 4);
      await shoot(panel, 'map');
    } finally {
      await panel.close();
    }
  });

  it('Live (light)', async () => {
    const panel = await open('light');
    try {
      await panel.showView('live');
      assert.ok((await panel.view('live').locator('.live-card:not([hidden]) canvas').count()) >= 5);
      await shoot(panel, 'live');
    } finally {
      await panel.close();
    }
  });
});
