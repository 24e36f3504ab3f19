/**
 * The panel in a Korean VS Code: the page carries the host's string table built from
 * l10n/bundle.l10n.ko.json (panelPage.ts), so tabs, toolbar, filters, headers, counts and the
 * forwarding strip read Korean, the filters still work through their Korean labels, and telemetry
 * text stays exactly as the app sent it. Screenshot: test-results/webview-ko.png.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { eventually } from '../../harness/eventually';
import { REPO_ROOT } from '../../harness/paths';
import { FAILED_OPERATION, liveSamples, realisticItems, snapshot } from './fixtures';
import { type PanelPage, usePanelPages } from './panelPage';

const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();
const korean = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'l10n', 'bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;

describe('Webview panel: Korean UI', function () {
  this.timeout(60_000);
  const pages = usePanelPages({
    open: { locale: 'ko', width: 1360, height: 800 },
    prepare: async (panel) => {
      await panel.send(snapshot(realisticItems(), { live: liveSamples() }));
    },
  });
  let panel: PanelPage;
  beforeEach(() => {
    panel = pages.panel;
  });

  it('tabs, toolbar and counts read Korean, with no English left in the chrome', async () => {
    const tabs = (await panel.page.locator('vscode-tab-header .tab-title').allInnerTexts()).map(squash);
    assert.deepStrictEqual(tabs, [
      korean.Transactions,
      korean.Performance,
      korean.Failures,
      korean.Logs,
      korean.Query,
      korean.Metrics,
      korean.Map,
      korean.Live,
    ]);
    assert.deepStrictEqual(tabs, ['트랜잭션', '성능', '실패', '로그', '쿼리', '메트릭', '맵', '실시간']);
    const toolbar = panel.page.locator('.toolbar');
    assert.strictEqual(await toolbar.getAttribute('aria-label'), '원격 분석 스트림');
    assert.match(squash(await panel.page.locator('.item-count').innerText()), /^항목 \d+개$/);
    // A first frame slower than 50 ms (a loaded machine) shows "따라잡는 중…" (catching up) for the
    // 600 ms after it (src/webview/app.ts): the status is awaited, not read once.
    await eventually(async () => assert.strictEqual(squash(await panel.page.locator('.stream-indicator').innerText()), '실시간'), {
      timeoutMs: 10_000,
    });
    for (const label of ['스트림 일시 중지', '지우기', '내보내기', '가져오기'])
      assert.strictEqual(await toolbar.locator(`vscode-toolbar-button[label="${label}"]`).count(), 1, label);
    assert.doesNotMatch(await toolbar.innerText(), /[A-Za-z]/, 'no English word in the toolbar');
    assert.match(squash(await panel.view('transactions').locator('.filter-count').innerText()), /^트랜잭션 \d+개$/);
    const headers = (await panel.view('transactions').locator('.list-header span').allInnerTexts()).map(squash).filter(Boolean);
    assert.deepStrictEqual(headers, ['시작', '이름', '역할', '소요 시간', '항목']);
  });

  it('the forwarding strip reads Korean and its button still pauses forwarding', async () => {
    const strip = panel.page.locator('.forwarding-strip');
    assert.strictEqual(squash(await strip.locator('.strip-state').innerText()), '전달 중: westeurope-5.in.applicationinsights.azure.com');
    const counters = squash(await strip.locator('.strip-counters').innerText());
    assert.match(counters, /^수락됨 1,284 전송됨 1,240 재시도 중 12 디스크 대기열 32 \(47\.1 KB\) 삭제됨 0$/);
    assert.match(squash(await strip.locator('.strip-relay').innerText()), /^릴레이 http:\/\/127\.0\.0\.1:\d+\/$/);
    // The last error is the forwarder's text: shown as it came.
    assert.strictEqual(
      squash(await strip.locator('.strip-error').innerText()),
      '429 Too Many Requests from ingestion; retrying after 10 s',
    );
    const toggle = strip.locator('vscode-toolbar-button.strip-toggle');
    assert.strictEqual(squash(await toggle.innerText()), '전달 일시 중지');
    await toggle.click();
    assert.deepStrictEqual(await panel.postedOfType('setForwardingPaused'), [{ type: 'setForwardingPaused', paused: true }]);
  });

  it('logs: Korean headers, severities and filter labels; the filter works; telemetry text untranslated', async () => {
    await panel.showView('logs');
    const view = panel.view('logs');
    const headers = (await view.locator('.list-header span').allInnerTexts()).map(squash).filter(Boolean);
    assert.deepStrictEqual(headers, ['시간', '수준', '역할', '메시지']);
    const select = view.locator('vscode-single-select[aria-label="최소 심각도"]');
    await select.click();
    await select.getByRole('option', { name: '오류 이상', exact: true }).click();
    await view.locator('.filter-count', { hasText: /개 중/ }).waitFor(); // the filter applied ("N개 중 M개")
    await panel.settle();
    const rows = view.locator('.logs-list .vlist-row');
    const levels = (await rows.locator('.cell-level').allInnerTexts()).map(squash);
    assert.ok(levels.length > 0 && levels.every((level) => level === '오류' || level === '심각'), levels.join(', '));
    const messages = (await rows.locator('.message-text').allInnerTexts()).map(squash);
    assert.ok(messages.includes('Database connection pool exhausted (20/20 in use)'), messages.join('\n'));
    assert.match(squash(await view.locator('.filter-count').innerText()), /^\d+개 중 \d+개$/);
  });

  it('screenshot: the failed transaction with its details, in Korean', async () => {
    const view = panel.view('transactions');
    await view.locator(`.operations-list .vlist-row[data-key="${FAILED_OPERATION}"]`).click();
    await view.locator('.waterfall-list .vlist-row', { hasText: 'UniqueViolation' }).click();
    const meta = squash(await view.locator('.transaction-meta').innerText());
    assert.match(meta, /범위 \d+개 · 로그\/예외 \d+개/);
    assert.ok(meta.includes('쿼리'), meta);
    const details = view.locator('.item-pane .details');
    assert.strictEqual(await details.getAttribute('aria-label'), '항목 세부 정보');
    const fieldNames = (await details.locator('dt').allInnerTexts()).map(squash);
    for (const name of ['테이블', '시간', '작업 ID']) assert.ok(fieldNames.includes(name), fieldNames.join(', '));
    assert.ok((await details.locator('h3').allInnerTexts()).map(squash).includes('예외'));
    await panel.page.evaluate('document.fonts.ready');
    const file = await panel.screenshot('ko');
    assert.ok(fs.statSync(file).size > 10_000, `${file} has content`);
  });
});
