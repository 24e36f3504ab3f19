/** The query box's completion (src/webview/model/kqlCompletion.ts) and its vocabulary against the engine. */
import * as assert from 'assert';
import { AGGREGATE_FUNCTIONS, QUERY_TABLES, SCALAR_FUNCTIONS, TABULAR_OPERATORS, tableColumns } from '../../../src/core/query';
import { KQL_AGGREGATIONS, KQL_FUNCTIONS, KQL_OPERATORS, KQL_TABLE_COLUMNS } from '../../../src/shared/kqlVocabulary';
import type * as Completion from '../../../src/webview/model/kqlCompletion';
import { loadWebviewModule } from './webviewModule';

const { completeAt } = loadWebviewModule<typeof Completion>('src/webview/model/kqlCompletion.ts');
const labels = (text: string, caret = text.length): string[] => completeAt(text, caret)?.items.map((item) => item.label) ?? [];

describe('webview: KQL completion', () => {
  it('offers the tables at the start and after union/join (', () => {
    assert.deepStrictEqual(labels('re'), ['requests']);
    assert.deepStrictEqual(labels('requests | union cu'), ['customEvents', 'customMetrics']);
    assert.deepStrictEqual(labels('requests | join kind=inner (ex'), ['exceptions']);
  });

  it('offers operators right after "|"', () => {
    assert.deepStrictEqual(labels('requests | pro'), ['project', 'project-away', 'project-rename']);
    assert.deepStrictEqual(labels('requests |su'), ['summarize']);
  });

  it('offers the columns of the tables the query names, then functions, inserting "(" after a function', () => {
    assert.deepStrictEqual(labels('traces | where sev'), ['severityLevel']);
    assert.deepStrictEqual(labels('requests | where resultC'), ['resultCode']);
    assert.deepStrictEqual(labels('requests | where sev'), [], 'requests has no severityLevel');
    const completion = completeAt('requests | summarize perc', 'requests | summarize perc'.length)!;
    assert.deepStrictEqual(
      completion.items.map((item) => item.insert),
      ['percentile(', 'percentiles('],
    );
    assert.strictEqual(completion.from, 'requests | summarize '.length);
  });

  it('completes the word at the caret, not at the end', () => {
    const text = 'requests | whe | take 5';
    assert.deepStrictEqual(labels(text, 'requests | whe'.length), ['where']);
  });

  it('offers nothing without a word or a match', () => {
    assert.strictEqual(completeAt('requests | ', 11), undefined);
    assert.strictEqual(completeAt('requests | where zzz', 20), undefined);
  });

  it('lists exactly what the engine knows', () => {
    assert.deepStrictEqual(Object.keys(KQL_TABLE_COLUMNS).sort(), [...QUERY_TABLES].sort());
    for (const table of QUERY_TABLES)
      assert.deepStrictEqual(
        [...KQL_TABLE_COLUMNS[table]!].sort(),
        tableColumns(table)
          .map((column) => column.name)
          .sort(),
        table,
      );
    assert.deepStrictEqual([...KQL_AGGREGATIONS], [...AGGREGATE_FUNCTIONS]);
    assert.deepStrictEqual([...KQL_FUNCTIONS], [...SCALAR_FUNCTIONS]);
    assert.deepStrictEqual(
      KQL_OPERATORS.map((operator) => operator.split(' ')[0]),
      [...TABULAR_OPERATORS],
    );
  });
});
