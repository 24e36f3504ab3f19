/**
 * Hand-checked answers over test/fixtures/query/telemetry.json (22 envelopes: six requests, four
 * dependencies, four traces, two exceptions, two custom events, three metric points, one
 * availability result; "now" is 10:05:00). Each expectation was worked out from the fixture by
 * hand, not copied from the engine's output. Shared by the engine test and the CLI test.
 *
 * requests:  r1 GET /users   120 ms ok   200 o1 eu/u1 10:00:05   r2 GET /users  480 ok 200 o2 us/u2 10:00:40
 *            r3 POST /orders 950 failed 500 o3 eu/u1 10:01:10     r4 GET /users   60 ok 200 o4 eu/u3 10:01:30
 *            r5 POST /orders 2300 failed 503 o5 us/u2 10:02:15    r6 GET /health   5 ok 200 o6 (role worker) 10:03:00
 * dependencies: d1 SQL db:orders "SELECT users" 40 ok (r1)  d2 HTTP payments.example "POST /charge" 800 failed 502 (r3)
 *               d3 SQL db:orders "INSERT order" 30 ok (r3)   d4 HTTP payments.example "POST /charge" 2000 failed 504 (r5)
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Envelope } from '../../../src/core/envelope';

export const FIXTURE_NOW = Date.parse('2026-01-15T10:05:00Z');

export function loadQueryFixture(): Envelope[] {
  return JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../test/fixtures/query/telemetry.json'), 'utf8')) as Envelope[];
}

export interface GoldenCase {
  /** What the case covers (operator or function names). */
  readonly covers: string;
  readonly query: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
  /** Uses now()/ago(): only exact when "now" is FIXTURE_NOW. */
  readonly clock?: true;
  readonly chart?: { kind: string; title?: string };
}

