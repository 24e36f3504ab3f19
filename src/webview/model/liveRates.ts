/**
 * The Live view's numbers: per-second series over a sliding window, either from Live Metrics
 * (QuickPulse) samples when an SDK posts them, or computed from the telemetry items themselves.
 */
import type { LiveSample, PanelItem } from '../../shared/messages';

export const LIVE_WINDOW_SECONDS = 300;
const KEEP_SECONDS = LIVE_WINDOW_SECONDS + 60;
const MAX_SAMPLES = 20_000;

export type LiveMetricKey =
  | 'requestRate'
  | 'requestFailedRate'
  | 'requestDuration'
  | 'dependencyRate'
  | 'dependencyFailedRate'
  | 'dependencyDuration'
  | 'exceptionRate'
  | 'cpuPercent'
  | 'memoryBytes';

/** QuickPulse metric names (as the Python, .NET and JS SDKs send them). */
const QUICKPULSE_NAMES: Record<string, LiveMetricKey> = {
  '\\ApplicationInsights\\Requests/Sec': 'requestRate',
  '\\ApplicationInsights\\Requests Failed/Sec': 'requestFailedRate',
  '\\ApplicationInsights\\Request Duration': 'requestDuration',
  '\\ApplicationInsights\\Dependency Calls/Sec': 'dependencyRate',
  '\\ApplicationInsights\\Dependency Calls Failed/Sec': 'dependencyFailedRate',
  '\\ApplicationInsights\\Dependency Call Duration': 'dependencyDuration',
  '\\ApplicationInsights\\Exceptions/Sec': 'exceptionRate',
  '\\Processor(_Total)\\% Processor Time': 'cpuPercent',
  '\\Memory\\Committed Bytes': 'memoryBytes',
};

/** Averages across instances; everything else is summed (rates, bytes). */
const AVERAGED: ReadonlySet<LiveMetricKey> = new Set(['requestDuration', 'dependencyDuration', 'cpuPercent']);

export interface LiveSeries {
  readonly source: 'live-metrics' | 'items';
  /** Epoch seconds, one per second of the window. */
  readonly times: number[];
  readonly values: Record<LiveMetricKey, (number | null)[]>;
  readonly instances: readonly string[];
}

interface ItemBucket {
  requests: number;
  requestsFailed: number;
  requestDurationSum: number;
  dependencies: number;
  dependenciesFailed: number;
  dependencyDurationSum: number;
  exceptions: number;
}

export class LiveRates {
  private samples: LiveSample[] = [];
  private readonly buckets = new Map<number, ItemBucket>();
  revision = 0;

  addSamples(samples: readonly LiveSample[]): void {
    for (const sample of samples) {
      if (typeof sample?.time === 'number' && Array.isArray(sample.metrics)) this.samples.push(sample);
    }
    if (this.samples.length > MAX_SAMPLES) this.samples = this.samples.slice(-MAX_SAMPLES);
    if (samples.length > 0) this.revision++;
  }

  addItem(item: PanelItem): void {
    if (item.table !== 'requests' && item.table !== 'dependencies' && item.table !== 'exceptions') return;
    const second = Math.floor(item.time / 1000);
    if (second < Math.floor(Date.now() / 1000) - KEEP_SECONDS) return;
    let bucket = this.buckets.get(second);
    if (!bucket) {
      bucket = {
        requests: 0,
        requestsFailed: 0,
        requestDurationSum: 0,
        dependencies: 0,
        dependenciesFailed: 0,
        dependencyDurationSum: 0,
        exceptions: 0,
      };
      this.buckets.set(second, bucket);
    }
    const duration = typeof item.duration === 'number' && Number.isFinite(item.duration) ? item.duration : 0;
    if (item.table === 'requests') {
      bucket.requests++;
      bucket.requestDurationSum += duration;
      if (item.success === false) bucket.requestsFailed++;
    } else if (item.table === 'dependencies') {
      bucket.dependencies++;
      bucket.dependencyDurationSum += duration;
      if (item.success === false) bucket.dependenciesFailed++;
    } else {
      bucket.exceptions++;
    }
    this.revision++;
  }

