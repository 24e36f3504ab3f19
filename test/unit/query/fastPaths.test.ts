/**
 * The evaluator's fast paths (fields read in place: `where duration > 500`, `success == false`,
 * `summarize … by bin(timestamp, 1m)`, `avg(duration)`) give the same answers as the general path.
 * `extend x = column` hides the field (extended rows are no longer the items), so each query is
 * run both ways over items that include missing durations and successes.
 */
import * as assert from 'assert';
import { runQuery } from '../../../src/core/query';
import type { TelemetryItem } from '../../../src/core/store';

const START = Date.UTC(2026, 0, 15, 10);

function items(): TelemetryItem[] {
  const result: TelemetryItem[] = [];
  for (let index = 0; index < 500; index++) {
    const item: Record<string, unknown> = {
      seq: index + 1,
      table: index % 7 === 0 ? 'dependencies' : 'requests',
      time: START + index * 1_700,
      role: 'api',
      name: `GET /r/${index % 5}`,
      id: `r${index}`,
    };
    // Every 11th has no duration, every 13th no success: the general path treats both as null.
    if (index % 11 !== 0) item.duration = ((index * 37) % 1_000) + (index % 3) / 4;
    if (index % 13 !== 0) item.success = index % 4 !== 0;
    result.push(item as unknown as TelemetryItem);
  }
  return result;
}

const PAIRS: readonly [string, string][] = [
  ['requests | where duration > 500 | count', 'requests | extend d = duration | where d > 500 | count'],
  ['requests | where duration <= 250.5 | count', 'requests | extend d = duration | where d <= 250.5 | count'],
  ['requests | where duration == 74 | count', 'requests | extend d = duration | where d == 74 | count'],
  ['requests | where duration != 74 | count', 'requests | extend d = duration | where d != 74 | count'],
  ['requests | where success == false | count', 'requests | extend s = success | where s == false | count'],
  ['requests | where success != true | count', 'requests | extend s = success | where s != true | count'],
  [
    'requests | where duration > 500 and success == false | top 20 by duration | project id',
    'requests | extend d = duration, s = success | where d > 500 and s == false | top 20 by d | project id',
  ],
  [
    'requests | summarize count(), avg(duration), sum(duration) by bin(timestamp, 1m)',
    'requests | extend t = timestamp, d = duration | summarize count(), avg(d), sum(d) by bin(t, 1m)',
  ],
  ['requests | summarize count() by bin(duration, 100)', 'requests | extend d = duration | summarize count() by bin(d, 100)'],
  [
    'union requests, dependencies | summarize avg(duration) by bin(timestamp, 5m)',
    'union requests, dependencies | extend t = timestamp, d = duration | summarize avg(d) by bin(t, 5m)',
  ],
];

describe('query: fast paths agree with the general path', () => {
  const all = items();
  for (const [fast, general] of PAIRS) {
    it(fast, () => {
      const a = runQuery(fast, all);
      const b = runQuery(general, all);
      assert.ok(a.rows.length > 0, 'the query has an answer to compare');
      assert.deepStrictEqual(a.rows, b.rows);
    });
  }

  it('bin over a missing duration groups those rows under null, in order of first appearance', () => {
    const result = runQuery('requests | summarize count() by bin(duration, 1000)', all);
    // The first request (index 1, 37.25 ms) opens bucket 0; index 11, the first without a duration, opens null.
    assert.deepStrictEqual(
      result.rows.map((row) => row[0]),
      [0, null],
      'in order of first appearance',
    );
    assert.deepStrictEqual(result.rows[1], [null, 39], '39 requests have no duration');
    assert.strictEqual(
      result.rows.reduce((sum, row) => sum + (row[1] as number), 0),
      all.filter((item) => item.table === 'requests').length,
    );
  });
});
