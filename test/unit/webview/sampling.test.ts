/**
 * Issue 19: what the strip says about the app's sampling, from the kept requests' sampleRate: a
 * fixed percentage (every rate equal) or a rate-limited sampler (rates vary; kept per second).
 */
import * as assert from 'assert';
import type { PanelItem } from '../../../src/shared/messages';
import { loadWebviewModule } from './webviewModule';

interface Summary {
  keptRequests: number;
  representedRequests: number;
  fixedPercent?: number;
  keptPerSecond?: number;
}
const sampling = loadWebviewModule<{
  samplingSummary(items: Iterable<PanelItem>): Summary | undefined;
  itemCountOf(item: PanelItem): number;
}>('src/webview/model/sampling.ts');

function request(seq: number, sampleRate: number | undefined, seconds = seq): PanelItem {
  return { seq, table: 'requests', time: 1_700_000_000_000 + seconds * 1000, ...(sampleRate !== undefined ? { sampleRate } : {}) };
}

describe('webview: sampling summary (issue 19)', () => {
  it('nothing when no request was sampled (rate 100 or none)', () => {
    assert.strictEqual(sampling.samplingSummary([request(1, undefined), request(2, 100)]), undefined);
  });

  it('a fixed percentage: 10 % kept, each stands for 10', () => {
    const items = Array.from({ length: 37 }, (_, index) => request(index, 10));
    assert.deepStrictEqual(sampling.samplingSummary(items), { keptRequests: 37, representedRequests: 370, fixedPercent: 10 });
    assert.strictEqual(sampling.itemCountOf(items[0]!), 10);
  });

  it('a rate-limited sampler: rates vary, kept per second over the time they span', () => {
    // 5 traces/s over 10 s: 50 kept, the rate adapting between 20 % and 50 %.
    const items = Array.from({ length: 51 }, (_, index) => request(index, index % 2 === 0 ? 20 : 50, index / 5));
    const summary = sampling.samplingSummary(items)!;
    assert.strictEqual(summary.keptRequests, 51);
    assert.strictEqual(summary.representedRequests, 26 * 5 + 25 * 2);
    assert.strictEqual(summary.fixedPercent, undefined);
    assert.ok(Math.abs(summary.keptPerSecond! - 5.1) < 1e-9, String(summary.keptPerSecond));
  });

  it('only requests count; hostile rates are ignored', () => {
    const dependency: PanelItem = { seq: 9, table: 'dependencies', time: 0, sampleRate: 10 };
    assert.strictEqual(sampling.samplingSummary([dependency, request(1, Number.NaN), request(2, -5), request(3, 0)]), undefined);
  });
});