  clear(): void {
    this.samples = [];
    this.buckets.clear();
    this.revision++;
  }

  /** The window ending at `nowMs`: Live Metrics samples if any fall inside it, else item counts. */
  series(nowMs: number): LiveSeries {
    const end = Math.floor(nowMs / 1000);
    const start = end - LIVE_WINDOW_SECONDS + 1;
    this.prune(start - 60);
    const recentSamples = this.samples.filter((sample) => sample.time / 1000 >= start);
    return recentSamples.length > 0 ? seriesFromSamples(recentSamples, start, end) : this.seriesFromItems(start, end);
  }

  private prune(beforeSecond: number): void {
    for (const second of this.buckets.keys()) if (second < beforeSecond) this.buckets.delete(second);
    if (this.samples.length > 0 && this.samples[0]!.time / 1000 < beforeSecond)
      this.samples = this.samples.filter((sample) => sample.time / 1000 >= beforeSecond);
  }

  private seriesFromItems(start: number, end: number): LiveSeries {
    const result = emptySeries('items', start, end);
    for (let second = start; second <= end; second++) {
      const index = second - start;
      const bucket = this.buckets.get(second);
      const values = result.values;
      values.requestRate[index] = bucket?.requests ?? 0;
      values.requestFailedRate[index] = bucket?.requestsFailed ?? 0;
      values.requestDuration[index] = bucket && bucket.requests > 0 ? bucket.requestDurationSum / bucket.requests : null;
      values.dependencyRate[index] = bucket?.dependencies ?? 0;
      values.dependencyFailedRate[index] = bucket?.dependenciesFailed ?? 0;
      values.dependencyDuration[index] = bucket && bucket.dependencies > 0 ? bucket.dependencyDurationSum / bucket.dependencies : null;
      values.exceptionRate[index] = bucket?.exceptions ?? 0;
    }
    return result;
  }
}

function emptySeries(
  source: LiveSeries['source'],
  start: number,
  end: number,
  instances: readonly string[] = [],
): LiveSeries & { values: Record<LiveMetricKey, (number | null)[]> } {
  const length = end - start + 1;
  const column = (): (number | null)[] => new Array<number | null>(length).fill(null);
  return {
    source,
    times: Array.from({ length }, (_, index) => start + index),
    values: {
      requestRate: column(),
      requestFailedRate: column(),
      requestDuration: column(),
      dependencyRate: column(),
      dependencyFailedRate: column(),
      dependencyDuration: column(),
      exceptionRate: column(),
      cpuPercent: column(),
      memoryBytes: column(),
    },
    instances,
  };
}

function seriesFromSamples(samples: readonly LiveSample[], start: number, end: number): LiveSeries {
  // Last value per (second, instance, metric), then summed or averaged across instances.
  const perSecond = new Map<number, Map<string, Map<LiveMetricKey, number>>>();
  const instances = new Set<string>();
  for (const sample of samples) {
    const second = Math.floor(sample.time / 1000);
    if (second < start || second > end) continue;
    const instance = `${sample.role ?? ''}/${sample.instance ?? ''}`;
    instances.add(instance);
    let byInstance = perSecond.get(second);
    if (!byInstance) perSecond.set(second, (byInstance = new Map()));
    let values = byInstance.get(instance);
    if (!values) byInstance.set(instance, (values = new Map()));
    for (const metric of sample.metrics) {
      const key = QUICKPULSE_NAMES[metric?.name];
      if (key && typeof metric.value === 'number' && Number.isFinite(metric.value)) values.set(key, metric.value);
    }
  }
  const result = emptySeries('live-metrics', start, end, [...instances].sort());
  for (const [second, byInstance] of perSecond) {
    const index = second - start;
    for (const key of Object.keys(result.values) as LiveMetricKey[]) {
      let sum = 0;
      let seen = 0;
      for (const values of byInstance.values()) {
        const value = values.get(key);
        if (value === undefined) continue;
        sum += value;
        seen++;
      }
      if (seen > 0) result.values[key][index] = AVERAGED.has(key) ? sum / seen : sum;
    }
  }
  // Rates are zero, not unknown, in seconds inside the window that had no post.
  return result;
}
