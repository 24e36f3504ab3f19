/**
 * QuickPulse `MonitoringDataPoint` bodies → {@link LiveSample}s. The post body is an array of data
 * points (a single object is accepted too); field names are PascalCase on the wire. `Timestamp` is
 * ISO 8601 in the current API and `/Date(<ms>)/` in the classic one. Pure.
 * Plain Node: never import `vscode` here.
 */
import { FIELD_LIMITS, truncate } from '../store/fieldLimits';
import { parseTimestamp } from '../store/time';
import type { LiveMetric, LiveSample } from './liveSamples';

export type ParsedLiveSamples = { readonly ok: true; readonly samples: LiveSample[] } | { readonly ok: false; readonly message: string };

const MAX_METRICS_PER_SAMPLE = 1000;

export function parseMonitoringDataPoints(body: unknown, now = Date.now()): ParsedLiveSamples {
  const points = Array.isArray(body) ? body : [body];
  const samples: LiveSample[] = [];
  for (let index = 0; index < points.length; index++) {
    const point = points[index];
    if (!isObject(point)) {
      return { ok: false, message: `Data point ${index} is not a MonitoringDataPoint object.` };
    }
    if (point.Metrics !== undefined && point.Metrics !== null && !Array.isArray(point.Metrics)) {
      return { ok: false, message: `Field 'Metrics' of data point ${index} must be an array.` };
    }
    const metrics: LiveMetric[] = [];
    for (const metric of (point.Metrics as unknown[] | undefined) ?? []) {
      if (metrics.length >= MAX_METRICS_PER_SAMPLE) {
        break;
      }
      if (isObject(metric) && typeof metric.Name === 'string' && typeof metric.Value === 'number' && Number.isFinite(metric.Value)) {
        const weight = typeof metric.Weight === 'number' && Number.isFinite(metric.Weight) ? metric.Weight : undefined;
        const name = capped(metric.Name);
        metrics.push(weight === undefined ? { name, value: metric.Value } : { name, value: metric.Value, weight });
      }
    }
    const sample: { time: number; role?: string; instance?: string; metrics: LiveMetric[] } = {
      time: timestampOf(point.Timestamp) ?? now,
      metrics,
    };
    if (typeof point.RoleName === 'string' && point.RoleName !== '') {
      sample.role = capped(point.RoleName);
    }
    if (typeof point.Instance === 'string' && point.Instance !== '') {
      sample.instance = capped(point.Instance);
    }
    samples.push(sample);
  }
  return { ok: true, samples };
}

/** Names and roles cut to Azure's 1,024 characters, copied out so a huge original is not kept alive. */
function capped(text: string): string {
  return text.length > FIELD_LIMITS.name ? truncate(text, FIELD_LIMITS.name) : text;
}

function timestampOf(value: unknown): number | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  const classic = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(value);
  return classic ? Number(classic[1]) : parseTimestamp(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
