/**
 * A decoded OTLP export request → Breeze envelopes carrying the relay's local key, and the count of
 * spans / data points / log records that could not be converted (answered as `partial_success`,
 * never silently dropped). Pure. Plain Node: never import `vscode` here.
 */
import type { Envelope } from '../envelope';
import { logToEnvelope } from './logEnvelopes';
import { metricToEnvelopes } from './metricEnvelopes';
import { canonicalAttributes, hash, MetricStreamBatch, MetricStreams } from './metricStreams';
import { attributesToRecord } from './attributes';
import type { OtlpRequests, OtlpSignal } from './otlpModel';
import { resourceTags } from './resourceTags';
import { spanToEnvelopes } from './spanEnvelopes';

export interface OtlpConversion {
  readonly envelopes: Envelope[];
  /** Spans, data points or log records in the request. */
  readonly received: number;
  readonly rejected: number;
  /** Why items were rejected ('' when none were): the first few reasons. */
  readonly errorMessage: string;
}

export interface ConvertOptions {
  /** iKey for every envelope: the relay's local key. */
  readonly iKey: string;
  /** Items (spans, points, records) beyond this are rejected, not converted. */
  readonly maxItems?: number;
  readonly nowMs?: number;
  /**
   * Metrics: the relay's stream state for cumulative points; commit it once the envelopes were
   * durably accepted. Without it, each request stands alone (every stream's first point).
   */
  readonly metricStreams?: MetricStreamBatch;
}

const MAX_REASONS = 3;

class Tally {
  received = 0;
  rejected = 0;
  readonly reasons: string[] = [];
  readonly envelopes: Envelope[] = [];

  constructor(private readonly maxItems: number) {}

  /** True while the item may be converted; counts it either way. */
  admit(): boolean {
    this.received++;
    if (this.received > this.maxItems) {
      this.reject(1, `more than ${this.maxItems} items in one request; send smaller batches`);
      return false;
    }
    return true;
  }

  reject(count: number, reason: string): void {
    this.rejected += count;
    if (!this.reasons.includes(reason) && this.reasons.length < MAX_REASONS) {
      this.reasons.push(reason);
    }
  }

  result(): OtlpConversion {
    const more = this.rejected > 0 ? ` (${this.rejected} rejected)` : '';
    return {
      envelopes: this.envelopes,
      received: this.received,
      rejected: this.rejected,
      errorMessage: this.reasons.length > 0 ? `${this.reasons.join('; ')}${more}` : '',
    };
  }
}

export function convertOtlp<S extends OtlpSignal>(signal: S, request: OtlpRequests[S], options: ConvertOptions): OtlpConversion {
  const tally = new Tally(options.maxItems ?? Number.POSITIVE_INFINITY);
  const nowMs = options.nowMs ?? Date.now();
  if (signal === 'traces') {
    for (const resourceSpans of (request as OtlpRequests['traces']).resourceSpans ?? []) {
      const tags = resourceTags(resourceSpans.resource);
      for (const scope of resourceSpans.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) {
          if (!tally.admit()) continue;
          const converted = spanToEnvelopes(span, tags, options.iKey);
          if (converted.ok) tally.envelopes.push(...converted.envelopes);
          else tally.reject(1, converted.message);
        }
      }
    }
  } else if (signal === 'metrics') {
    const streams = options.metricStreams ?? new MetricStreams({ startedAtMs: Number.NEGATIVE_INFINITY }).begin();
    const admit = (): boolean => tally.admit();
    for (const resourceMetrics of (request as OtlpRequests['metrics']).resourceMetrics ?? []) {
      const tags = resourceTags(resourceMetrics.resource);
      const resourceKey = hash(canonicalAttributes(attributesToRecord(resourceMetrics.resource?.attributes)));
      for (const scope of resourceMetrics.scopeMetrics ?? []) {
        const scopeKey = `${resourceKey}\u0000${scope.scope?.name ?? ''}\u0000${scope.scope?.version ?? ''}`;
        for (const metric of scope.metrics ?? []) {
          const converted = metricToEnvelopes(metric, {
            resourceTags: tags,
            iKey: options.iKey,
            nowMs,
            streams,
            resourceKey,
            scopeKey,
            admit,
          });
          tally.envelopes.push(...converted.envelopes);
          tally.received += converted.rejected;
          if (converted.rejected > 0) tally.reject(converted.rejected, converted.problem ?? 'invalid data points');
        }
      }
    }
  } else {
    for (const resourceLogs of (request as OtlpRequests['logs']).resourceLogs ?? []) {
      const tags = resourceTags(resourceLogs.resource);
      for (const scope of resourceLogs.scopeLogs ?? []) {
        for (const record of scope.logRecords ?? []) {
          if (tally.admit()) tally.envelopes.push(logToEnvelope(record, tags, options.iKey));
        }
      }
    }
  }
  return tally.result();
}
