/**
 * Issue 19 in the panel: a sampled run. The strip says the app samples and how much it keeps
 * (rate-limited: kept per second; fixed: the percentage), each item shows its rate and itemCount,
 * and "Run without sampling" asks the host (which asks the user) — English and Korean.
 * Screenshots: test-results/webview-sampling-*.png.
 */
import * as assert from 'assert';
import type { PanelItem } from '../../../src/shared/messages';
import { eventually } from '../../harness/eventually';
import { snapshot } from './fixtures';
import { usePanelPages } from './panelPage';

const START = Date.UTC(2026, 11, 6, 19, 0, 0);

/** 37 requests kept over 24 s by a rate-limited sampler: its rate adapts (25–40 %), so they stand for about 118. */
function sampledRun(): PanelItem[] {
  return Array.from({ length: 37 }, (_, index) => ({
    seq: index + 1,
    table: 'requests' as const,
    time: START + Math.round((index * 24_000) / 36),
    operationId: `${index + 1}`.padStart(32, 'e'),
    id: `${index + 1}`.padStart(16, 'f'),
    name: index % 3 === 0 ? 'GET /orders' : 'GET /health',
    duration: 12,
    success: true,
    resultCode: '200',
    role: 'orders-api',
    sampleRate: [25, 33.333333, 40][index % 3],
  }));
}

describe('Webview panel: a sampled run (issue 19)', function () {
  this.timeout(60_000);
  const pages = usePanelPages();

  it('the strip says the app samples, each item shows its rate, and "Run without sampling" goes to the host', async () => {
    const panel = pages.panel;
    await panel.send(snapshot(sampledRun()));
    const strip = panel.page.locator('.forwarding-strip .strip-sampling');
    await eventually(async () =>
      assert.match(await strip.innerText(), /The app samples at about 1\.5 traces\/s: 37 of about 118 requests kept/),
    );
    await panel.page.locator('.operations-list .vlist-row').first().click();
    await eventually(async () =>
      assert.match(
        await panel.page.locator('.item-pane .fields').innerText(),
        /Sampling\s+Kept at 25%: this item stands for 4 items \(itemCount\)\./,
      ),
    );
    await panel.screenshot('sampling-strip');
    await strip.locator('button.run-without-sampling').click();
    await eventually(async () => assert.strictEqual((await panel.postedOfType('runWithoutSampling')).length, 1));
  });

  it('a fixed percentage reads as such; an unsampled run shows nothing', async () => {
    const panel = pages.panel;
    const fixed = sampledRun().map((item) => ({ ...item, sampleRate: 10 }));
    await panel.send(snapshot(fixed));
    const strip = panel.page.locator('.forwarding-strip .strip-sampling');
    await eventually(async () => assert.match(await strip.innerText(), /The app keeps 10% of traces: 37 of about 370 requests kept/));
    await panel.send(snapshot(sampledRun().map((item) => ({ ...item, sampleRate: undefined }))));
    await eventually(async () => assert.strictEqual(await strip.isVisible(), false));
  });
});

describe('Webview panel: a sampled run in Korean (issue 19)', function () {
  this.timeout(60_000);
  const pages = usePanelPages({ open: { locale: 'ko' } });

  it('reads in Korean', async () => {
    const panel = pages.panel;
    await panel.send(snapshot(sampledRun()));
    const strip = panel.page.locator('.forwarding-strip .strip-sampling');
    await eventually(async () =>
      assert.match(await strip.innerText(), /앱이 초당 약 1\.5개 추적으로 샘플링합니다: 약 118개 요청 중 37개 유지/),
    );
    assert.match(await strip.locator('button').innerText(), /샘플링 없이 실행/);
    await panel.screenshot('sampling-strip-ko');
  });
});
