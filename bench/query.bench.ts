/**
 * Local KQL (src/core/query) over 100k request items held by the real store: a
 * `summarize … by bin()` and a `where … | top 20`, each against a plain JavaScript loop over the
 * same items computing the same answer. Goal: ≤ 3× the loop and under 150 ms (docs/kql.md).
 */
import type { Envelope } from '../src/core/envelope';
import { runQuery } from '../src/core/query';
import { TelemetryStore } from '../src/core/store';
import type { TelemetryItem } from '../src/core/store';
import { BenchResult, result } from './benchResult';

const ITEMS = Number(process.env.BENCH_QUERY_ITEMS ?? 100_000);
const RUNS = 15;
const WARMUP_RUNS = 3;

function items(): TelemetryItem[] {
  const store = new TelemetryStore({ maxTraceItemsPerRole: ITEMS });
  let seed = 42;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const start = Date.UTC(2026, 0, 15, 10);
  const envelopes: Envelope[] = Array.from({ length: ITEMS }, (_, index) => {
    const ms = Math.floor(random() * 2000);
    return {
      name: 'Microsoft.ApplicationInsights.Request',
      time: new Date(start + index * 60).toISOString(),
      tags: { 'ai.cloud.role': 'api', 'ai.operation.id': `op${index}` },
      data: {
        baseType: 'RequestData',
        baseData: {
          id: `r${index}`,
          name: `GET /route/${index % 20}`,
          duration: `00:00:0${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`,
          success: random() > 0.1,
          responseCode: '200',
        },
      },
    };
  });
  store.add(envelopes);
  return store.snapshot();
}

/**
 * Median wall times of `ours` and `baseline`, measured alternately after a warm-up of each: on a
 * shared machine a burst of load then falls on both sides instead of on whichever ran at the time.
 */
function medians(ours: () => unknown, baseline: () => unknown): { ours: number; baseline: number } {
  const time = (run: () => unknown): number => {
    const started = process.hrtime.bigint();
    run();
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  for (let index = 0; index < WARMUP_RUNS; index++) {
    ours();
    baseline();
  }
  const oursTimes: number[] = [];
  const baselineTimes: number[] = [];
  for (let index = 0; index < RUNS; index++) {
    baselineTimes.push(time(baseline));
    oursTimes.push(time(ours));
  }
  const median = (times: number[]): number => times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  return { ours: median(oursTimes), baseline: median(baselineTimes) };
}

export async function run(): Promise<BenchResult[]> {
  const all = items();
  const binQuery = 'requests | summarize count(), avg(duration) by bin(timestamp, 1m)';
  const binLoop = (): unknown[] => {
    const groups = new Map<number, { count: number; sum: number }>();
    for (const item of all) {
      if (item.table !== 'requests') continue;
      const key = Math.floor(item.time / 60_000) * 60_000;
      const group = groups.get(key);
      if (group) {
        group.count++;
        group.sum += item.duration ?? 0;
      } else groups.set(key, { count: 1, sum: item.duration ?? 0 });
    }
    return [...groups].map(([key, group]) => [new Date(key).toISOString(), group.count, group.sum / group.count]);
  };
  const topQuery = 'requests | where duration > 500 and success == false | top 20 by duration';
  const topLoop = (): unknown[] => {
    const matches: TelemetryItem[] = [];
    for (const item of all) if (item.table === 'requests' && (item.duration ?? 0) > 500 && item.success === false) matches.push(item);
    return matches.sort((a, b) => (b.duration ?? 0) - (a.duration ?? 0)).slice(0, 20);
  };
  // Same answers, or the comparison means nothing.
  if (runQuery(binQuery, all).rows.length !== binLoop().length) throw new Error('bin query and loop disagree');
  const topIds = runQuery(`${topQuery} | project id`, all).rows.map((row) => row[0]);
  if (JSON.stringify(topIds) !== JSON.stringify(topLoop().map((item) => (item as TelemetryItem).id)))
    throw new Error('top query and loop disagree');
  const results: BenchResult[] = [];
  for (const [name, query, loop] of [
    ['query-summarize-bin-100k', binQuery, binLoop],
    ['query-where-top20-100k', topQuery, topLoop],
  ] as const) {
    const { ours, baseline } = medians(() => runQuery(query, all), loop);
    results.push(
      result({ name, ours, baseline, unit: 'ms', goal: 3, better: 'lower' }, { items: all.length, query, under150ms: ours < 150 }),
    );
  }
  return results;
}
