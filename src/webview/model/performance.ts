/**
 * The Performance and Failures tabs' arithmetic, DOM-free (unit-tested in Node): spans in a time
 * range, grouped by operation name or by dependency type/target/name, with count, failures, average
 * and nearest-rank percentiles; a duration histogram; samples; the dependencies an operation calls;
 * failure breakdowns and counts over time.
 *
 * Time ranges end at the newest span the panel holds, not at the wall clock: an imported file or an
 * app that went quiet still shows its last minutes instead of an empty tab.
 */
import type { PanelItem } from '../../shared/messages';

/** Same tables as correlation.ts isSpanTable (not imported: that module reads the page's strings, and this one is type-checked in Node). */
function isSpanTable(table: PanelItem['table']): boolean {
  return table === 'requests' || table === 'dependencies' || table === 'pageViews' || table === 'availabilityResults';
}

export type TimeRange = '5m' | '30m' | '1h' | 'all';
export const TIME_RANGES: readonly TimeRange[] = ['5m', '30m', '1h', 'all'];
const RANGE_MS: Record<TimeRange, number> = { '5m': 5 * 60_000, '30m': 30 * 60_000, '1h': 60 * 60_000, all: Infinity };

/** What rows are: requests by operation name, or dependencies by one of their three names. */
export type Grouping = 'operation' | 'dependencyType' | 'dependencyTarget' | 'dependencyName';
export const GROUPINGS: readonly Grouping[] = ['operation', 'dependencyType', 'dependencyTarget', 'dependencyName'];

export interface DurationStats {
  readonly count: number;
  readonly failures: number;
  readonly average: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export interface SpanGroup extends DurationStats {
  /** The group's name as sent (operation name, dependency type, target or name); '' when missing. */
  readonly key: string;
  /** Its spans, oldest first. */
  readonly items: readonly PanelItem[];
}

/** Spans of `table` whose start lies in the range that ends at the newest span. */
export function spansInRange(spans: Iterable<PanelItem>, isAlive: (item: PanelItem) => boolean, range: TimeRange): PanelItem[] {
  const all: PanelItem[] = [];
  let newest = -Infinity;
  for (const item of spans) {
    if (!isSpanTable(item.table) || !isAlive(item)) continue;
    all.push(item);
    if (item.time > newest) newest = item.time;
  }
  const span = RANGE_MS[range];
  if (!Number.isFinite(span)) return all;
  const from = newest - span;
  return all.filter((item) => item.time >= from);
}

export function groupingTable(grouping: Grouping): 'requests' | 'dependencies' {
  return grouping === 'operation' ? 'requests' : 'dependencies';
}

/** The name an item is grouped under. Requests: the operation name (the request's own name). */
export function groupKey(item: PanelItem, grouping: Grouping): string {
  const value =
    grouping === 'operation' || grouping === 'dependencyName' ? item.name : grouping === 'dependencyType' ? item.type : item.target;
  return typeof value === 'string' ? value : '';
}

/** Groups the spans of the grouping's table, the slowest total time first (what costs most, as in the portal). */
export function groupSpans(spans: readonly PanelItem[], grouping: Grouping): SpanGroup[] {
  const table = groupingTable(grouping);
  const byKey = new Map<string, PanelItem[]>();
  for (const item of spans) {
    if (item.table !== table) continue;
    const key = groupKey(item, grouping);
    let items = byKey.get(key);
    if (!items) byKey.set(key, (items = []));
    items.push(item);
  }
  const groups = [...byKey].map(([key, items]) => ({ key, items, ...durationStats(items) }));
  return groups.sort((a, b) => b.average * b.count - a.average * a.count || b.count - a.count || a.key.localeCompare(b.key));
}

export function durationOf(item: PanelItem): number {
  return typeof item.duration === 'number' && Number.isFinite(item.duration) && item.duration > 0 ? item.duration : 0;
}

export function isFailedSpan(item: PanelItem): boolean {
  return item.success === false;
}

export function durationStats(items: readonly PanelItem[]): DurationStats {
  const durations = Float64Array.from(items, durationOf).sort();
  let total = 0;
  let failures = 0;
  for (const item of items) if (isFailedSpan(item)) failures++;
  for (const value of durations) total += value;
  return {
    count: items.length,
    failures,
    average: items.length > 0 ? total / items.length : 0,
    p50: percentile(durations, 50),
    p95: percentile(durations, 95),
    p99: percentile(durations, 99),
  };
}

/** Nearest-rank percentile of sorted values (the smallest value with at least p % at or below it). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface Histogram {
  /** Bin i holds durations in [edges[i], edges[i + 1]) (the last bin includes its upper edge). */
  readonly edges: readonly number[];
  readonly counts: readonly number[];
  readonly logarithmic: boolean;
}

