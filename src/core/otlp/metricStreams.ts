/**
 * Per-stream state that turns cumulative OTLP metric points into the per-interval values Azure
 * Monitor expects (its exporters send deltas; `customMetrics | summarize sum(value)` adds points up).
 * A stream is metric name + resource + scope + attribute set + start time.
 *
 * - Monotonic cumulative sum: the increase since the stream's previous point. The first point of a
 *   stream counts from its start time (its value as is); a lower value is a reset (counted as is); a
 *   new start time is a new stream. No increase: no point (a delta exporter sends none either).
 * - Cumulative histogram (and summary): count and sum since the previous point. min/max of a
 *   cumulative point are lifetime values, so an interval gets only what they prove about it: a new
 *   lifetime max is the interval's max, a new lifetime min its min, a single new value is both; the
 *   rest is left out rather than invented.
 * - Restart: the first point of an unknown stream counts from its start only when the stream started
 *   after this relay (its start time is later than the relay's start, and its age at the point —
 *   time − start, on the app's own clock — is not above the relay's uptime, which catches an app clock
 *   running ahead) and after every stream this relay forgot for the same resource. Otherwise it is a
 *   baseline only: an earlier relay (or this one, before forgetting it) may have forwarded part of
 *   it, and sending the total again would inflate Azure's sums. The cost is the increase since the
 *   last point the old relay forwarded (at most an export interval plus the downtime); nothing is
 *   counted twice. Points without a start time start as a baseline too.
 * - State changes only when the converted batch was durably accepted ({@link MetricStreamBatch.commit}):
 *   a refused export is recovered by the next cumulative point. Batches run one at a time
 *   ({@link MetricStreams.exclusive}) so two requests never compute deltas from the same old state.
 * - Bounded by count and bytes, least recently updated first; streams quiet for `quietMs` are forgotten.
 * Plain Node: never import `vscode` here.
 */
import { createHash } from 'crypto';

export interface MetricStreamsOptions {
  /**
   * The relay's start (ms since the epoch); unknown streams older than the relay are baselined.
   * Default: now. -Infinity: every unknown stream counts from its start (one-off conversions).
   */
  readonly startedAtMs?: number;
  readonly maxStreams?: number;
  readonly maxBytes?: number;
  /** A stream with no point for this long is forgotten. */
  readonly quietMs?: number;
  /** Resources whose forgotten streams are remembered by their latest start time. */
  readonly maxHorizons?: number;
  readonly now?: () => number;
}

export const DEFAULT_METRIC_STREAM_LIMITS = {
  maxStreams: 20_000,
  maxBytes: 8 * 1024 * 1024,
  quietMs: 30 * 60_000,
  maxHorizons: 1_000,
} as const;

/** A cumulative point as read from OTLP: sums carry `value` only. */
export interface CumulativeValue {
  readonly value: number;
  readonly count: number;
  readonly min?: number;
  readonly max?: number;
  /** False for a histogram without `sum` (then a single new value's size is unknown). Default true. */
  readonly sumKnown?: boolean;
}

/** What one interval of a stream is worth, or undefined when there is nothing to send. */
export type IntervalValue = CumulativeValue;

export interface StreamIdentity {
  /** Resource + scope, canonical. */
  readonly scopeKey: string;
  /** Resource only, canonical. */
  readonly resourceKey: string;
  readonly metricName: string;
  /** Point attributes, canonical. */
  readonly attributesKey: string;
  readonly startNs: bigint;
  readonly timeNs: bigint;
}

interface StreamState {
  readonly resourceKey: string;
  readonly startNs: bigint;
  readonly timeNs: bigint;
  readonly value: number;
  readonly count: number;
  readonly min?: number;
  readonly max?: number;
  seenMs: number;
}
// Horizons hold a hashed resource key and a bigint each: at most maxHorizons × ~150 bytes.

