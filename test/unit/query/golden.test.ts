/**
 * The query engine against hand-checked answers (goldenCases.ts) over a fixed telemetry set that
 * goes through the real store's normalisation first, as the relay's items do.
 */
import * as assert from 'assert';
import { runQuery } from '../../../src/core/query';
import { TelemetryStore } from '../../../src/core/store';
import { FIXTURE_NOW, GOLDEN_CASES, loadQueryFixture } from './goldenCases';

describe('query: golden results over the fixture', () => {
  const store = new TelemetryStore();
  store.add(loadQueryFixture());
  const items = store.snapshot();

  it('loads the whole fixture into the store', () => {
    assert.strictEqual(store.size, 22);
  });

  for (const golden of GOLDEN_CASES) {
    it(`${golden.covers}: ${golden.query}`, () => {
      const result = runQuery(golden.query, items, { now: FIXTURE_NOW });
      assert.deepStrictEqual(
        result.columns.map((column) => column.name),
        golden.columns,
      );
      assert.deepStrictEqual(result.rows, golden.rows);
      assert.deepStrictEqual(result.chart, golden.chart && { title: undefined, ...golden.chart });
      assert.strictEqual(result.truncated, undefined);
    });
  }

  it('covers every operator and function the issue lists', () => {
    const listed = [
      'where',
      'project',
      'project-away',
      'extend',
      'summarize',
      'count()',
      'countif',
      'sum(',
      'avg(',
      'min(',
      'max(',
      'dcount',
      'percentile(',
      'percentiles',
      'make_list',
      'arg_max',
      'bin(timestamp',
      'order by',
      'sort by',
      'take',
      'limit',
      'top ',
      'distinct',
      'kind=inner',
      'kind=leftouter',
      'render timechart',
      'render barchart',
      'render piechart',
      ' has ',
      'contains',
      'startswith',
      '=~',
      ' in (',
      '!in',
      'matches regex',
      'strcat',
      'tostring',
      'toint',
      'todouble',
      'parse_json',
      'customDimensions.',
      'ago(',
      'now(',
      'datetime(',
      '950ms',
      '3m',
      'union',
      'search',
    ];
    const all = GOLDEN_CASES.map((golden) => golden.query).join('\n');
    assert.deepStrictEqual(
      listed.filter((word) => !all.includes(word)),
      [],
    );
  });

  it('gives column types as Kusto names them', () => {
    const result = runQuery('requests | project timestamp, name, duration, success, itemCount, customDimensions, gap = 1s', items);
    assert.deepStrictEqual(
      result.columns.map((column) => column.type),
      ['datetime', 'string', 'real', 'bool', 'long', 'dynamic', 'timespan'],
    );
  });

  it('cuts a result over maxResultRows and says so', () => {
    const result = runQuery('requests', items, { limits: { maxResultRows: 4 } });
    assert.strictEqual(result.rows.length, 4);
    assert.strictEqual(result.truncated, true);
    assert.strictEqual(result.totalRows, 6);
  });
});
