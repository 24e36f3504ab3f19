/**
 * OTLP metric points → one MetricData envelope each (`customMetrics`): sums and gauges carry
 * value (count 1); histograms, exponential histograms and summaries carry sum, count, min and max.
 * The point's attributes become properties. Points flagged "no recorded value" are skipped.
 * Cumulative points (monotonic sums, histograms, summaries) become the per-interval values Azure
 * expects through the stream state in {@link MetricStreamBatch}; a point with nothing new in its
 * interval gives no envelope. Delta points, gauges and non-monotonic sums are sent as they are.
 * Plain Node: never import `vscode` here.
 */
import type { Envelope } from '../envelope';
import { attributesToRecord, serializeAttribute } from './attributes';
import { makeEnvelope } from './envelopeBase';
import { canonicalAttributes, MetricStreamBatch, StreamIdentity } from './metricStreams';
import type { HistogramDataPoint, Metric, NumberDataPoint, SummaryDataPoint } from './otlpModel';
import { nanosOf, nanosToIso } from './otlpTime';
import { MAX, truncate } from './semanticAttributes';

const NO_RECORDED_VALUE = 1;
const CUMULATIVE = 2;

export interface MetricContext {
  readonly resourceTags: Record<string, string>;
  readonly iKey: string;
  readonly nowMs: number;
  /** Stream state for cumulative points (changes apply when the caller commits the batch). */
  readonly streams: MetricStreamBatch;
  /** Canonical resource, and resource + scope (see metricStreams.ts). */
  readonly resourceKey: string;
  readonly scopeKey: string;
  /** Counts one point; false when it must not be converted (the caller counted it as rejected). */
  readonly admit: () => boolean;
}

export interface MetricConversion {
  readonly envelopes: Envelope[];
  /** Points that could not be converted, and why (for `partial_success`). */
  readonly rejected: number;
  readonly problem?: string;
}

interface PointValue {
  readonly value: number;
  readonly count: number;
  readonly min?: number;
  readonly max?: number;
  readonly sumKnown?: boolean;
}

export function metricToEnvelopes(metric: Metric, context: MetricContext): MetricConversion {
  const points = pointsOf(metric);
  const name = metric.name ?? '';
  if (name === '') {
    return { envelopes: [], rejected: points.length, problem: 'a metric has no name' };
  }
  const envelopes: Envelope[] = [];
  let rejected = 0;
  for (const point of points) {
    if (((point.flags ?? 0) & NO_RECORDED_VALUE) !== 0) {
      continue;
    }
    const raw = valueOf(metric, point);
    if (!raw || !Number.isFinite(raw.value)) {
      rejected++;
      continue;
    }
    if (!context.admit()) {
      continue;
    }
    const attributes = attributesToRecord(point.attributes);
    const value = intervalValue(metric, raw, context, () => ({
      resourceKey: context.resourceKey,
      scopeKey: context.scopeKey,
      metricName: name,
      attributesKey: canonicalAttributes(attributes),
      startNs: nanosOf(point.startTimeUnixNano),
      timeNs: nanosOf(point.timeUnixNano),
    }));
    if (!value) {
      continue;
    }
    const properties: Record<string, string> = {};
    for (const [key, attribute] of Object.entries(attributes)) {
      if (attribute !== undefined && key.length <= MAX.propertyKey) {
        properties[key] = truncate(serializeAttribute(attribute), MAX.property);
      }
    }
    const dataPoint: Record<string, unknown> = {
      name: truncate(name, MAX.name),
      kind: 'Aggregation',
      value: value.value,
      count: value.count,
    };
    if (value.min !== undefined) dataPoint.min = value.min;
    if (value.max !== undefined) dataPoint.max = value.max;
    const time = nanosToIso(nanosOf(point.timeUnixNano), context.nowMs);
    envelopes.push(
      makeEnvelope('Metric', time, context.iKey, { ...context.resourceTags }, 'MetricData', { metrics: [dataPoint], properties }),
    );
  }
  return {
    envelopes,
    rejected,
    problem: rejected > 0 ? `${rejected} points of metric "${truncate(name, 100)}" have no finite value` : undefined,
  };
}

/** What this point is worth for its own interval; undefined when there is nothing to send. */
function intervalValue(metric: Metric, raw: PointValue, context: MetricContext, identity: () => StreamIdentity): PointValue | undefined {
  if (metric.sum?.aggregationTemporality === CUMULATIVE && metric.sum.isMonotonic === true) {
    return context.streams.sum(identity(), raw.value);
  }
  const histogram = metric.histogram ?? metric.exponentialHistogram;
  if (histogram?.aggregationTemporality === CUMULATIVE) {
    return context.streams.histogram(identity(), raw);
  }
  if (metric.summary) {
    // Summary count and sum are cumulative by definition; its quantiles cover a sliding window, not the interval.
    return context.streams.histogram(identity(), { value: raw.value, count: raw.count });
  }
  // Delta points, gauges and non-monotonic sums (the current value, as the Azure exporter sends an UpDownCounter).
  return raw;
}

type AnyPoint = NumberDataPoint | HistogramDataPoint | SummaryDataPoint;

function pointsOf(metric: Metric): AnyPoint[] {
  return (
    metric.gauge?.dataPoints ??
    metric.sum?.dataPoints ??
    metric.histogram?.dataPoints ??
    metric.exponentialHistogram?.dataPoints ??
    metric.summary?.dataPoints ??
    []
  );
}

function valueOf(metric: Metric, point: AnyPoint): PointValue | undefined {
  if (metric.gauge || metric.sum) {
    const number = point as NumberDataPoint;
    const value = number.asDouble ?? (number.asInt !== undefined ? Number(number.asInt) : 0);
    return { value, count: 1 };
  }
  if (metric.histogram || metric.exponentialHistogram) {
    const histogram = point as HistogramDataPoint;
    return {
      value: histogram.sum ?? 0,
      count: Number(histogram.count ?? 0),
      min: histogram.min,
      max: histogram.max,
      sumKnown: histogram.sum !== undefined,
    };
  }
  if (metric.summary) {
    const summary = point as SummaryDataPoint;
    const quantile = (q: number): number | undefined => summary.quantileValues?.find((entry) => (entry.quantile ?? 0) === q)?.value;
    return { value: summary.sum ?? 0, count: Number(summary.count ?? 0), min: quantile(0), max: quantile(1) };
  }
  return undefined;
}
