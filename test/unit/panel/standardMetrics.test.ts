import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { compareMetricNames, isStandardPerformanceCounter } from '../../../src/shared/standardMetrics';

/** The six names OpenCensus' standard metrics use (shared/protocol.md §2.2, metrics_exporter/standard_metrics). */
export const OPENCENSUS_STANDARD_COUNTERS = [
  '\\Processor(_Total)\\% Processor Time',
  '\\Memory\\Available Bytes',
  '\\Process(??APP_WIN32_PROC??)\\Private Bytes',
  '\\Process(??APP_WIN32_PROC??)\\% Processor Time',
  '\\ASP.NET Applications(??APP_W3SVC_PROC??)\\Requests/Sec',
  '\\ASP.NET Applications(??APP_W3SVC_PROC??)\\Request Execution Time',
];

describe('standard performance counters (OpenCensus standard metrics)', () => {
  it('recognises the six standard counters, not user metric names', () => {
    for (const name of OPENCENSUS_STANDARD_COUNTERS) assert.ok(isStandardPerformanceCounter(name), name);
    // The user's metric in the real OpenCensus capture, and other shapes users pick.
    const capture = JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '../../../../test/fixtures/captures/py-opencensus-metrics.req1.body.json'), 'utf8'),
    ) as { data: { baseData: { metrics: { name: string }[] } } }[];
    const userName = capture[0]!.data.baseData.metrics[0]!.name;
    assert.strictEqual(userName, 'prompt view');
    for (const name of [userName, 'requests_handled', 'request_duration', 'app\\queue depth', '\\leading only', 'a\\b\\c', ''])
      assert.ok(!isStandardPerformanceCounter(name), name);
  });

  it("sorts the user's metrics first, then the counters, each by name", () => {
    const sorted = [...OPENCENSUS_STANDARD_COUNTERS, 'prompt view', 'Apples'].sort(compareMetricNames);
    assert.deepStrictEqual(sorted.slice(0, 2), ['Apples', 'prompt view']);
    assert.deepStrictEqual(
      sorted.slice(2),
      [...OPENCENSUS_STANDARD_COUNTERS].sort((a, b) => a.localeCompare(b)),
    );
  });
});
