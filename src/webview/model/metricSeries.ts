/**
 * customMetrics points grouped by metric name: an OpenCensus view and an OpenTelemetry instrument
 * both end up as `metrics[].name` in a customMetrics item. Points are kept sorted by time (the
 * charts need it) and bounded per series.
 */
import { compareMetricNames } from '../../shared/standardMetrics';
import type { PanelItem } from '../../shared/messages';

const MAX_POINTS_PER_SERIES = 5000;

export interface MetricStats {
  readonly last: number | undefined;
  readonly lastTime: number | undefined;
  readonly points: number;
  /** Sum of the `count` fields, when the SDK sent them (OTel histograms). */
  readonly count: number | undefined;
  /** Smallest `min` sent, else the smallest value. */
  readonly min: number | undefined;
  readonly max: number | undefined;
  /** True when min/max came from the SDK's aggregation rather than from the values. */
  readonly minMaxSent: boolean;
}

export class MetricSeries {
  /** Epoch seconds, ascending (uPlot's x unit). */
  readonly times: number[] = [];
  readonly values: number[] = [];
  private readonly seqs: number[] = [];
  private readonly counts: (number | undefined)[] = [];
  private readonly mins: (number | undefined)[] = [];
  private readonly maxs: (number | undefined)[] = [];
  readonly roles = new Set<string>();
  /** `OpenCensus`, `OpenTelemetry` or the raw SDK prefix. */
  sdk = '';
  version = 0;
  private cachedStats: MetricStats | undefined;

  constructor(readonly name: string) {}

  add(item: PanelItem, value: number, count?: number, min?: number, max?: number): void {
    const time = item.time / 1000;
    let index = this.times.length;
    // Older than every point (a snapshot's backfill, issue 20): no walk through the series.
    if (index > 0 && time < this.times[0]!) index = 0;
    while (index > 0 && this.times[index - 1]! > time) index--;
    this.times.splice(index, 0, time);
    this.values.splice(index, 0, value);
    this.seqs.splice(index, 0, item.seq);
    this.counts.splice(index, 0, count);
    this.mins.splice(index, 0, min);
    this.maxs.splice(index, 0, max);
    if (this.times.length > MAX_POINTS_PER_SERIES) this.removeAt(0);
    if (item.role) this.roles.add(item.role);
    if (!this.sdk && item.sdkVersion) this.sdk = sdkFamily(item.sdkVersion);
    this.changed();
  }

  removeSeqs(seqs: ReadonlySet<number>): void {
    for (let index = this.seqs.length - 1; index >= 0; index--) {
      if (seqs.has(this.seqs[index]!)) this.removeAt(index);
    }
    this.changed();
  }

  get size(): number {
    return this.times.length;
  }

  get stats(): MetricStats {
    return (this.cachedStats ??= this.computeStats());
  }

  private removeAt(index: number): void {
    for (const column of [this.times, this.values, this.seqs, this.counts, this.mins, this.maxs] as unknown[][]) column.splice(index, 1);
  }

  private changed(): void {
    this.version++;
    this.cachedStats = undefined;
  }

  private computeStats(): MetricStats {
    let count: number | undefined;
    let sentMin: number | undefined;
    let sentMax: number | undefined;
    let valueMin: number | undefined;
    let valueMax: number | undefined;
    for (let index = 0; index < this.values.length; index++) {
      const value = this.values[index]!;
      valueMin = valueMin === undefined ? value : Math.min(valueMin, value);
      valueMax = valueMax === undefined ? value : Math.max(valueMax, value);
      const pointCount = this.counts[index];
      if (pointCount !== undefined) count = (count ?? 0) + pointCount;
      const min = this.mins[index];
      const max = this.maxs[index];
      if (min !== undefined) sentMin = sentMin === undefined ? min : Math.min(sentMin, min);
      if (max !== undefined) sentMax = sentMax === undefined ? max : Math.max(sentMax, max);
    }
    const minMaxSent = sentMin !== undefined || sentMax !== undefined;
    const lastIndex = this.values.length - 1;
    return {
      last: this.values[lastIndex],
      lastTime: lastIndex >= 0 ? this.times[lastIndex]! * 1000 : undefined,
      points: this.values.length,
      count,
      min: minMaxSent ? sentMin : valueMin,
      max: minMaxSent ? sentMax : valueMax,
      minMaxSent,
    };
  }
}

export class MetricSeriesIndex {
  private readonly byName = new Map<string, MetricSeries>();
  revision = 0;

  get seriesCount(): number {
    return this.byName.size;
  }

  /** Series sorted by name, the user's own metrics before OpenCensus' standard performance counters. */
  list(): MetricSeries[] {
    return [...this.byName.values()].sort((a, b) => compareMetricNames(a.name, b.name));
  }

  get(name: string): MetricSeries | undefined {
    return this.byName.get(name);
  }

  add(item: PanelItem): void {
    if (!Array.isArray(item.metrics)) return;
    for (const metric of item.metrics) {
      if (typeof metric?.name !== 'string' || typeof metric.value !== 'number' || !Number.isFinite(metric.value)) continue;
      let series = this.byName.get(metric.name);
      if (!series) this.byName.set(metric.name, (series = new MetricSeries(metric.name)));
      series.add(item, metric.value, finite(metric.count), finite(metric.min), finite(metric.max));
      this.revision++;
    }
  }

  remove(items: readonly PanelItem[]): void {
    const seqsByName = new Map<string, Set<number>>();
    for (const item of items) {
      for (const metric of item.metrics ?? []) {
        let seqs = seqsByName.get(metric.name);
        if (!seqs) seqsByName.set(metric.name, (seqs = new Set()));
        seqs.add(item.seq);
      }
    }
    for (const [name, seqs] of seqsByName) {
      const series = this.byName.get(name);
      if (!series) continue;
      series.removeSeqs(seqs);
      if (series.size === 0) this.byName.delete(name);
    }
    if (seqsByName.size > 0) this.revision++;
  }

  clear(): void {
    this.byName.clear();
    this.revision++;
  }
}

function finite(value: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** `py3.11.2:oc0.12.0:ext1.1.0` → OpenCensus; `…:otel1.14.0:ext1.0.0b12` → OpenTelemetry. */
export function sdkFamily(sdkVersion: string): string {
  if (/(^|:)oc\d/.test(sdkVersion)) return 'OpenCensus';
  if (/(^|:|_)otel\d/.test(sdkVersion) || /ot\d/.test(sdkVersion)) return 'OpenTelemetry';
  return sdkVersion.split(':')[0] ?? '';
}