/** Rough bytes per stream in memory: map entry, hashed keys (UTF-16), numbers and bigints. */
const STREAM_OVERHEAD_BYTES = 320;
const NS_PER_MS = 1_000_000n;

export class MetricStreams {
  private readonly streams = new Map<string, StreamState>();
  /** Per resource key: the latest start time of a stream forgotten for it. */
  private readonly horizons = new Map<string, bigint>();
  /** Raised when the per-resource horizons overflow: the latest start among the dropped ones. */
  private globalHorizonNs = -1n;
  private readonly startedAtMs: number;
  private readonly startedAtNs: bigint;
  private bytes = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly limits: Required<Omit<MetricStreamsOptions, 'startedAtMs' | 'now'>>;
  private readonly now: () => number;

  constructor(options: MetricStreamsOptions = {}) {
    this.now = options.now ?? Date.now;
    this.startedAtMs = options.startedAtMs ?? this.now();
    this.startedAtNs = Number.isFinite(this.startedAtMs) ? BigInt(Math.floor(this.startedAtMs)) * NS_PER_MS : -1n;
    this.limits = {
      maxStreams: options.maxStreams ?? DEFAULT_METRIC_STREAM_LIMITS.maxStreams,
      maxBytes: options.maxBytes ?? DEFAULT_METRIC_STREAM_LIMITS.maxBytes,
      quietMs: options.quietMs ?? DEFAULT_METRIC_STREAM_LIMITS.quietMs,
      maxHorizons: options.maxHorizons ?? DEFAULT_METRIC_STREAM_LIMITS.maxHorizons,
    };
  }

  get size(): number {
    return this.streams.size;
  }

  /** Estimated bytes held. */
  get byteSize(): number {
    return this.bytes;
  }

  /** Runs `work` after every earlier exclusive work finished (convert → accept → commit as one step). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** A batch whose state changes apply only on {@link MetricStreamBatch.commit}. */
  begin(): MetricStreamBatch {
    this.forgetQuiet();
    return new MetricStreamBatch(this);
  }

  /** @internal */
  lookup(key: string): StreamState | undefined {
    return this.streams.get(key);
  }

  /** @internal True when an unknown stream surely started after this relay and was never forgotten by it. */
  countsFromStart(identity: StreamIdentity): boolean {
    if (this.startedAtMs === Number.NEGATIVE_INFINITY) return true;
    if (identity.startNs <= this.startedAtNs || identity.timeNs < identity.startNs) return false;
    const uptimeNs = BigInt(Math.max(0, Math.ceil(this.now() - this.startedAtMs))) * NS_PER_MS;
    if (identity.timeNs - identity.startNs > uptimeNs) return false;
    const forResource = this.horizons.get(identity.resourceKey);
    return identity.startNs > this.globalHorizonNs && (forResource === undefined || identity.startNs > forResource);
  }

  /** @internal */
  apply(updates: ReadonlyMap<string, StreamState>): void {
    const now = this.now();
    for (const [key, state] of updates) {
      const previous = this.streams.get(key);
      if (previous) {
        this.streams.delete(key);
      } else {
        this.bytes += bytesOf(key, state);
      }
      state.seenMs = now;
      this.streams.set(key, state);
    }
    while (this.streams.size > this.limits.maxStreams || (this.bytes > this.limits.maxBytes && this.streams.size > 0)) {
      this.forgetOldest();
    }
  }

  private forgetQuiet(): void {
    const cutoff = this.now() - this.limits.quietMs;
    for (const state of this.streams.values()) {
      if (state.seenMs > cutoff) break;
      this.forgetOldest();
    }
  }

  /** Drops the least recently updated stream; its resource's horizon rises to its start time. */
  private forgetOldest(): void {
    const first = this.streams.entries().next();
    if (first.done) return;
    const [key, state] = first.value;
    this.streams.delete(key);
    this.bytes -= bytesOf(key, state);
    const horizon = this.horizons.get(state.resourceKey) ?? 0n;
    this.horizons.delete(state.resourceKey);
    this.horizons.set(state.resourceKey, state.startNs > horizon ? state.startNs : horizon);
    if (this.horizons.size > this.limits.maxHorizons) {
      const [oldestKey, oldest] = this.horizons.entries().next().value as [string, bigint];
      this.horizons.delete(oldestKey);
      if (oldest > this.globalHorizonNs) this.globalHorizonNs = oldest;
    }
  }
}

