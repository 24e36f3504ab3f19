/**
 * Queries the engine must refuse with a positioned error (never a hang, never a crash): unknown
 * names, type errors, huge take, regex catastrophes, deep nesting, runaway joins and strings.
 */
import * as assert from 'assert';
import type { Envelope } from '../../../src/core/envelope';
import { QueryError, runQuery } from '../../../src/core/query';
import { TelemetryStore } from '../../../src/core/store';
import { loadQueryFixture } from './goldenCases';

const store = new TelemetryStore();
store.add(loadQueryFixture());
const items = store.snapshot();

function refusal(query: string, options: Parameters<typeof runQuery>[2] = {}, source = items): QueryError {
  try {
    runQuery(query, source, options);
  } catch (error) {
    assert.ok(error instanceof QueryError, `a QueryError, got ${String(error)}`);
    return error;
  }
  assert.fail(`${query} ran without an error`);
}

describe('query: bad queries get an error with a position', () => {
  const cases: [query: string, kind: string, column: number, message: RegExp][] = [
    ['requests | where nme == "x"', 'semantic', 18, /Unknown column "nme"/],
    ['requests | where Name == "x"', 'semantic', 18, /did you mean "name"/],
    ['reqests | count', 'semantic', 1, /Unknown table "reqests"/],
    ['requests | where name > 5', 'semantic', 23, /Cannot compare string with long/],
    ['requests | summarize sum(name)', 'semantic', 26, /sum\(\) needs long or real or timespan; this is string/],
    ['requests | extend x = name + "a"', 'semantic', 28, /strcat/],
    ['requests | summarize count() by bin(name, 1m)', 'semantic', 33, /bin\(\) cannot round a string/],
    ['requests | where 1', 'semantic', 18, /true\/false condition/],
    ['requests | project count()', 'semantic', 20, /aggregation/],
    ['requests | where strlen(name, 2) > 1', 'semantic', 18, /strlen\(\) takes 1 argument/],
    ['requests | where name.x == 1', 'semantic', 23, /Only dynamic values/],
    ['requests | where name == "x', 'syntax', 26, /no closing quote/],
    ['requests | where', 'syntax', 17, /found the end of the query/],
    ['requests | foo', 'syntax', 12, /Expected a tabular operator/],
    ['requests | take 10 )', 'syntax', 20, /closes nothing/],
    ['requests | where duration > 5xyz', 'syntax', 29, /not a number or a timespan/],
    ['requests | join kind=fullouter (requests) on id', 'syntax', 22, /not supported/],
    ['requests | render timechart | take 1', 'semantic', 12, /render must be the last/],
    ['requests | where name matches regex "["', 'semantic', 37, /Invalid regular expression/],
    ['requests | where timestamp > datetime(2026-13-45)', 'syntax', 30, /not a date/],
    ['requests | take 100000000', 'limit', 12, /At most 100000 rows/],
    ['requests | top 5000000 by duration', 'limit', 12, /At most 100000 rows/],
  ];
  for (const [query, kind, column, message] of cases) {
    it(`${query}`, () => {
      const error = refusal(query);
      assert.strictEqual(error.kind, kind, error.message);
      assert.match(error.message, message);
      assert.strictEqual(error.line, 1);
      assert.strictEqual(error.column, column, error.message);
      assert.match(error.message, new RegExp(`\\(line 1, column ${column}\\)$`));
    });
  }

  it('names what was expected', () => {
    assert.ok(refusal('requests | foo').expected.includes('summarize'));
    assert.ok(refusal('requests | where nme == 1').expected.includes('name'));
    assert.deepStrictEqual(refusal('requests | order duration').expected, ['by']);
  });

  it('gives line and column on a multi-line query', () => {
    const error = refusal('requests\n| where success == false\n| summarize count() by nmae');
    assert.deepStrictEqual([error.line, error.column], [3, 24]);
  });

  it('ends a catastrophic regex at once (linear-time engine; a backtracking one would run for ages)', () => {
    const result = runQuery(`requests | extend s = strcat("${'a'.repeat(60)}", "!") | where s matches regex "(a+)+$" | count`, items);
    assert.deepStrictEqual(result.rows, [[0]]);
  });

  it('refuses an over-long regex pattern', () => {
    assert.strictEqual(refusal(`requests | where name matches regex "${'a'.repeat(2000)}"`).kind, 'limit');
  });

  it('refuses deep nesting: parentheses, minus signs, long operator chains, nested sub-queries', () => {
    assert.match(
      refusal(`requests | where ${'('.repeat(5000)}true${')'.repeat(5000)}`, { limits: { maxQueryChars: 100_000 } }).message,
      /nests deeper than 48/,
    );
    assert.match(refusal(`requests | extend x = ${'-'.repeat(5000)}1`).message, /nests deeper/);
    assert.match(refusal(`requests | extend x = ${Array(9000).fill('1').join('+')}`).message, /more than 2000 operators/);
    const nestedJoins = Array.from({ length: 60 }).reduce<string>((inner) => `requests | join (${inner}) on id`, 'requests');
    assert.match(refusal(nestedJoins).message, /nests deeper/);
  });

  it('refuses a query over the length limit', () => {
    assert.strictEqual(refusal(`requests | where name == "${'x'.repeat(30_000)}"`).kind, 'limit');
  });

  it('stops a join that would explode past maxIntermediateRows', () => {
    const error = refusal('requests | join kind=inner (requests) on cloud_RoleName', { limits: { maxIntermediateRows: 10 } });
    assert.strictEqual(error.kind, 'limit');
    assert.match(error.message, /more than 10 rows/);
  });

  it('stops strings that double past maxBuiltChars', () => {
    const error = refusal('requests | extend a = strcat(name, name) | extend b = strcat(a, a, a, a) | extend c = strcat(b, b, b, b)', {
      limits: { maxBuiltChars: 500 },
    });
    assert.strictEqual(error.kind, 'limit');
  });

  it('stops a query that runs past its time budget', () => {
    const many: Envelope[] = Array.from({ length: 3000 }, (_, index) => ({
      name: 'Microsoft.ApplicationInsights.Request',
      time: new Date(Date.UTC(2026, 0, 1) + index).toISOString(),
      data: {
        baseType: 'RequestData',
        baseData: { id: `x${index}`, name: 'GET /', duration: '00:00:00.001', success: true, responseCode: '200' },
      },
    }));
    const big = new TelemetryStore();
    big.add(many);
    const error = refusal('requests | where duration > 0 | count', { limits: { timeBudgetMs: -1 } }, big.snapshot());
    assert.strictEqual(error.kind, 'timeout');
    assert.match(error.message, /ran longer than/);
  });

  it('bounds make_list', () => {
    const result = runQuery('requests | summarize make_list(id, 1000000)', items, { limits: { maxListItems: 2 } });
    assert.deepStrictEqual(result.rows, [[['r1', 'r2']]]);
  });

  it('survives fuzzed query text without throwing anything but QueryError', () => {
    const pieces = [
      'requests',
      '|',
      'where',
      'name',
      '==',
      '"x"',
      '(',
      ')',
      ',',
      'summarize',
      'count()',
      'by',
      'bin(timestamp, 1m)',
      'join',
      'on',
      '$left.',
      '.',
      '[',
      ']',
      '1',
      '5m',
      'and',
      'or',
      'project',
      '=',
      'extend',
      'parse_json(',
      'customDimensions',
      'matches regex',
      'top',
      'take',
      'render',
      'union',
      'search',
      '!in',
      'in~',
      "'",
      '@"',
      'datetime(',
      '-',
    ];
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 3000; round++) {
      const length = 1 + Math.floor(random() * 14);
      const query = Array.from({ length }, () => pieces[Math.floor(random() * pieces.length)]).join(' ');
      try {
        runQuery(query, items);
      } catch (error) {
        assert.ok(error instanceof QueryError, `${query}: ${String(error)}`);
      }
    }
  });
});
