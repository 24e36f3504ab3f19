/**
 * Store item → a Breeze envelope again, for export: what the store keeps is normalised, so this is
 * the inverse of `normaliseEnvelope` (a test checks that normalising the result gives the same
 * item back). The instrumentation key is all zeros: an exported file carries no key, and import
 * puts the importing relay's own session key in. Plain Node: never import `vscode` here.
 */
import { Envelope, TAG } from '../envelope';
import type { TableName, TelemetryItem } from '../store/telemetryItem';

export const EXPORT_INSTRUMENTATION_KEY = '00000000-0000-0000-0000-000000000000';

const WIRE: Readonly<Record<TableName, { readonly type: string; readonly baseType: string }>> = {
  requests: { type: 'Request', baseType: 'RequestData' },
  dependencies: { type: 'RemoteDependency', baseType: 'RemoteDependencyData' },
  traces: { type: 'Message', baseType: 'MessageData' },
  exceptions: { type: 'Exception', baseType: 'ExceptionData' },
  customEvents: { type: 'Event', baseType: 'EventData' },
  customMetrics: { type: 'Metric', baseType: 'MetricData' },
  pageViews: { type: 'PageView', baseType: 'PageViewData' },
  availabilityResults: { type: 'Availability', baseType: 'AvailabilityData' },
};

type Fields = Record<string, unknown>;

export function envelopeOfItem(item: TelemetryItem): Envelope {
  const wire = WIRE[item.table];
  const tags: Record<string, string> = {};
  setIf(tags, TAG.cloudRole, item.role);
  setIf(tags, TAG.cloudRoleInstance, item.roleInstance);
  setIf(tags, TAG.operationId, item.operationId);
  setIf(tags, TAG.operationName, item.operationName);
  setIf(tags, TAG.operationParentId, item.parentId);
  setIf(tags, TAG.sdkVersion, item.sdkVersion);
  const baseData: Fields = { ver: 2, ...tableFields(item) };
  setIf(baseData, 'properties', item.properties);
  setIf(baseData, 'measurements', item.measurements);
  const envelope: Envelope = {
    ver: 1,
    name: `Microsoft.ApplicationInsights.${item.statsbeat ? 'Statsbeat' : wire.type}`,
    time: isoTime(item.time),
    iKey: EXPORT_INSTRUMENTATION_KEY,
    tags,
    data: { baseType: wire.baseType, baseData },
  };
  if (item.sampleRate !== undefined) envelope.sampleRate = item.sampleRate;
  return envelope;
}

function tableFields(item: TelemetryItem): Fields {
  const fields: Fields = {};
  switch (item.table) {
    case 'requests':
      setIf(fields, 'id', item.id);
      setIf(fields, 'name', item.name);
      setIf(fields, 'duration', durationText(item.duration));
      setIf(fields, 'success', item.success);
      setIf(fields, 'responseCode', item.resultCode);
      setIf(fields, 'url', item.url);
      break;
    case 'dependencies':
      setIf(fields, 'id', item.id);
      setIf(fields, 'name', item.name);
      setIf(fields, 'duration', durationText(item.duration));
      setIf(fields, 'success', item.success);
      setIf(fields, 'resultCode', item.resultCode);
      setIf(fields, 'target', item.target);
      setIf(fields, 'type', item.type);
      setIf(fields, 'data', item.data);
      break;
    case 'traces':
      setIf(fields, 'message', item.message);
      setIf(fields, 'severityLevel', item.severity);
      break;
    case 'exceptions':
      setIf(fields, 'severityLevel', item.severity);
      setIf(
        fields,
        'exceptions',
        item.exceptions?.map((detail) => {
          const exception: Fields = {};
          setIf(exception, 'typeName', detail.typeName);
          setIf(exception, 'message', detail.message);
          setIf(exception, 'hasFullStack', detail.stack !== undefined || detail.parsedStack !== undefined ? true : undefined);
          setIf(exception, 'stack', detail.stack);
          setIf(
            exception,
            'parsedStack',
            detail.parsedStack?.map((frame) => ({ ...frame })),
          );
          return exception;
        }),
      );
      break;
    case 'customEvents':
      setIf(fields, 'name', item.name);
      break;
    case 'customMetrics':
      setIf(
        fields,
        'metrics',
        item.metrics?.map((point) => {
          const metric: Fields = { name: point.name };
          setIf(metric, 'ns', point.namespace);
          metric.value = point.value;
          setIf(metric, 'count', point.count);
          setIf(metric, 'min', point.min);
          setIf(metric, 'max', point.max);
          setIf(metric, 'stdDev', point.stdDev);
          return metric;
        }),
      );
      break;
    case 'pageViews':
      setIf(fields, 'id', item.id);
      setIf(fields, 'name', item.name);
      setIf(fields, 'url', item.url);
      setIf(fields, 'duration', durationText(item.duration));
      break;
    case 'availabilityResults':
      setIf(fields, 'id', item.id);
      setIf(fields, 'name', item.name);
      setIf(fields, 'duration', durationText(item.duration));
      setIf(fields, 'success', item.success);
      setIf(fields, 'message', item.message);
      setIf(fields, 'runLocation', item.target);
      break;
  }
  return fields;
}

/** Epoch ms (possibly fractional) → ISO 8601 UTC with up to 7 fraction digits, as the SDKs write it. */
export function isoTime(epochMs: number): string {
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  const head = new Date(wholeSecond).toISOString().slice(0, 19);
  // Tenths of microseconds: the finest unit Breeze timestamps carry.
  const ticks = Math.round((epochMs - wholeSecond) * 10_000);
  if (ticks >= 10_000_000) return `${new Date(wholeSecond + 1000).toISOString().slice(0, 19)}Z`;
  const fraction = ticks === 0 ? '' : `.${String(ticks).padStart(7, '0').replace(/0+$/, '')}`;
  return `${head}${fraction}Z`;
}

/** Milliseconds → `D.HH:MM:SS.fffffffff` (nanoseconds, the precision the store keeps). */
export function durationText(ms: number | undefined): string | undefined {
  if (ms === undefined) return undefined;
  const nanos = BigInt(Math.round(ms * 1e6));
  const second = 1_000_000_000n;
  const totalSeconds = nanos / second;
  const fraction = (nanos % second).toString().padStart(9, '0');
  const days = totalSeconds / 86_400n;
  const hours = (totalSeconds / 3600n) % 24n;
  const minutes = (totalSeconds / 60n) % 60n;
  const seconds = totalSeconds % 60n;
  const two = (value: bigint): string => value.toString().padStart(2, '0');
  return `${days}.${two(hours)}:${two(minutes)}:${two(seconds)}.${fraction}`;
}

function setIf(target: Fields, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}
