/**
 * The Application Insights tables as the portal's Logs blade shows them (classic schema: the
 * `requests`, `dependencies`, … tables with their real column names), projected from the store's
 * items without copying them: every column is a getter over a {@link TelemetryItem} (customMetrics:
 * one row per metric point). Plain Node: never import `vscode` here.
 */
import type { MetricPoint, TableName, TelemetryItem } from '../store/telemetryItem';
import type { ScalarType, Value } from './types';

export interface ColumnDef {
  readonly name: string;
  readonly type: ScalarType;
  readonly get: (row: unknown) => Value;
  /**
   * Set when the column is the item's own numeric or boolean field, read as-is with a missing value
   * as null: hot loops (where, summarize) then read `row[field]` themselves instead of calling
   * `get`, which saves a call and a boxed number per row. Only valid while rows are the items.
   */
  readonly field?: 'time' | 'duration' | 'success';
}

/** A customMetrics row: the item and one of its points. */
export interface MetricRow {
  readonly item: TelemetryItem;
  readonly point: MetricPoint;
}

export const QUERY_TABLES: readonly TableName[] = [
  'requests',
  'dependencies',
  'traces',
  'exceptions',
  'customEvents',
  'customMetrics',
  'availabilityResults',
  'pageViews',
];

const ITEM_TYPE: Readonly<Record<TableName, string>> = {
  requests: 'request',
  dependencies: 'dependency',
  traces: 'trace',
  exceptions: 'exception',
  customEvents: 'customEvent',
  customMetrics: 'customMetric',
  availabilityResults: 'availabilityResult',
  pageViews: 'pageView',
};

type Field = (item: TelemetryItem) => Value;

const text = (value: string | undefined): string => value ?? '';
const orNull = <T extends Value>(value: T | undefined): T | null => (value === undefined ? null : value);

/** Columns every table has, in the portal's order after the table's own. */
const COMMON: readonly [string, ScalarType, Field][] = [
  ['customDimensions', 'dynamic', (item) => orNull(item.properties)],
  ['customMeasurements', 'dynamic', (item) => orNull(item.measurements)],
  ['operation_Name', 'string', (item) => text(item.operationName)],
  ['operation_Id', 'string', (item) => text(item.operationId)],
  ['operation_ParentId', 'string', (item) => text(item.parentId)],
  ['cloud_RoleName', 'string', (item) => text(item.role)],
  ['cloud_RoleInstance', 'string', (item) => text(item.roleInstance)],
  ['sdkVersion', 'string', (item) => text(item.sdkVersion)],
  ['itemId', 'string', (item) => item.id ?? String(item.seq)],
  ['itemType', 'string', (item) => ITEM_TYPE[item.table]],
  // An item sampled at rate r stands for 100/r items (the portal's sum(itemCount)).
  ['itemCount', 'long', (item) => (item.sampleRate ? Math.round(100 / item.sampleRate) : 1)],
  // Local only (issue 19): where the item stands on its way to Azure ('local', 'queued', 'sent', 'dropped'; '' for imported items).
  ['delivery', 'string', (item) => item.delivery?.state ?? ''],
];

const TIMESTAMP: [string, ScalarType, Field] = ['timestamp', 'datetime', (item) => item.time];
const ID: [string, ScalarType, Field] = ['id', 'string', (item) => text(item.id)];
const NAME: [string, ScalarType, Field] = ['name', 'string', (item) => text(item.name)];
const DURATION: [string, ScalarType, Field] = ['duration', 'real', (item) => orNull(item.duration)];
const SUCCESS: [string, ScalarType, Field] = ['success', 'bool', (item) => orNull(item.success)];
const RESULT_CODE: [string, ScalarType, Field] = ['resultCode', 'string', (item) => text(item.resultCode)];
const BUCKET: [string, ScalarType, Field] = ['performanceBucket', 'string', (item) => performanceBucket(item.duration)];
const SEVERITY: [string, ScalarType, Field] = ['severityLevel', 'long', (item) => orNull(item.severity)];
const MESSAGE: [string, ScalarType, Field] = ['message', 'string', (item) => text(item.message)];

/** The columns whose getter is exactly "the field, or null" (ColumnDef.field). */
const DIRECT_FIELDS = new Map<readonly [string, ScalarType, Field], NonNullable<ColumnDef['field']>>([
  [TIMESTAMP, 'time'],
  [DURATION, 'duration'],
  [SUCCESS, 'success'],
]);

const outer = (item: TelemetryItem) => item.exceptions?.[0];
const innermost = (item: TelemetryItem) => item.exceptions?.[item.exceptions.length - 1];
const firstFrame = (item: TelemetryItem) => outer(item)?.parsedStack?.[0];

