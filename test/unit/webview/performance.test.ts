/** The Performance and Failures tabs' arithmetic (src/webview/model/performance.ts), with hand-checked answers. */
import * as assert from 'assert';
import type { PanelItem } from '../../../src/shared/messages';
import type * as Performance from '../../../src/webview/model/performance';
import { loadWebviewModule } from './webviewModule';

const model = loadWebviewModule<typeof Performance>('src/webview/model/performance.ts');

let seq = 0;
function span(fields: Partial<PanelItem> & Pick<PanelItem, 'table'>): PanelItem {
  return { seq: ++seq, time: 1_000_000, ...fields } as PanelItem;
}
const alive = () => true;

describe('webview: Performance and Failures model', () => {
  it('nearest-rank percentiles: the smallest value with at least p % of the values at or below it', () => {
    const sorted = Float64Array.from({ length: 10 }, (_, i) => (i + 1) * 10); // 10 … 100
    assert.strictEqual(model.percentile(sorted, 50), 50);
    assert.strictEqual(model.percentile(sorted, 95), 100);
    assert.strictEqual(model.percentile(sorted, 10), 10);
    assert.strictEqual(model.percentile(sorted, 11), 20);
    assert.strictEqual(model.percentile(new Float64Array(0), 50), 0);
  });

  it('groups requests by name, dependencies by type, target or name; most total time first', () => {
    const items = [
      span({ table: 'requests', name: 'GET /a', duration: 10, success: true }),
      span({ table: 'requests', name: 'GET /a', duration: 30, success: false }),
      span({ table: 'requests', name: 'GET /b', duration: 100, success: true }),
      span({ table: 'dependencies', name: 'SELECT', type: 'postgresql', target: 'db', duration: 5, success: true }),
      span({ table: 'dependencies', name: 'GET /x', type: 'HTTP', target: 'db', duration: 7, success: false }),
    ];
    const requests = model.groupSpans(items, 'operation');
    assert.deepStrictEqual(
      requests.map(({ key, count, failures, average, p50, p95, p99 }) => ({ key, count, failures, average, p50, p95, p99 })),
      [
        { key: 'GET /b', count: 1, failures: 0, average: 100, p50: 100, p95: 100, p99: 100 },
        { key: 'GET /a', count: 2, failures: 1, average: 20, p50: 10, p95: 30, p99: 30 },
      ],
    );
    assert.deepStrictEqual(
      model.groupSpans(items, 'dependencyType').map((group) => group.key),
      ['HTTP', 'postgresql'],
    );
    assert.deepStrictEqual(
      model.groupSpans(items, 'dependencyTarget').map((group) => [group.key, group.count, group.failures]),
      [['db', 2, 1]],
    );
    assert.deepStrictEqual(
      model.groupSpans(items, 'dependencyName').map((group) => group.key),
      ['GET /x', 'SELECT'],
    );
  });

  it('time ranges end at the newest span; "all" keeps everything; dead items and logs are left out', () => {
    const newest = span({ table: 'requests', time: 10 * 60_000 });
    const fourMinutes = span({ table: 'requests', time: 6 * 60_000 });
    const nineMinutes = span({ table: 'dependencies', time: 60_000 });
    const log = span({ table: 'traces', time: 10 * 60_000 });
    const dead = span({ table: 'requests', time: 10 * 60_000 });
    const all = [nineMinutes, fourMinutes, newest, log, dead];
    const isAlive = (item: PanelItem) => item !== dead;
    assert.deepStrictEqual(model.spansInRange(all, isAlive, '5m'), [fourMinutes, newest]);
    assert.deepStrictEqual(model.spansInRange(all, isAlive, '30m'), [nineMinutes, fourMinutes, newest]);
    assert.deepStrictEqual(model.spansInRange(all, isAlive, 'all'), [nineMinutes, fourMinutes, newest]);
    assert.deepStrictEqual(model.spansInRange([], alive, '5m'), []);
  });

  it('histogram: linear bins for a narrow spread, logarithmic beyond a factor of 20; every item counted once', () => {
    const linear = model.durationHistogram(
      [10, 12, 20].map((duration) => span({ table: 'requests', duration })),
      5,
    );
    assert.strictEqual(linear.logarithmic, false);
    assert.deepStrictEqual(linear.edges, [10, 12, 14, 16, 18, 20]);
    assert.deepStrictEqual(linear.counts, [1, 1, 0, 0, 1], 'the maximum falls in the last bin');
    const wide = model.durationHistogram(
      [1, 10, 100, 1000].map((duration) => span({ table: 'requests', duration })),
      3,
    );
    assert.strictEqual(wide.logarithmic, true);
    assert.deepStrictEqual(
      wide.edges.map((edge) => Math.round(edge)),
      [1, 10, 100, 1000],
    );
    assert.deepStrictEqual(wide.counts, [1, 1, 2]);
    const same = model.durationHistogram([5, 5].map((duration) => span({ table: 'requests', duration })));
    assert.deepStrictEqual(same.counts, [2]);
    assert.deepStrictEqual(model.durationHistogram([]).counts, [0]);
  });

  it('a duration range keeps the samples inside it, both ends included', () => {
    const items = [5, 10, 15, 20].map((duration) => span({ table: 'requests', duration }));
    assert.deepStrictEqual(
      model.withinDuration(items, { from: 10, to: 15 }).map((item) => item.duration),
      [10, 15],
    );
    assert.strictEqual(model.withinDuration(items, undefined), items);
  });

  it('samples: slowest, newest failed, newest, at most the limit', () => {
    const items = [
      span({ table: 'requests', time: 1, duration: 50, success: true }),
      span({ table: 'requests', time: 2, duration: 10, success: false }),
      span({ table: 'requests', time: 3, duration: 90, success: true }),
      span({ table: 'requests', time: 4, duration: 20, success: false }),
    ];
    assert.deepStrictEqual(
      model.pickSamples(items, 'slowest', 2).map((item) => item.duration),
      [90, 50],
    );
    assert.deepStrictEqual(
      model.pickSamples(items, 'failed').map((item) => item.time),
      [4, 2],
    );
    assert.deepStrictEqual(
      model.pickSamples(items, 'latest', 3).map((item) => item.time),
      [4, 3, 2],
    );
  });

  it('related groups: the dependencies of the same transactions, or the requests calling a dependency', () => {
    const request = span({ table: 'requests', operationId: 'op1', name: 'GET /a', duration: 100, success: false });
    const sql = span({
      table: 'dependencies',
      operationId: 'op1',
      name: 'SELECT',
      type: 'postgresql',
      target: 'db',
      duration: 30,
      success: true,
    });
    const sql2 = span({
      table: 'dependencies',
      operationId: 'op1',
      name: 'SELECT',
      type: 'postgresql',
      target: 'db',
      duration: 10,
      success: false,
    });
    const operations = new Map([['op1', [request, sql, sql2]]]);
    const lookup = (id: string) => operations.get(id);
    assert.deepStrictEqual(
      model.relatedGroups([request, request], 'operation', lookup),
      [{ label: 'postgresql · db', count: 2, failures: 1, average: 20 }],
      'a transaction counts once',
    );
    assert.deepStrictEqual(model.relatedGroups([sql], 'dependencyType', lookup), [
      { label: 'GET /a', count: 1, failures: 1, average: 100 },
    ]);
  });

  it('failures by operation, result code and exception type, with totals for the rate', () => {
    const failedA = span({ table: 'requests', operationId: 'a', id: 'ra', name: 'POST /x', resultCode: '500', success: false });
    const okA = span({ table: 'requests', operationId: 'b', id: 'rb', name: 'POST /x', resultCode: '200', success: true });
    const failedC = span({ table: 'requests', operationId: 'c', id: 'rc', name: 'GET /y', resultCode: '500', success: false });
    const exception = span({
      table: 'exceptions',
      operationId: 'a',
      parentId: 'ra',
      exceptions: [{ typeName: 'ValueError', message: 'bad' }],
    });
    const operations = new Map([['a', [failedA, exception]]]);
    const lookup = (id: string) => operations.get(id);
    const spans = [failedA, okA, failedC];
    assert.deepStrictEqual(
      model.groupFailures(spans, 'requests', 'operation', lookup).map((group) => [group.key, group.items.length, group.total]),
      [
        ['GET /y', 1, 1],
        ['POST /x', 1, 2],
      ],
    );
    assert.deepStrictEqual(
      model.groupFailures(spans, 'requests', 'resultCode', lookup).map((group) => [group.key, group.items.length, group.total]),
      [['500', 2, 2]],
    );
    assert.deepStrictEqual(
      model.groupFailures(spans, 'requests', 'exceptionType', lookup).map((group) => [group.key, group.items.length]),
      [
        ['', 1],
        ['ValueError', 1],
      ],
    );
    assert.deepStrictEqual(model.groupFailures(spans, 'dependencies', 'operation', lookup), []);
  });

  it('counts over time: round buckets over the data, failed and all per bucket', () => {
    const at = (seconds: number, success: boolean) => span({ table: 'requests', time: seconds * 1000, success });
    const all = [at(0, true), at(3, false), at(12, true), at(59, false)];
    const series = model.countsOverTime(
      all.filter((item) => item.success === false),
      all,
    );
    // 59 s of data → 1 s buckets (≤ 60 of them), and an empty one each side.
    assert.strictEqual(series.times.length, 62);
    assert.strictEqual(series.all[0], 0);
    assert.strictEqual(series.all[61], 0);
    assert.strictEqual(
      series.failed.reduce((a, b) => a + b, 0),
      2,
    );
    assert.strictEqual(
      series.all.reduce((a, b) => a + b, 0),
      4,
    );
    assert.strictEqual(series.failed[4], 1);
    assert.strictEqual(series.all[13], 1);
    const long = model.countsOverTime([], [at(0, true), at(3600, true)]);
    assert.strictEqual(long.times[1]! - long.times[0]!, 60, 'an hour → 1 min buckets');
    assert.deepStrictEqual(model.countsOverTime([], []).times, []);
  });
});
