/**
 * An OpenCensus app as the panel sees it, built from the real captures (test/fixtures/captures):
 * tracer spans that are all in-process (INPROC) dependencies, and a metrics exporter sending the
 * user's view ("prompt view") next to the six standard performance counters OpenCensus adds by
 * default. The Map must show the app's role with its in-process work and say why there are no
 * connections; the Metrics view must list the user's metric first and fold the counters away.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { toPanelItems } from '../../../src/core/panel';
import { normaliseEnvelope } from '../../../src/core/store/normalise';
import type { Envelope } from '../../../src/core/envelope';
import type { PanelItem } from '../../../src/shared/messages';
import { REPO_ROOT } from '../../harness/paths';
import { snapshot } from './fixtures';
import { PanelPage, usePanelPages } from './panelPage';

const CAPTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'captures');
const STANDARD_COUNTERS = [
  '\\Processor(_Total)\\% Processor Time',
  '\\Memory\\Available Bytes',
  '\\Process(??APP_WIN32_PROC??)\\Private Bytes',
  '\\Process(??APP_WIN32_PROC??)\\% Processor Time',
  '\\ASP.NET Applications(??APP_W3SVC_PROC??)\\Requests/Sec',
  '\\ASP.NET Applications(??APP_W3SVC_PROC??)\\Request Execution Time',
];

function capture(name: string): Envelope[] {
  return JSON.parse(fs.readFileSync(path.join(CAPTURES, `${name}.body.json`), 'utf8')) as Envelope[];
}

/** The captured envelopes, re-timed to the last minute (the panel charts recent points). */
function openCensusItems(): PanelItem[] {
  const now = Date.now();
  const envelopes: Envelope[] = [...capture('py-opencensus-trace.req1')];
  for (const [index, body] of [capture('py-opencensus-metrics.req1'), capture('py-opencensus-metrics.req2')].entries()) {
    const [metric] = body;
    envelopes.push(metric!);
    // The capture's app had standard metrics off; these are the same envelope with the counters' names
    // (shared/protocol.md §2.2), as `enable_standard_metrics=True` (the default) sends them.
    for (const [counter, name] of STANDARD_COUNTERS.entries()) {
      const copy = JSON.parse(JSON.stringify(metric)) as { data: { baseData: { metrics: { name: string; value: number }[] } } };
      copy.data.baseData.metrics[0]!.name = name;
      copy.data.baseData.metrics[0]!.value = 10 * (counter + 1) + index;
      envelopes.push(copy as unknown as Envelope);
    }
  }
  const items = envelopes.map(
    (envelope, seq) => normaliseEnvelope({ ...envelope, time: new Date(now - 30_000 + seq * 500).toISOString() }, seq + 1, now)!,
  );
  return toPanelItems(items);
}

describe('Webview panel: an OpenCensus app (real captures)', function () {
  this.timeout(60_000);
  const pages = usePanelPages({ open: { width: 1100, height: 700 } });
  let panel: PanelPage;
  let items: PanelItem[];
  beforeEach(async () => {
    panel = pages.panel;
    items = openCensusItems();
    await panel.send(snapshot(items));
  });

  it('the captures hold only in-process spans and one user metric among the counters', () => {
    const dependencies = items.filter((item) => item.table === 'dependencies');
    assert.ok(
      dependencies.length >= 5 && dependencies.every((item) => /^inproc$/i.test(item.type ?? '')),
      JSON.stringify(dependencies.map((d) => d.type)),
    );
    assert.strictEqual(items.filter((item) => item.table === 'customMetrics').length, 14);
  });

  it('Map: shows the role with its in-process spans and says why there are no connections', async () => {
    await panel.showView('map');
    const view = panel.view('map');
    assert.strictEqual(await view.locator('.placeholder').count(), 0, 'not "No requests or dependencies yet"');
    const role = view.locator('.node-role');
    assert.strictEqual(await role.count(), 1);
    assert.match((await role.locator('.node-label').textContent()) ?? '', /oc_trace\.py/);
    assert.match((await role.locator('.node-detail').textContent()) ?? '', /5 in-process spans/);
    assert.match(await view.locator('.map-note').innerText(), /In-process spans .* not calls/);
    assert.strictEqual(await view.locator('.edge').count(), 0);
    await panel.screenshot('opencensus-map');
  });

  it('Metrics: the user\'s metric first; the six counters folded under "Standard performance counters"', async () => {
    await panel.showView('metrics');
    const view = panel.view('metrics');
    const topCards = view.locator('.scroll-area > .metric-grid > .metric-card .metric-name');
    assert.deepStrictEqual(await topCards.allInnerTexts(), ['prompt view']);
    const group = view.locator('details.metric-group');
    assert.match(await group.locator('summary').innerText(), /Standard performance counters \(6\)/);
    assert.strictEqual(await group.evaluate((el) => (el as unknown as { open: boolean }).open), false, 'folded by default');
    assert.strictEqual(await group.locator('.metric-card').first().isVisible(), false);
    await panel.screenshot('opencensus-metrics');
    await group.locator('summary').click();
    const counterNames = await group.locator('.metric-card .metric-name').allInnerTexts();
    assert.deepStrictEqual([...counterNames].sort(), [...STANDARD_COUNTERS].sort());
    await panel.screenshot('opencensus-metrics-counters');
  });

  it('Metrics: filtering by name still finds a counter inside the group', async () => {
    await panel.showView('metrics');
    const view = panel.view('metrics');
    await view.locator('.filter-bar vscode-textfield input').fill('Available');
    // The filter is debounced: wait until the user's metric has gone.
    await view.locator('.metric-card', { hasText: 'prompt view' }).waitFor({ state: 'detached' });
    await view.locator('details.metric-group summary').click();
    assert.deepStrictEqual(await view.locator('.metric-card .metric-name').allInnerTexts(), ['\\Memory\\Available Bytes']);
  });
});