/**
 * Durations in `binCount` bins: logarithmic when they span more than a factor of 20 (a few slow
 * calls would squeeze every fast one into the first linear bin), linear otherwise.
 */
export function durationHistogram(items: readonly PanelItem[], binCount = 30): Histogram {
  if (items.length === 0) return { edges: [0, 1], counts: [0], logarithmic: false };
  let min = Infinity;
  let max = -Infinity;
  for (const item of items) {
    const value = durationOf(item);
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (max <= min) {
    const low = Math.max(0, min - 0.5);
    return { edges: [low, low + 1], counts: [items.length], logarithmic: false };
  }
  const floor = Math.max(min, 0.01);
  const logarithmic = max / floor > 20;
  const edges: number[] = [];
  for (let i = 0; i <= binCount; i++)
    edges.push(logarithmic ? floor * Math.pow(max / floor, i / binCount) : min + ((max - min) * i) / binCount);
  edges[0] = min;
  edges[binCount] = max;
  const counts = new Array<number>(binCount).fill(0);
  for (const item of items) counts[binIndex(edges, durationOf(item))]!++;
  return { edges, counts, logarithmic };
}

function binIndex(edges: readonly number[], value: number): number {
  let low = 0;
  let high = edges.length - 2;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (edges[middle]! <= value) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** A duration range picked on the histogram, inclusive at both ends. */
export interface DurationRange {
  readonly from: number;
  readonly to: number;
}

export function withinDuration(items: readonly PanelItem[], range: DurationRange | undefined): readonly PanelItem[] {
  if (!range) return items;
  return items.filter((item) => {
    const value = durationOf(item);
    return value >= range.from && value <= range.to;
  });
}

export type SampleKind = 'slowest' | 'failed' | 'latest';
export const SAMPLE_KINDS: readonly SampleKind[] = ['slowest', 'failed', 'latest'];

/** At most `limit` items: the slowest, the newest failed ones, or the newest. */
export function pickSamples(items: readonly PanelItem[], kind: SampleKind, limit = 20): PanelItem[] {
  const newestFirst = (a: PanelItem, b: PanelItem) => b.time - a.time || b.seq - a.seq;
  if (kind === 'slowest') return topBy(items, (a, b) => durationOf(b) - durationOf(a) || newestFirst(a, b), limit);
  const pool = kind === 'failed' ? items.filter(isFailedSpan) : items;
  return topBy(pool, newestFirst, limit);
}

/** The first `limit` of `items` in `order`, without sorting all of them when there are many. */
function topBy(items: readonly PanelItem[], order: (a: PanelItem, b: PanelItem) => number, limit: number): PanelItem[] {
  const best: PanelItem[] = [];
  for (const item of items) {
    if (best.length === limit && order(item, best[limit - 1]!) >= 0) continue;
    let at = best.length;
    while (at > 0 && order(item, best[at - 1]!) < 0) at--;
    best.splice(at, 0, item);
    if (best.length > limit) best.pop();
  }
  return best;
}

export interface RelatedGroup {
  readonly label: string;
  readonly count: number;
  readonly failures: number;
  readonly average: number;
}

/**
 * For requests: the dependencies called in the same transactions, by type and target, the most
 * total time first. For dependencies: the requests (operations) that called them.
 */
export function relatedGroups(
  items: readonly PanelItem[],
  grouping: Grouping,
  operationItems: (operationId: string) => readonly PanelItem[] | undefined,
  limit = 10,
): RelatedGroup[] {
  const wanted = grouping === 'operation' ? 'dependencies' : 'requests';
  const seen = new Set<string>();
  const byLabel = new Map<string, { count: number; failures: number; total: number }>();
  for (const item of items) {
    const id = item.operationId;
    if (typeof id !== 'string' || seen.has(id)) continue;
    seen.add(id);
    for (const other of operationItems(id) ?? []) {
      if (other.table !== wanted) continue;
      const label =
        wanted === 'dependencies'
          ? [other.type, other.target].filter((part) => typeof part === 'string' && part !== '').join(' · ') || stringOr(other.name)
          : stringOr(other.name);
      let entry = byLabel.get(label);
      if (!entry) byLabel.set(label, (entry = { count: 0, failures: 0, total: 0 }));
      entry.count++;
      entry.total += durationOf(other);
      if (isFailedSpan(other)) entry.failures++;
    }
  }
  return [...byLabel]
    .map(([label, entry]) => ({ label, count: entry.count, failures: entry.failures, average: entry.total / entry.count }))
    .sort((a, b) => b.average * b.count - a.average * a.count || a.label.localeCompare(b.label))
    .slice(0, limit);
}

function stringOr(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

// ---- Failures ----

/** What failed items are grouped by. */
export type FailureDimension = 'operation' | 'resultCode' | 'exceptionType';
export const FAILURE_DIMENSIONS: readonly FailureDimension[] = ['operation', 'resultCode', 'exceptionType'];

export interface FailureGroup {
  readonly key: string;
  /** Failed spans, oldest first. */
  readonly items: readonly PanelItem[];
  /** All spans of that key in the range (for operation and result code), for a failure rate. */
  readonly total: number;
}

/**
 * The exception types thrown in a span's transaction: exceptions whose parent is the span, else
 * every exception of the transaction (SDKs differ in how they parent them). '' when there is none.
 */
export function exceptionTypes(item: PanelItem, operationItems: (operationId: string) => readonly PanelItem[] | undefined): string[] {
  const id = item.operationId;
  if (typeof id !== 'string') return [''];
  const exceptions = (operationItems(id) ?? []).filter((other) => other.table === 'exceptions');
  const own = exceptions.filter(
    (other) => typeof item.id === 'string' && item.id !== '' && typeof other.parentId === 'string' && other.parentId.includes(item.id),
  );
  const types = new Set<string>();
  for (const exception of own.length > 0 ? own : exceptions) types.add(stringOr(exception.exceptions?.[0]?.typeName));
  return types.size > 0 ? [...types] : [''];
}

/** Failed spans of `table` grouped by `dimension`, the most failures first. */
export function groupFailures(
  spans: readonly PanelItem[],
  table: 'requests' | 'dependencies',
  dimension: FailureDimension,
  operationItems: (operationId: string) => readonly PanelItem[] | undefined,
): FailureGroup[] {
  const failed = new Map<string, PanelItem[]>();
  const totals = new Map<string, number>();
  for (const item of spans) {
    if (item.table !== table) continue;
    for (const key of failureKeys(item, dimension, operationItems)) {
      totals.set(key, (totals.get(key) ?? 0) + 1);
      if (!isFailedSpan(item)) continue;
      let items = failed.get(key);
      if (!items) failed.set(key, (items = []));
      items.push(item);
    }
  }
  return [...failed]
    .map(([key, items]) => ({ key, items, total: totals.get(key) ?? items.length }))
    .sort((a, b) => b.items.length - a.items.length || a.key.localeCompare(b.key));
}

/**
 * The keys a span counts under: its operation (requests: name; dependencies: type · target · name),
 * its result code, or the exception types of a failed span (none for a successful one).
 */
export function failureKeys(
  item: PanelItem,
  dimension: FailureDimension,
  operationItems: (operationId: string) => readonly PanelItem[] | undefined,
): string[] {
  if (dimension === 'operation')
    return [
      item.table === 'requests'
        ? stringOr(item.name)
        : [item.type, item.target, item.name].filter((part) => typeof part === 'string' && part !== '').join(' · '),
    ];
  if (dimension === 'resultCode') return [stringOr(item.resultCode)];
  return isFailedSpan(item) ? exceptionTypes(item, operationItems) : [];
}

export interface CountSeries {
  /** Bucket starts, epoch seconds. */
  readonly times: number[];
  readonly failed: number[];
  readonly all: number[];
}

const NICE_BUCKETS_MS = [
  1_000,
  5_000,
  10_000,
  30_000,
  60_000,
  5 * 60_000,
  10 * 60_000,
  30 * 60_000,
  60 * 60_000,
  6 * 60 * 60_000,
  24 * 60 * 60_000,
];

/** Failed and all spans per time bucket (about 60 buckets over the data, on a round size, plus an empty one each side). */
export function countsOverTime(failed: readonly PanelItem[], all: readonly PanelItem[]): CountSeries {
  if (all.length === 0 && failed.length === 0) return { times: [], failed: [], all: [] };
  let from = Infinity;
  let to = -Infinity;
  for (const item of [...all, ...failed]) {
    if (item.time < from) from = item.time;
    if (item.time > to) to = item.time;
  }
  const size = NICE_BUCKETS_MS.find((candidate) => (to - from) / candidate <= 60) ?? NICE_BUCKETS_MS[NICE_BUCKETS_MS.length - 1]!;
  // One empty bucket before and after the data: a single busy bucket still draws as a spike from zero.
  const start = Math.floor(from / size) * size - size;
  const count = Math.floor((to - start) / size) + 2;
  const series: CountSeries = { times: [], failed: new Array<number>(count).fill(0), all: new Array<number>(count).fill(0) };
  for (let i = 0; i < count; i++) series.times.push((start + i * size) / 1000);
  for (const item of failed) series.failed[Math.floor((item.time - start) / size)]!++;
  for (const item of all) series.all[Math.floor((item.time - start) / size)]!++;
  return series;
}