/** The state changes of one converted request, applied together once it was durably accepted. */
export class MetricStreamBatch {
  private readonly updates = new Map<string, StreamState>();
  /** Points taken as a baseline only (see the module comment), for the relay's log. */
  baselines = 0;

  constructor(private readonly streams: MetricStreams) {}

  /** The interval value of a monotonic cumulative sum, or undefined when there is nothing to send. */
  sum(identity: StreamIdentity, value: number): IntervalValue | undefined {
    return this.interval(identity, { value, count: 1 }, 'sum');
  }

  /** The interval value of a cumulative histogram (or summary): count, sum and the min/max it proves. */
  histogram(identity: StreamIdentity, point: CumulativeValue): IntervalValue | undefined {
    return this.interval(identity, point, 'histogram');
  }

  commit(): void {
    this.streams.apply(this.updates);
    this.updates.clear();
  }

  private interval(identity: StreamIdentity, point: CumulativeValue, kind: 'sum' | 'histogram'): IntervalValue | undefined {
    const key = streamKey(identity);
    const previous = this.updates.get(key) ?? this.streams.lookup(key);
    if (previous && identity.timeNs !== 0n && identity.timeNs <= previous.timeNs) {
      return undefined; // the same or an older point again (a retried export): already counted
    }
    this.updates.set(key, {
      resourceKey: identity.resourceKey,
      startNs: identity.startNs,
      timeNs: identity.timeNs,
      value: point.value,
      count: point.count,
      min: point.min,
      max: point.max,
      seenMs: 0,
    });
    if (!previous) {
      if (!this.streams.countsFromStart(identity)) {
        this.baselines++;
        return undefined;
      }
      return nonEmpty(point, kind);
    }
    const reset = kind === 'sum' ? point.value < previous.value : point.count < previous.count;
    if (reset) {
      return nonEmpty(point, kind);
    }
    if (kind === 'sum') {
      return nonEmpty({ value: point.value - previous.value, count: 1 }, kind);
    }
    const count = point.count - previous.count;
    const value = point.value - previous.value;
    if (count === 1 && point.sumKnown !== false) {
      return { value, count, min: value, max: value };
    }
    const min = point.min !== undefined && (previous.min === undefined || point.min < previous.min) ? point.min : undefined;
    const max = point.max !== undefined && (previous.max === undefined || point.max > previous.max) ? point.max : undefined;
    return nonEmpty({ value, count, min, max }, kind);
  }
}

function nonEmpty(value: IntervalValue, kind: 'sum' | 'histogram'): IntervalValue | undefined {
  if (kind === 'sum' ? value.value === 0 : value.count === 0) return undefined;
  const result: { value: number; count: number; min?: number; max?: number } = { value: value.value, count: value.count };
  if (value.min !== undefined) result.min = value.min;
  if (value.max !== undefined) result.max = value.max;
  return result;
}

function streamKey(identity: StreamIdentity): string {
  return hash(`${identity.scopeKey}\u0000${identity.metricName}\u0000${identity.attributesKey}\u0000${identity.startNs}`);
}

function bytesOf(key: string, state: StreamState): number {
  return STREAM_OVERHEAD_BYTES + 2 * (key.length + state.resourceKey.length);
}

/** Fixed-size keys: a stream costs the same memory whatever its attributes. */
export function hash(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}

/** A canonical text for an attribute record (keys sorted), so the same set always gives the same stream. */
export function canonicalAttributes(record: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(
    Object.keys(record)
      .sort()
      .map((key) => [key, record[key]]),
  );
}