const TABLE_FIELDS: Readonly<Record<Exclude<TableName, 'customMetrics'>, readonly [string, ScalarType, Field][]>> = {
  requests: [TIMESTAMP, ID, NAME, ['url', 'string', (item) => text(item.url)], SUCCESS, RESULT_CODE, DURATION, BUCKET],
  dependencies: [
    TIMESTAMP,
    ID,
    ['target', 'string', (item) => text(item.target)],
    ['type', 'string', (item) => text(item.type)],
    NAME,
    ['data', 'string', (item) => text(item.data ?? item.url)],
    SUCCESS,
    RESULT_CODE,
    DURATION,
    BUCKET,
  ],
  traces: [TIMESTAMP, MESSAGE, SEVERITY],
  exceptions: [
    TIMESTAMP,
    ['problemId', 'string', (item) => problemId(item)],
    ['type', 'string', (item) => text(outer(item)?.typeName)],
    ['method', 'string', (item) => text(firstFrame(item)?.method)],
    ['outerType', 'string', (item) => text(outer(item)?.typeName)],
    ['outerMessage', 'string', (item) => text(outer(item)?.message)],
    ['innermostType', 'string', (item) => text(innermost(item)?.typeName)],
    ['innermostMessage', 'string', (item) => text(innermost(item)?.message)],
    ['message', 'string', (item) => text(outer(item)?.message ?? item.message)],
    SEVERITY,
    [
      'details',
      'dynamic',
      (item) =>
        item.exceptions
          ? item.exceptions.map((detail) => ({
              type: detail.typeName ?? '',
              message: detail.message ?? '',
              rawStack: detail.stack ?? '',
              parsedStack: detail.parsedStack ?? [],
            }))
          : null,
    ],
  ],
  customEvents: [TIMESTAMP, NAME],
  availabilityResults: [TIMESTAMP, ID, NAME, ['location', 'string', (item) => text(item.target)], SUCCESS, MESSAGE, DURATION, BUCKET],
  pageViews: [TIMESTAMP, ID, NAME, ['url', 'string', (item) => text(item.url)], DURATION, BUCKET],
};

const METRIC_FIELDS: readonly [string, ScalarType, (row: MetricRow) => Value][] = [
  ['timestamp', 'datetime', (row) => row.item.time],
  ['name', 'string', (row) => row.point.name],
  // A pre-aggregated point carries the sum in `value` (as Azure stores it); a single one its value.
  ['value', 'real', (row) => row.point.value],
  ['valueCount', 'long', (row) => row.point.count ?? 1],
  ['valueSum', 'real', (row) => row.point.value],
  ['valueMin', 'real', (row) => row.point.min ?? row.point.value],
  ['valueMax', 'real', (row) => row.point.max ?? row.point.value],
  ['valueStdDev', 'real', (row) => row.point.stdDev ?? 0],
];

const columnCache = new Map<TableName, readonly ColumnDef[]>();

export function isQueryTable(name: string): name is TableName {
  return (QUERY_TABLES as readonly string[]).includes(name);
}

/** The table's columns, getters reading the store's items (customMetrics: {@link MetricRow}s). */
export function tableColumns(table: TableName): readonly ColumnDef[] {
  const cached = columnCache.get(table);
  if (cached) return cached;
  let columns: ColumnDef[];
  if (table === 'customMetrics') {
    columns = [
      ...METRIC_FIELDS.map(([name, type, get]) => ({ name, type, get: get as (row: unknown) => Value })),
      ...COMMON.map(([name, type, get]) => ({ name, type, get: (row: unknown) => get((row as MetricRow).item) })),
    ];
  } else {
    columns = [...TABLE_FIELDS[table], ...COMMON].map((entry) => {
      const [name, type, get] = entry;
      const field = DIRECT_FIELDS.get(entry);
      return field ? { name, type, get: get as (row: unknown) => Value, field } : { name, type, get: get as (row: unknown) => Value };
    });
  }
  columnCache.set(table, columns);
  return columns;
}

/** The rows a table holds: the items themselves, or one {@link MetricRow} per metric point. */
export function tableRows(table: TableName, items: Iterable<TelemetryItem>): unknown[] {
  const rows: unknown[] = [];
  for (const item of items) {
    if (item.table !== table || item.statsbeat) continue;
    if (table === 'customMetrics') {
      for (const point of item.metrics ?? []) rows.push({ item, point } satisfies MetricRow);
    } else {
      rows.push(item);
    }
  }
  return rows;
}

/** Application Insights' duration buckets (`performanceBucket`). */
export function performanceBucket(duration: number | undefined): string {
  if (duration === undefined) return '';
  const seconds = duration / 1000;
  if (seconds < 0.25) return '<250ms';
  if (seconds < 0.5) return '250ms-500ms';
  if (seconds < 1) return '500ms-1sec';
  if (seconds < 3) return '1sec-3sec';
  if (seconds < 7) return '3sec-7sec';
  if (seconds < 15) return '7sec-15sec';
  if (seconds < 30) return '15sec-30sec';
  if (seconds < 60) return '30sec-1min';
  if (seconds < 120) return '1min-2min';
  if (seconds < 300) return '2min-5min';
  return '>=5min';
}

/** Azure groups exceptions as "<type> at <first frame's method>" (the type alone without a stack). */
function problemId(item: TelemetryItem): string {
  const type = outer(item)?.typeName ?? '';
  const method = firstFrame(item)?.method;
  return method ? `${type} at ${method}` : type;
}