export const GOLDEN_CASES: readonly GoldenCase[] = [
  { covers: 'count operator, where, bool ==', query: 'requests | where success == false | count', columns: ['Count'], rows: [[2]] },
  {
    covers: 'has, and, real > number',
    query: 'requests | where name has "users" and duration > 100 | project id',
    columns: ['id'],
    rows: [['r1'], ['r2']],
  },
  { covers: 'duration against a timespan (ms)', query: 'requests | where duration > 1s | project id', columns: ['id'], rows: [['r5']] },
  { covers: 'timespan literal 950ms', query: 'requests | where duration >= 950ms | project id', columns: ['id'], rows: [['r3'], ['r5']] },
  {
    covers: 'project with names, dynamic access (dot and brackets), tostring',
    query: 'requests | where id == "r3" | project id, region = tostring(customDimensions.region), user = customDimensions["userId"]',
    columns: ['id', 'region', 'user'],
    rows: [['r3', 'eu', 'u1']],
  },
  {
    covers: 'project-away',
    query:
      'customEvents | project-away customDimensions, customMeasurements, operation_Name, operation_Id, operation_ParentId, cloud_RoleName, cloud_RoleInstance, sdkVersion, itemId, itemType, itemCount, delivery',
    columns: ['timestamp', 'name'],
    rows: [
      ['2026-01-15T10:00:06.000Z', 'UserLoggedIn'],
      ['2026-01-15T10:01:31.000Z', 'UserLoggedIn'],
    ],
  },
  {
    covers: 'extend, toint, where on an extended bool',
    query: 'requests | extend slow = duration > 500, ms = toint(duration) | where slow | project id, ms',
    columns: ['id', 'ms'],
    rows: [
      ['r3', 950],
      ['r5', 2300],
    ],
  },
  {
    covers: 'summarize count, countif, sum, avg, min, max by; order by asc',
    query:
      'requests | summarize n = count(), failed = countif(success == false), total = sum(duration), average = avg(duration), fastest = min(duration), slowest = max(duration) by name | order by name asc',
    columns: ['name', 'n', 'failed', 'total', 'average', 'fastest', 'slowest'],
    rows: [
      ['GET /health', 1, 0, 5, 5, 5, 5],
      ['GET /users', 3, 0, 660, 220, 60, 480],
      ['POST /orders', 2, 2, 3250, 1625, 950, 2300],
    ],
  },
  {
    covers: 'default aggregate names',
    query: 'requests | where name == "GET /users" | summarize count(), avg(duration), max(timestamp)',
    columns: ['count_', 'avg_duration', 'max_timestamp'],
    rows: [[3, 220, '2026-01-15T10:01:30.000Z']],
  },
  {
    covers: 'dcount',
    query: 'requests | where cloud_RoleName == "api" | summarize dcount(tostring(customDimensions.userId))',
    columns: ['dcount_customDimensions_userId'],
    rows: [[3]],
  },
  {
    covers: 'percentile, percentiles (nearest rank over 5, 60, 120, 480, 950, 2300)',
    query: 'requests | summarize percentile(duration, 50), percentiles(duration, 75, 99)',
    columns: ['percentile_duration_50', 'percentile_duration_75', 'percentile_duration_99'],
    rows: [[120, 950, 2300]],
  },
  {
    covers: 'make_list',
    query: 'requests | where name == "POST /orders" | summarize make_list(id)',
    columns: ['list_id'],
    rows: [[['r3', 'r5']]],
  },
  {
    covers: 'arg_max with columns, by a bool',
    query: 'requests | summarize arg_max(duration, id, name) by success | order by success asc',
    columns: ['success', 'duration', 'id', 'name'],
    rows: [
      [false, 2300, 'r5', 'POST /orders'],
      [true, 480, 'r2', 'GET /users'],
    ],
  },
  {
    covers: 'arg_max(timestamp, *)',
    query: 'requests | summarize arg_max(timestamp, *) by name | project name, id | order by name asc',
    columns: ['name', 'id'],
    rows: [
      ['GET /health', 'r6'],
      ['GET /users', 'r4'],
      ['POST /orders', 'r5'],
    ],
  },
  {
    covers: 'summarize by bin(timestamp, 1m)',
    query: 'requests | summarize count() by bin(timestamp, 1m) | order by timestamp asc',
    columns: ['timestamp', 'count_'],
    rows: [
      ['2026-01-15T10:00:00.000Z', 2],
      ['2026-01-15T10:01:00.000Z', 2],
      ['2026-01-15T10:02:00.000Z', 1],
      ['2026-01-15T10:03:00.000Z', 1],
    ],
  },
  {
    covers: 'sort by asc',
    query: 'requests | sort by duration asc | project id',
    columns: ['id'],
    rows: [['r6'], ['r4'], ['r1'], ['r2'], ['r3'], ['r5']],
  },
  {
    covers: 'order by (descending by default), take',
    query: 'requests | order by duration | take 2 | project id',
    columns: ['id'],
    rows: [['r5'], ['r3']],
  },
  { covers: 'take keeps arrival order', query: 'requests | take 2 | project id', columns: ['id'], rows: [['r1'], ['r2']] },
  { covers: 'limit', query: 'requests | limit 1 | project id', columns: ['id'], rows: [['r1']] },
  {
    covers: 'top N by',
    query: 'dependencies | top 2 by duration | project id, duration',
    columns: ['id', 'duration'],
    rows: [
      ['d4', 2000],
      ['d2', 800],
    ],
  },
  { covers: 'top N by asc', query: 'requests | top 1 by duration asc | project id', columns: ['id'], rows: [['r6']] },
  {
    covers: 'distinct',
    query: 'dependencies | distinct type, target | order by type asc',
    columns: ['type', 'target'],
    rows: [
      ['HTTP', 'payments.example'],
      ['SQL', 'db:orders'],
    ],
  },
  {
    covers: 'join kind=inner',
    query:
      'requests | where success == false | project operation_Id, id | join kind=inner (exceptions | project operation_Id, type) on operation_Id | project id, type',
    columns: ['id', 'type'],
    rows: [
      ['r3', 'ValueError'],
      ['r5', 'TimeoutError'],
    ],
  },
  {
    covers: 'join (innerunique by default) keeps every right match; the right key is renamed',
    query: 'requests | project operation_Id, id | join (dependencies | project operation_Id, depId = id) on operation_Id',
    columns: ['operation_Id', 'id', 'operation_Id1', 'depId'],
    rows: [
      ['o1', 'r1', 'o1', 'd1'],
      ['o3', 'r3', 'o3', 'd2'],
      ['o3', 'r3', 'o3', 'd3'],
      ['o5', 'r5', 'o5', 'd4'],
    ],
  },
  {
    covers: 'join kind=leftouter',
    query:
      'requests | project operation_Id, id | join kind=leftouter (exceptions | project operation_Id, type) on operation_Id | project id, type',
    columns: ['id', 'type'],
    rows: [
      ['r1', null],
      ['r2', null],
      ['r3', 'ValueError'],
      ['r4', null],
      ['r5', 'TimeoutError'],
      ['r6', null],
    ],
  },
  {
    covers: 'join on $left.x == $right.y',
    query:
      'requests | project rid = id | join kind=inner (dependencies | project parent = operation_ParentId, target) on $left.rid == $right.parent | project rid, target',
    columns: ['rid', 'target'],
    rows: [
      ['r1', 'db:orders'],
      ['r3', 'payments.example'],
      ['r3', 'db:orders'],
      ['r5', 'payments.example'],
    ],
  },
  {
    covers: 'union (source), itemType',
    query: 'union requests, dependencies | where success == false | summarize count() by itemType | order by itemType asc',
    columns: ['itemType', 'count_'],
    rows: [
      ['dependency', 2],
      ['request', 2],
    ],
  },
  { covers: 'union (operator)', query: 'customEvents | union availabilityResults | count', columns: ['Count'], rows: [[3]] },
  {
    covers: 'search over every table, $table',
    query: 'search "declined" | summarize count() by $table | order by $table asc',
    columns: ['$table', 'count_'],
    rows: [
      ['exceptions', 1],
      ['traces', 1],
    ],
  },
  { covers: 'search in (tables)', query: 'search in (requests) "orders" | project id', columns: ['id'], rows: [['r3'], ['r5']] },
  { covers: 'has matches whole terms only', query: 'traces | where message has "pay" | count', columns: ['Count'], rows: [[0]] },
  {
    covers: 'contains (case-insensitive)',
    query: 'traces | where message contains "PAY" | project message',
    columns: ['message'],
    rows: [['payment failed: card declined'], ['payment timeout']],
  },
  { covers: 'startswith (case-insensitive)', query: 'requests | where name startswith "get" | count', columns: ['Count'], rows: [[4]] },
  { covers: '=~', query: 'requests | where name =~ "post /ORDERS" | count', columns: ['Count'], rows: [[2]] },
  { covers: 'in', query: 'requests | where resultCode in ("500", "503") | project id', columns: ['id'], rows: [['r3'], ['r5']] },
  {
    covers: '!in',
    query: 'requests | where resultCode !in ("500", "503") | project id',
    columns: ['id'],
    rows: [['r1'], ['r2'], ['r4'], ['r6']],
  },
  {
    covers: 'matches regex',
    query: 'dependencies | where name matches regex "^(SELECT|INSERT) " | project id',
    columns: ['id'],
    rows: [['d1'], ['d3']],
  },
  {
    covers: 'strcat',
    query: 'requests | where id == "r1" | project s = strcat(name, " ", resultCode, " ", success)',
    columns: ['s'],
    rows: [['GET /users 200 true']],
  },
  {
    covers: 'toint, todouble, tostring',
    query: 'requests | where id == "r3" | project code = toint(resultCode) + 1, half = todouble(resultCode) / 2, text = tostring(duration)',
    columns: ['code', 'half', 'text'],
    rows: [[501, 250, '950']],
  },
  {
    covers: 'parse_json, nested dynamic access with an index',
    query:
      'customEvents | extend j = parse_json(\'{"tier":{"level":[1,2,3]}}\') | project plan = tostring(customDimensions.plan), second = j.tier.level[1]',
    columns: ['plan', 'second'],
    rows: [
      ['free', 2],
      ['pro', 2],
    ],
  },
  { covers: 'ago()', query: 'requests | where timestamp > ago(3m) | project id', columns: ['id'], rows: [['r5'], ['r6']], clock: true },
  {
    covers: 'now(), now(offset)',
    query: 'requests | take 1 | project t = now(), earlier = now(-1h)',
    columns: ['t', 'earlier'],
    rows: [['2026-01-15T10:05:00.000Z', '2026-01-15T09:05:00.000Z']],
    clock: true,
  },
  {
    covers: 'datetime() unquoted and quoted',
    query: 'requests | where timestamp >= datetime(2026-01-15T10:01:00Z) and timestamp < datetime("2026-01-15 10:02:00") | project id',
    columns: ['id'],
    rows: [['r3'], ['r4']],
  },
  {
    covers: 'datetime - datetime is a timespan',
    query: 'requests | where id == "r6" | project gap = timestamp - datetime(2026-01-15T10:00:00Z)',
    columns: ['gap'],
    rows: [['00:03:00']],
  },
  {
    covers: 'customMetrics columns',
    query: 'customMetrics | summarize sum(value), sum(valueCount), max(valueMax)',
    columns: ['sum_value', 'sum_valueCount', 'max_valueMax'],
    rows: [[15, 4, 7]],
  },
  {
    covers: 'traces severityLevel',
    query: 'traces | where severityLevel >= 2 | project message',
    columns: ['message'],
    rows: [['payment failed: card declined'], ['payment timeout']],
  },
  {
    covers: 'exceptions columns',
    query: 'exceptions | project problemId, outerType, outerMessage',
    columns: ['problemId', 'outerType', 'outerMessage'],
    rows: [
      ['ValueError at charge', 'ValueError', 'card declined'],
      ['TimeoutError at charge', 'TimeoutError', 'upstream timed out'],
    ],
  },
  {
    covers: 'availabilityResults columns',
    query: 'availabilityResults | project name, location, success, duration',
    columns: ['name', 'location', 'success', 'duration'],
    rows: [['home page', 'westeurope', true, 200]],
  },
  {
    covers: 'cloud_RoleName, cloud_RoleInstance, operation_Name',
    query: 'traces | where cloud_RoleName == "worker" | project cloud_RoleInstance, operation_Name',
    columns: ['cloud_RoleInstance', 'operation_Name'],
    rows: [['w-1', 'GET /health']],
  },
  {
    covers: 'render timechart',
    query: 'requests | summarize count() by bin(timestamp, 2m) | order by timestamp asc | render timechart',
    columns: ['timestamp', 'count_'],
    rows: [
      ['2026-01-15T10:00:00.000Z', 4],
      ['2026-01-15T10:02:00.000Z', 2],
    ],
    chart: { kind: 'timechart' },
  },
  {
    covers: 'render barchart',
    query: 'dependencies | summarize count() by type | order by type asc | render barchart',
    columns: ['type', 'count_'],
    rows: [
      ['HTTP', 2],
      ['SQL', 2],
    ],
    chart: { kind: 'barchart' },
  },
  {
    covers: 'render piechart with title',
    query: 'requests | summarize count() by cloud_RoleName | order by cloud_RoleName asc | render piechart with (title="roles")',
    columns: ['cloud_RoleName', 'count_'],
    rows: [
      ['api', 5],
      ['worker', 1],
    ],
    chart: { kind: 'piechart', title: 'roles' },
  },
];
